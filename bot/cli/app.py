"""The ``reportbot`` Typer application that every command module adds itself to.

Help texts are Vietnamese like every other message (``bot.help.*`` in :mod:`dialogs.messages`, through
:func:`h`); command and option names stay English. :mod:`bot.cli.help_vi` puts Typer's own words (Usage,
Options, [required] …) in Vietnamese.
"""

from __future__ import annotations

import typer

from bot.cli import help_vi, logs
from dialogs.messages import t


def h(key: str, **params: object) -> str:
    """The Vietnamese help text ``bot.help.<key>``."""
    return t(f"bot.help.{key}", **params)


help_vi.install()
app = typer.Typer(
    name="reportbot",
    help=h("app"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
template_app = typer.Typer(help=h("template"), no_args_is_help=True)
campaign_app = typer.Typer(help=h("campaign"), no_args_is_help=True)
unit_app = typer.Typer(help=h("unit"), no_args_is_help=True)
answers_app = typer.Typer(help=h("answers"), no_args_is_help=True)
app.add_typer(template_app, name="template")
app.add_typer(campaign_app, name="campaign")
app.add_typer(unit_app, name="unit")
app.add_typer(answers_app, name="answers")


@app.callback()
def global_options(
    debug: bool = typer.Option(False, "--debug", help=h("debug", env=logs.DEBUG_ENV)),
) -> None:
    """Options before the command name: reportbot --debug COMMAND …"""
    if debug:
        logs.enable_debug()
