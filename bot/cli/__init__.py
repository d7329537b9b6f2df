"""The ``reportbot`` command line: every command module registers on :data:`bot.cli.app.app`.

Every failure reaches the terminal as one sentence and an exit code (:mod:`bot.cli.errors`, the README's
"Exit codes"), never a traceback; internal errors and their tracebacks go to the log file
(:mod:`bot.cli.logs`). ``reportbot --debug …`` (or ``REPORTBOT_DEBUG=1``) shows the traceback as well.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

# Command modules register themselves on import.
from bot.cli import (  # noqa: F401
    admin_cmd,
    campaign_cmd,
    chat_cmd,
    export_cmd,
    logs,
    parse_cmd,
    run_cmd,
    template_cmd,
    zalo_cmd,
)
from bot.cli.app import app
from bot.cli.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, describe, is_help, is_internal
from dialogs.messages import t

__all__ = ["app", "main", "run"]


def main() -> None:
    """Entry point of the ``reportbot`` console script."""
    sys.exit(run(sys.argv[1:]))


def run(args: Sequence[str]) -> int:
    """Run the command line ``args``; the exit code. Prints one sentence on standard error when it fails."""
    logs.configure(_log_file(), debug=logs.debug_from_env())
    try:
        code = app(args=list(args), prog_name="reportbot", standalone_mode=False)
    except KeyboardInterrupt:
        print("", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # the one place every failure becomes a sentence
        return _failed(exc, args)
    return code if isinstance(code, int) else EXIT_OK


def _failed(exc: Exception, args: Sequence[str]) -> int:
    if is_help(exc):  # "reportbot" or "reportbot unit" alone: the help
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    log = str(logs.log_path())
    code, sentence = describe(exc, log)
    if is_internal(code) or logs.debugging():
        # With --debug the log record (and its traceback) also goes to standard error.
        written = logs.log_failure(exc, " ".join(args))
        if code == EXIT_INTERNAL and not written:
            sentence = t("bot.cli.internal_error_no_log", log=log)
    print(f"reportbot: {sentence}", file=sys.stderr)
    return code


def _log_file() -> str:
    from bot.config import Settings

    try:
        return Settings().log_file
    except Exception:  # an invalid setting is reported when the command reads it
        return os.environ.get("REPORTBOT_LOG") or "reportbot.log"
