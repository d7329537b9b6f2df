"""``reportbot chat``: fill a report in the terminal, on the local SQLite database, with no token."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from bot.channels.console import ConsoleChat
from bot.cli.admin_cmd import unit_used
from bot.cli.app import app, h
from bot.cli.files import not_a_folder
from bot.services import DEFAULT_UNIT, Services, resolve_template


@app.command(help=h("chat"))
def chat(
    unit: Optional[str] = typer.Option(None, "--unit", "-u", help=h("opt_chat_unit", unit=DEFAULT_UNIT)),
    template: Optional[str] = typer.Option(None, "--template", "-t", help=h("opt_chat_template")),
    out: Path = typer.Option(Path("."), "--out", "-o", help=h("opt_chat_out")),
) -> None:
    """Chat with the bot in this terminal (answers may also be piped on stdin); writes the .docx at the end."""
    not_a_folder(template)
    services = Services()
    tpl = resolve_template(template)
    binding = services.local_binding(tpl, unit)
    with services.uow() as uow:
        typer.echo(unit_used(uow.units.get(binding.unit_id)))  # the commune this chat reports for
    code = ConsoleChat(services, binding, out).run()
    raise typer.Exit(code)
