"""The ``reportbot`` command line: every command module registers on :data:`bot.cli.app.app`.

Errors reach the user as one clear sentence and an exit code, never a traceback.
"""

from __future__ import annotations

import os
import sys

# Command modules register themselves on import.
from bot.cli import admin_cmd, chat_cmd, export_cmd, parse_cmd, template_cmd  # noqa: F401
from bot.cli.app import app
from dialogs.errors import ReportbotError
from dialogs.messages import t

__all__ = ["app", "main"]

#: Exit codes: 1 a user error the message explains, 2 a usage error (Typer), 3 an operational error.
EXIT_USER, EXIT_OPERATIONAL = 1, 3


def main() -> None:
    """Entry point of the ``reportbot`` console script."""
    try:
        app()
    except ReportbotError as exc:
        print(f"reportbot: {exc}", file=sys.stderr)
        sys.exit(EXIT_USER)
    except KeyboardInterrupt:
        print("", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # never a traceback for the user; REPORTBOT_DEBUG=1 shows it
        if os.environ.get("REPORTBOT_DEBUG"):
            raise
        print(f"reportbot: {t('bot.cli.unexpected', kind=type(exc).__name__, detail=exc)}", file=sys.stderr)
        sys.exit(EXIT_OPERATIONAL)
