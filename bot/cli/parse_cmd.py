"""``reportbot parse TYPE TEXT``: run one field parser and print what it understood as one JSON object.

Exit code 0 when the answer is accepted, 1 when it is refused or needs a question back, 2 for an
unknown type or a bad option.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from bot.cli.app import app
from dialogs.fields import Choice, ParseSpec, parse, types
from dialogs.messages import t

_NUMERIC = {"integer", "decimal", "percent", "money"}
_APPROXIMATE_HELP = f"Accept approximate figures ({t('bot.cli.example_approximate')})."
_UNIT_HELP = f"Unit word of the figure ({t('bot.cli.example_unit_words')})."


def _today(value: str | None) -> date:
    if value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise typer.BadParameter(f"--today must be YYYY-MM-DD, got {value!r}") from None
    try:
        zone = ZoneInfo(os.environ.get("REPORTBOT_TZ") or "Asia/Ho_Chi_Minh")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return datetime.now(zone).date()


def _bound(type_name: str, value: str | None, flag: str) -> float | str | None:
    if value is None or type_name not in _NUMERIC:
        return value
    try:
        return float(value.replace(",", "."))
    except ValueError:
        raise typer.BadParameter(f"{flag} must be a number for {type_name}, got {value!r}") from None


def _option(spec: str) -> Choice:
    # "LABEL" or "LABEL=VALUE"; the value defaults to the label.
    label, sep, value = spec.partition("=")
    return Choice(label.strip(), value.strip() if sep else label.strip())


@app.command("parse")
def parse_command(
    type_name: Annotated[str, typer.Argument(metavar="TYPE", help="Field type: integer, money, date, docref, …")],
    text: Annotated[str, typer.Argument(help="The answer as a user would type it.")],
    min_: Annotated[str | None, typer.Option("--min", help="Smallest value (a number; YYYY-MM-DD for dates).")] = None,
    max_: Annotated[str | None, typer.Option("--max", help="Largest value (a number; YYYY-MM-DD for dates).")] = None,
    approximate: Annotated[bool, typer.Option("--approximate", help=_APPROXIMATE_HELP)] = False,
    today: Annotated[str | None, typer.Option("--today", help="Today for relative dates (YYYY-MM-DD).")] = None,
    option: Annotated[list[str] | None, typer.Option("--option", help="A choice option: LABEL or LABEL=VALUE.")] = None,
    example: Annotated[str, typer.Option("--example", help="The field's own example for error messages.")] = "",
    min_length: Annotated[int | None, typer.Option("--min-length", help="Shortest text accepted.")] = None,
    max_length: Annotated[int | None, typer.Option("--max-length", help="Longest text accepted.")] = None,
    unit: Annotated[str, typer.Option("--unit", help=_UNIT_HELP)] = "",
) -> None:
    """Parse TEXT as a field of TYPE and print the result as JSON."""
    known = types()
    if type_name not in known:
        typer.echo(f"reportbot: unknown type {type_name!r}; known types: {', '.join(known)}", err=True)
        raise typer.Exit(2)
    spec = ParseSpec(
        min=_bound(type_name, min_, "--min"),
        max=_bound(type_name, max_, "--max"),
        min_length=min_length,
        max_length=max_length,
        approximate=approximate,
        options=tuple(_option(o) for o in option or ()),
        example=example,
        unit=unit,
    )
    result = parse(type_name, text, spec, _today(today))
    typer.echo(json.dumps(result.to_json(), ensure_ascii=False))
    raise typer.Exit(0 if result.ok else 1)
