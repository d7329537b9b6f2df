"""Logging for the command line, configured once by :func:`bot.cli.main`: errors, with their tracebacks, go to
a log file (``REPORTBOT_LOG``, default ``reportbot.log`` in the working directory), never to the terminal;
``--debug`` (or ``REPORTBOT_DEBUG=1``) also shows them on standard error.

The file is opened on the first record only, so a command that logs nothing leaves no file behind, and a
log file that cannot be written is given up silently (the terminal still gets its one sentence).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

#: Environment variable that turns ``--debug`` on.
DEBUG_ENV = "REPORTBOT_DEBUG"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

log = logging.getLogger("reportbot.cli")


class _LogFile(logging.FileHandler):
    """A log file opened on the first record, its folder made if needed; if it cannot be opened, the record is
    dropped (logging.FileHandler would raise out of the logging call, e.g. in the middle of a chat turn)."""

    def _open(self) -> Any:
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            super().emit(record)
        except OSError:
            self.handleError(record)


@dataclass
class _Config:
    path: Path
    debug: bool = False
    handlers: tuple[logging.Handler, ...] = ()


_config = _Config(Path("reportbot.log"))


def debug_from_env() -> bool:
    """Whether ``REPORTBOT_DEBUG`` asks for tracebacks on the terminal ("", "0" and "false" do not)."""
    return os.environ.get(DEBUG_ENV, "").strip().lower() not in {"", "0", "false", "no"}


def configure(path: Path | str, *, debug: bool = False) -> Path:
    """Send every warning and error of the process (and of the runner's logger) to ``path``; with ``debug``
    also to standard error. Calling it again replaces what the previous call installed. Returns the path."""
    root = logging.getLogger()
    for handler in _config.handlers:
        root.removeHandler(handler)
        handler.close()
    target = Path(path).expanduser().absolute()
    file_handler = _LogFile(target, encoding="utf-8", delay=True)
    handlers: list[logging.Handler] = [file_handler]
    if debug:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.setFormatter(logging.Formatter(_FORMAT))
        root.addHandler(handler)
    root.setLevel(logging.INFO if debug else logging.WARNING)
    # A log file that cannot be opened must not print logging's own traceback on the terminal.
    logging.raiseExceptions = debug
    logging.captureWarnings(True)
    sys.unraisablehook = _unraisable
    threading.excepthook = _thread_failed
    _config.path, _config.debug, _config.handlers = target, debug, tuple(handlers)
    return target


def enable_debug() -> None:
    """Turn ``--debug`` on after :func:`configure` (the global option is read after logging is set up)."""
    if not _config.debug:
        configure(_config.path, debug=True)


def debugging() -> bool:
    """Whether ``--debug`` is on."""
    return _config.debug


def log_path() -> Path:
    """The log file in use."""
    return _config.path


def log_failure(exc: BaseException, command: str) -> bool:
    """Log ``exc`` with its traceback; whether it reached the log file."""
    log.error("reportbot %s: %s: %s", command, type(exc).__name__, exc, exc_info=exc)
    files = [h for h in _config.handlers if isinstance(h, logging.FileHandler)]
    return any(h.stream is not None for h in files)


def _unraisable(args: Any) -> None:
    # "Exception ignored in …" (e.g. a zip file closed on a full disk by the garbage collector).
    log.error("%s: %r", args.err_msg or "Exception ignored in", args.object,
              exc_info=_exc_info(args.exc_type, args.exc_value, args.exc_traceback))


def _thread_failed(args: Any) -> None:
    log.error("thread %s failed", getattr(args.thread, "name", "?"),
              exc_info=_exc_info(args.exc_type, args.exc_value, args.exc_traceback))


def _exc_info(kind: type[BaseException], value: BaseException | None,
              tb: TracebackType | None) -> tuple[type[BaseException], BaseException, TracebackType | None]:
    return kind, value if value is not None else kind(), tb
