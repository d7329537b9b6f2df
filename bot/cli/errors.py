"""The command line's one error path: every failure becomes one sentence of :mod:`dialogs.messages` and an
exit code (the README's "Exit codes" table).

* 1 :data:`EXIT_PROBLEM` — a problem the sentence explains (a ReportbotError with a message id, a file that
  is a folder, a value refused);
* 2 :data:`EXIT_USAGE` — the command line cannot be read (Click's usage errors, re-worded);
* 3 :data:`EXIT_OPERATIONAL` — the machine is at fault: disk full, no permission, database unreachable,
  LibreOffice missing;
* 4 :data:`EXIT_INTERNAL` — a bug; the traceback is in the log file;
* 130 :data:`EXIT_INTERRUPTED` — Ctrl-C.

>>> describe(ConfigError(msg="bot.cli.bad_role", role="x"), "reportbot.log")
(1, '--role phải là reporter hoặc department, không phải «x»')
>>> describe(OSError(errno.ENOSPC, "No space left on device", "/dev/full"), "reportbot.log")[0]
3
"""

from __future__ import annotations

import difflib
import errno
import os
import re
from pathlib import Path
from typing import Any

from dialogs.errors import (
    ChannelError,
    ConfigError,
    ExportError,
    NotFound,
    ReportbotError,
    TemplateError,
)
from dialogs.messages import t

try:
    from typer._click import exceptions as usage
except ImportError:  # pragma: no cover - typer before it vendored Click
    from click import exceptions as usage  # type: ignore[no-redef]

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, EXIT_OPERATIONAL, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130

#: What an OSError means for a file being read or written: (message id, exit code), by errno.
_SPACE = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
_DENIED = (errno.EACCES, errno.EPERM)


#: Errors whose plain text (no message id) is still a sentence for people: the loader's located issues,
#: a unit not found, a PDF that LibreOffice could not make. Other plain texts are for programmers.
_SENTENCES_WITHOUT_ID = (TemplateError, ConfigError, NotFound, ExportError)


class OperationalProblem(ReportbotError):
    """The machine, not the command, is at fault (disk full, no permission, database down): exit 3."""


class UsageProblem(ConfigError):
    """The command line cannot be used as given (a bad option value): exit 2."""


def shown(value: object, limit: int = 60) -> str:
    """A value as a sentence quotes it: cut to ``limit`` characters (a 5,000-digit number is not repeated).

    >>> shown("9" * 100, 10)
    '999999999…'
    """
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def file_problem(exc: OSError, path: Path | str | None = None, *, writing: bool) -> ReportbotError:
    """The one sentence for an OSError on ``path`` (its own filename when None): a ConfigError when the
    command named the wrong thing, an :class:`OperationalProblem` when the machine refused.

    >>> str(file_problem(IsADirectoryError(errno.EISDIR, "Is a directory", "out"), writing=True))
    '«out» là một thư mục, không phải tệp; hãy ghi rõ tên tệp, ví dụ out/bao-cao.docx'
    """
    where = str(path if path is not None else (exc.filename or "?"))
    code = exc.errno
    if code == errno.EISDIR:
        return ConfigError(msg="bot.cli.file_is_directory", path=where, example=Path(where, "bao-cao.docx"))
    if code == errno.ENOTDIR or (writing and code == errno.EEXIST):  # a file on the way, where a folder is needed
        return ConfigError(msg="bot.cli.file_not_directory", path=where)
    if code == errno.ENOENT:
        return ConfigError(msg="bot.cli.no_file", path=where)
    if code == errno.ENAMETOOLONG:
        return ConfigError(msg="bot.cli.file_name_too_long", path=where)
    if writing and code in _SPACE:
        return OperationalProblem(msg="bot.cli.write_disk_full", path=where)
    if writing and code == errno.EROFS:
        return OperationalProblem(msg="bot.cli.write_read_only", path=where)
    if code in _DENIED:
        return OperationalProblem(msg="bot.cli.write_denied" if writing else "bot.cli.read_denied", path=where)
    name = errno.errorcode.get(code or 0, str(code))
    return OperationalProblem(msg="bot.cli.write_failed" if writing else "bot.cli.read_failed", path=where,
                              code=name)


def describe(exc: BaseException, log: str) -> tuple[int, str]:
    """The exit code and the one sentence for ``exc`` (``log``: where internal details were written)."""
    if isinstance(exc, usage.UsageError):
        return EXIT_USAGE, usage_sentence(exc)
    if isinstance(exc, OSError):
        return describe(file_problem(exc, writing=_writing(exc)), log)
    if isinstance(exc, ReportbotError):
        if not exc.msg and not isinstance(exc, _SENTENCES_WITHOUT_ID):
            return EXIT_INTERNAL, t("bot.cli.internal_error", log=log)  # a programmer's text, not a sentence
        return _exit_code(exc), _sentence(exc)
    database = _database_problem(exc)
    if database is not None:
        return _exit_code(database), str(database)
    if isinstance(exc, ModuleNotFoundError):
        return EXIT_OPERATIONAL, t("bot.cli.missing_module", name=exc.name or "?")
    if isinstance(exc, MemoryError):
        return EXIT_OPERATIONAL, t("bot.cli.out_of_memory")
    setting = _setting_problem(exc)
    if setting is not None:
        return EXIT_PROBLEM, setting
    return EXIT_INTERNAL, t("bot.cli.internal_error", log=log)


def is_help(exc: BaseException) -> bool:
    """Whether ``exc`` is a command group called alone ("reportbot unit"), whose answer is its help."""
    return isinstance(exc, usage.NoArgsIsHelpError)


def is_internal(code: int) -> bool:
    """Whether a failure with this exit code is worth its traceback in the log file."""
    return code in (EXIT_OPERATIONAL, EXIT_INTERNAL)


def _exit_code(exc: ReportbotError) -> int:
    if isinstance(exc, UsageProblem):
        return EXIT_USAGE
    if isinstance(exc, (OperationalProblem, ExportError, ChannelError)):
        return EXIT_OPERATIONAL
    return EXIT_PROBLEM  # a refusal with its sentence: a bad value, a unit not found or ambiguous, a used invite


def _sentence(exc: ReportbotError) -> str:
    text = str(exc)
    # exporters/pdf.py follows its Vietnamese sentence with an English gloss for the log, after " / ".
    return text.split(" / ", 1)[0] if isinstance(exc, ExportError) and not exc.msg else text


def _writing(exc: OSError) -> bool:
    # An OSError that no command wrapped: only a full disk or a read-only one says it was a write.
    return exc.errno in (*_SPACE, errno.EROFS)


# ---- the database and the settings ------------------------------------------------------------------
def _database_url() -> str:
    from bot.config import Settings

    try:
        return Settings().database_url
    except Exception:  # an invalid setting is reported by its own sentence
        return os.environ.get("REPORTBOT_DATABASE_URL", "")


def _shown_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: show it as typed
        return url


def _database_problem(exc: BaseException) -> ReportbotError | None:
    """SQLAlchemy's errors as sentences: a bad URL (1), a file that is not a database (1), a database that is
    locked, full or unreachable (3). None when ``exc`` is not about the database."""
    from sqlalchemy import exc as sa

    if isinstance(exc, (sa.ArgumentError, sa.NoSuchModuleError)):
        from sqlalchemy.engine import make_url

        url = _database_url()
        try:
            make_url(url).get_dialect()
        except Exception:  # the configured URL itself is what failed
            return ConfigError(msg="bot.cli.db_bad_url", url=url)
        return None
    if not isinstance(exc, sa.DBAPIError):
        return None
    url, detail = _shown_url(_database_url()), str(exc.orig).lower()
    if "file is not a database" in detail:
        return ConfigError(msg="bot.cli.db_not_a_database", url=url)
    if "locked" in detail:
        return OperationalProblem(msg="bot.cli.db_locked", url=url)
    if "disk is full" in detail or "no space" in detail:
        return OperationalProblem(msg="bot.cli.write_disk_full", path=url)
    if isinstance(exc, (sa.OperationalError, sa.InterfaceError)):
        return OperationalProblem(msg="bot.cli.db_unreachable", url=url)
    return None


def _setting_problem(exc: BaseException) -> str | None:
    """A pydantic-settings validation error of :class:`bot.config.Settings`: the variable and its value."""
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError) or not exc.errors():
        return None
    first = exc.errors()[0]
    name = ".".join(str(part) for part in first.get("loc", ())) or exc.title
    return t("bot.cli.bad_setting", name=name, value=shown(first.get("input", "")))


# ---- Click's usage errors, in Vietnamese ----------------------------------------------------------------
def usage_sentence(exc: Any) -> str:
    """One sentence for a usage error of the command line (unknown command or option, missing or bad value)."""
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "reportbot"
    if isinstance(exc, usage.NoArgsIsHelpError):
        return str(exc.format_message())
    if isinstance(exc, usage.NoSuchOption):
        close = sorted(exc.possibilities or ()) or difflib.get_close_matches(exc.option_name, _options(ctx))
        if close:
            return t("bot.cli.usage_no_option_suggest", option=exc.option_name, command=command,
                     suggestion=", ".join(close))
        return t("bot.cli.usage_no_option", option=exc.option_name, command=command)
    if isinstance(exc, usage.MissingParameter):
        return t("bot.cli.usage_missing", name=_param_name(exc.param), command=command)
    if isinstance(exc, usage.BadParameter):
        return _bad_value(exc, command)
    if isinstance(exc, usage.BadOptionUsage):
        key = "bot.cli.usage_takes_no_value" if "does not take" in exc.message else "bot.cli.usage_needs_value"
        return t(key, option=exc.option_name, command=command)
    message = exc.message
    if found := re.match(r"No such command '(.*?)'", message):
        names = list(getattr(ctx.command, "commands", {})) if ctx is not None else []
        close = difflib.get_close_matches(found.group(1), names)
        if close:
            return t("bot.cli.usage_no_command_suggest", name=found.group(1), command=command, suggestion=close[0])
        return t("bot.cli.usage_no_command", name=found.group(1), command=command)
    if found := re.match(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", message):
        return t("bot.cli.usage_extra", args=shown(found.group(1)), command=command)
    if message.startswith("Missing command"):
        return t("bot.cli.usage_missing_command", command=command)
    return t("bot.cli.usage_other", command=command)


def _options(ctx: Any) -> list[str]:
    if ctx is None:
        return []
    return [opt for param in ctx.command.params for opt in getattr(param, "opts", ()) if opt.startswith("-")]


def _param_name(param: Any) -> str:
    if param is None:
        return "?"
    opts = [o for o in getattr(param, "opts", ()) if o.startswith("--")]
    if getattr(param, "param_type_name", "") == "option" and opts:
        return str(max(opts, key=len))
    return str(getattr(param, "metavar", None) or param.name or "?").upper()


def _bad_value(exc: Any, command: str) -> str:
    name = _param_name(exc.param)
    cause = exc.__cause__
    errors = cause.errors() if cause is not None and hasattr(cause, "errors") else []
    if errors:
        first = errors[0]
        value = first.get("input", "")
        if str(first.get("type", "")).startswith("int_"):
            return t("bot.cli.usage_not_integer", option=name, value=shown(value), command=command)
        return t("bot.cli.usage_bad_value", option=name, value=shown(value), command=command)
    if exc.param is None and exc.message:  # raised by a command with its own (Vietnamese) sentence
        return str(exc.message)
    return t("bot.cli.usage_bad_value", option=name, value="?", command=command)
