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
"""

from __future__ import annotations

from typing import Any


class ReportbotError(Exception):
    """Root of every error reportbot raises on purpose."""


class TemplateError(ReportbotError):
    """A template could not be loaded; ``issues`` lists every problem found."""

    def __init__(self, message: str, issues: list[Any] | None = None) -> None:
        super().__init__(message)
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
