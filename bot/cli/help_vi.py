"""Typer's own help words in Vietnamese: panel titles, "Usage:", "[required]", "[default: …]", the ``--help``
option's line. Typer reads these module constants when it draws a help page, so setting them once is enough.
"""

from __future__ import annotations

from typing import Any

from dialogs.messages import t

_installed = False


def install() -> None:
    """Put Typer's help words in Vietnamese (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    from typer import rich_utils
    from typer._click import decorators, formatting

    rich_utils.ARGUMENTS_PANEL_TITLE = t("bot.help.panel_arguments")
    rich_utils.OPTIONS_PANEL_TITLE = t("bot.help.panel_options")
    rich_utils.COMMANDS_PANEL_TITLE = t("bot.help.panel_commands")
    rich_utils.ERRORS_PANEL_TITLE = t("bot.help.panel_error")
    rich_utils.REQUIRED_LONG_STRING = t("bot.help.required")
    rich_utils.DEFAULT_STRING = t("bot.help.default", value="{}")  # Typer fills in the value
    rich_utils.ENVVAR_STRING = t("bot.help.envvar", value="{}")
    rich_utils.DEPRECATED_STRING = t("bot.help.deprecated")
    rich_utils.ABORTED_TEXT = t("bot.help.aborted")
    rich_utils.RICH_HELP = t("bot.help.try_help", command_path="{command_path}", help_option="{help_option}")

    original_write_usage = formatting.HelpFormatter.write_usage

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        original_write_usage(self, prog, args, t("bot.help.usage") if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]
    original_help_option = decorators.help_option

    def help_option(param_decls: list[str]) -> Any:
        attach = original_help_option(param_decls)

        def decorate(command: Any) -> Any:
            attach(command)
            command.params[-1].help = t("bot.help.help_option")
            return command

        return decorate

    decorators.help_option = help_option
