"""The one exception root of reportbot, and its tree.

A user's bad answer is never an exception: parsers and the engine return it as a value.
Exceptions are for programming and operational errors only::

    ReportbotError
    ├── TemplateError          a template file could not be loaded (carries every located issue)
    ├── StateError             a conversation state could not be read or migrated
    ├── StorageError           the database refused or lost something
    │   ├── NotFound           a unit, campaign, invite … does not exist
    │   └── ConcurrencyError   another worker changed the same conversation first
    ├── ExportError            a report could not be produced (e.g. LibreOffice missing)
    ├── ChannelError           a chat channel (Telegram, Zalo) failed
    └── ConfigError            a setting is missing or invalid

An error a person reads is raised with the id of its sentence in :mod:`dialogs.messages` and that
sentence's parameters; ``str(exc)`` is the rendered sentence, and ``msg`` / ``params`` keep the id for
tests and logs. Errors meant for programmers only may still carry a plain (English) text::

    >>> exc = NotFound(msg="storage.invite_unknown", code="AB12CD34")
    >>> str(exc), exc.msg, exc.params
    ('mã mời AB12CD34 không đúng', 'storage.invite_unknown', {'code': 'AB12CD34'})
    >>> str(StateError("unknown event kind 'x'")), StateError("x").msg
    ("unknown event kind 'x'", '')
"""

from __future__ import annotations

from typing import Any

from dialogs.messages import t


class ReportbotError(Exception):
    """Root of every error reportbot raises on purpose: message ``msg`` with ``params``, or a plain ``text``."""

    def __init__(self, text: str = "", /, *, msg: str = "", **params: Any) -> None:
        #: The message id of :mod:`dialogs.messages` this error reads as ("" for a plain text).
        self.msg = msg
        #: The parameters of ``msg``.
        self.params = params
        # Rendered now, so that a wrong id or a missing parameter fails where the error is raised.
        super().__init__(t(msg, **params) if msg else text)

    def __str__(self) -> str:
        return t(self.msg, **self.params) if self.msg else super().__str__()


class TemplateError(ReportbotError):
    """A template could not be loaded; ``issues`` lists every problem found."""

    def __init__(self, message: str = "", issues: list[Any] | None = None, *, msg: str = "", **params: Any) -> None:
        super().__init__(message, msg=msg, **params)
        self.issues = list(issues or [])


class StateError(ReportbotError):
    """A conversation state could not be read or migrated."""


class StorageError(ReportbotError):
    """The database refused or lost something."""


class NotFound(StorageError):
    """A unit, campaign, invite or template does not exist."""


class ConcurrencyError(StorageError):
    """Another worker changed the same row first."""


class ExportError(ReportbotError):
    """A report could not be produced."""


class ChannelError(ReportbotError):
    """A chat channel failed."""


class ConfigError(ReportbotError):
    """A setting is missing or invalid."""
