"""The ``reportbot`` Typer application that every command module adds itself to."""

from __future__ import annotations

import typer

from bot.cli import logs

app = typer.Typer(
    name="reportbot",
    help="reportbot: collect periodic reports from communes over Telegram and Zalo, and compile them "
    "into documents laid out per Decree 30/2020/ND-CP.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
template_app = typer.Typer(help="Check and show report templates.", no_args_is_help=True)
campaign_app = typer.Typer(help="Open and list reporting campaigns.", no_args_is_help=True)
unit_app = typer.Typer(help="Add and import reporting units (communes).", no_args_is_help=True)
answers_app = typer.Typer(help="Import answers from a file.", no_args_is_help=True)
app.add_typer(template_app, name="template")
app.add_typer(campaign_app, name="campaign")
app.add_typer(unit_app, name="unit")
app.add_typer(answers_app, name="answers")


@app.callback()
def global_options(
    debug: bool = typer.Option(False, "--debug", help=f"Show internal errors with their traceback on the "
                               f"terminal, not only in the log file (also {logs.DEBUG_ENV}=1)."),
) -> None:
    """Options before the command name: reportbot --debug COMMAND …"""
    if debug:
        logs.enable_debug()
