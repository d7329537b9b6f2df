"""``reportbot parse TYPE TEXT``: run one field parser and print what it understood as one JSON object;
``reportbot diacritics [TEXT]``: the text with its diacritics restored, and the words the restorer is unsure of.

Exit code 0 when the answer is accepted, 1 when it is refused or needs a question back, 2 for an
unknown type or a bad option.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from bot.cli.app import app, h
from bot.cli.errors import shown
from dialogs.fields import Choice, ParseSpec, parse, types
from dialogs.messages import t
from dialogs.vietnamese.cleaning import clean
from dialogs.vietnamese.diacritics import restore

_NUMERIC = {"integer", "decimal", "percent", "money"}
_APPROXIMATE_HELP = h("opt_approximate", example=t("bot.cli.example_approximate"))
_UNIT_HELP = h("opt_unit_words", example=t("bot.cli.example_unit_words"))
#: Largest range bound accepted, in absolute value (the parsers call larger figures typing accidents).
BOUND_LIMIT = 10**18
#: The years the date grammar reads (dialogs/fields/grammar/dates.py): --today and date bounds stay inside.
FIRST_YEAR, LAST_YEAR = 1900, 2100
#: Longest --min-length / --max-length (a chat message is far shorter).
LENGTH_LIMIT = 1_000_000
#: Words a date bound may use for --today (dialogs/fields/date.py reads them).
_TODAY_WORDS = ("today",)
_KINDS = ("paragraph", "line", "name")


def _usage(msg: str, **params: object) -> NoReturn:
    """Refuse an option in one sentence, with the exit code of a usage error (2)."""
    typer.echo(f"reportbot: {t(msg, **params)}", err=True)
    raise typer.Exit(2)


def _day(text: str) -> date | None:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def _today(value: str | None) -> date:
    if value is not None:
        day = _day(value)
        if day is None:
            _usage("bot.cli.parse_bad_today", value=shown(value), first=FIRST_YEAR, last=LAST_YEAR)
        return day
    try:
        zone = ZoneInfo(os.environ.get("REPORTBOT_TZ") or "Asia/Ho_Chi_Minh")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return datetime.now(zone).date()


def _bound(type_name: str, value: str | None, flag: str) -> float | str | None:
    if value is None:
        return None
    if type_name == "date":
        if value.strip().lower() in (*_TODAY_WORDS, t("bot.cli.parse_today_word")) or _day(value) is not None:
            return value.strip()
        _usage("bot.cli.parse_bad_date_bound", option=flag, value=shown(value), first=FIRST_YEAR, last=LAST_YEAR)
    if type_name not in _NUMERIC:
        return value
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():  # "abc", "nan", "inf"
        _usage("bot.cli.parse_bad_bound", option=flag, value=shown(value), type=type_name)
    if abs(number) > BOUND_LIMIT:  # "1e400", a 5,000-digit number
        _usage("bot.cli.parse_bound_too_big", option=flag, value=shown(value), limit="10^18")
    return float(number)


def _option(spec: str) -> Choice:
    # "LABEL" or "LABEL=VALUE"; the value defaults to the label.
    label, sep, value = spec.partition("=")
    return Choice(label.strip(), value.strip() if sep else label.strip())


@app.command("parse", help=h("parse"))
def parse_command(
    type_name: Annotated[str, typer.Argument(metavar="TYPE", help=h("arg_type"))],
    text: Annotated[str, typer.Argument(help=h("arg_text"))],
    min_: Annotated[str | None, typer.Option("--min", help=h("opt_min"))] = None,
    max_: Annotated[str | None, typer.Option("--max", help=h("opt_max"))] = None,
    approximate: Annotated[bool, typer.Option("--approximate", help=_APPROXIMATE_HELP)] = False,
    today: Annotated[str | None, typer.Option("--today", help=h("opt_today"))] = None,
    option: Annotated[list[str] | None, typer.Option("--option", help=h("opt_option"))] = None,
    example: Annotated[str, typer.Option("--example", help=h("opt_example"))] = "",
    min_length: Annotated[int | None, typer.Option("--min-length", help=h("opt_min_length"))] = None,
    max_length: Annotated[int | None, typer.Option("--max-length", help=h("opt_max_length"))] = None,
    unit: Annotated[str, typer.Option("--unit", help=_UNIT_HELP)] = "",
) -> None:
    """Parse TEXT as a field of TYPE and print the result as JSON."""
    known = types()
    if type_name not in known:
        _usage("bot.cli.parse_unknown_type", type=shown(type_name), known=", ".join(known))
    for flag, length in (("--min-length", min_length), ("--max-length", max_length)):
        if length is not None and not 0 <= length <= LENGTH_LIMIT:
            _usage("bot.cli.parse_bad_length", option=flag, value=length, limit=LENGTH_LIMIT)
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


@app.command("diacritics")
def diacritics_command(
    text: Annotated[str | None, typer.Argument(help="Text typed without diacritics (standard input when omitted).")]
    = None,
    kind: Annotated[str, typer.Option("--kind", help="paragraph (capitals at sentence starts, a final full stop), "
                                      "line, or name (a capital on every syllable).")] = "paragraph",
) -> None:
    """Restore the diacritics of TEXT and print {"ok", "text", "uncertain": [{"start", "end", "alternatives"}]}."""
    if kind not in _KINDS:
        _usage("bot.cli.diacritics_bad_kind", value=shown(kind), known=", ".join(_KINDS))
    if text is None:
        try:
            text = sys.stdin.buffer.read().decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            typer.echo(json.dumps({"ok": False, "error": t("bot.cli.diacritics_not_utf8")}, ensure_ascii=False))
            raise typer.Exit(1) from None
    text = clean(text)
    if not text.strip():
        typer.echo(json.dumps({"ok": False, "error": t("bot.cli.diacritics_empty")}, ensure_ascii=False))
        raise typer.Exit(1)
    result = restore(text, kind)  # type: ignore[arg-type]  # checked against _KINDS above
    typer.echo(json.dumps({"ok": True, "text": result.text, "uncertain": [u.to_json() for u in result.uncertain]},
                          ensure_ascii=False))
