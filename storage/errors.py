"""Storage errors: subclasses of the roots in :mod:`dialogs.errors`, named for what was refused::

    StorageError
    ├── NotFound
    │   └── (raised as is: unit, campaign, report, template, invite or person missing)
    ├── ConcurrencyError            another worker saved the conversation (or the report) first
    ├── DuplicateUnit               a unit with the same code or folded name exists
    ├── AmbiguousUnit               a name matches several units (``candidates`` lists them)
    ├── InviteError
    │   ├── InviteExpired
    │   ├── InviteRevoked
    │   └── InviteUsed
    └── SubmissionClosed            the submission is not a draft any more

Errors a person reads carry a ``storage.*`` message id and its parameters (see :class:`dialogs.errors.ReportbotError`).
"""

from __future__ import annotations

from typing import Any

from dialogs.errors import ConcurrencyError, NotFound, StorageError

__all__ = [
    "AmbiguousUnit",
    "ConcurrencyError",
    "DuplicateUnit",
    "InviteError",
    "InviteExpired",
    "InviteRevoked",
    "InviteUsed",
    "NotFound",
    "StorageError",
    "SubmissionClosed",
]


class DuplicateUnit(StorageError):
    """A unit with the same code, or the same folded name in the same province, already exists."""

    def __init__(self, message: str = "", existing_id: int = 0, *, msg: str = "", **params: Any) -> None:
        super().__init__(message, msg=msg, **params)
        self.existing_id = existing_id


class AmbiguousUnit(StorageError):
    """A unit name matches several units; ``candidates`` holds them (best first)."""

    def __init__(self, message: str = "", candidates: list[Any] | None = None, *, msg: str = "",
                 **params: Any) -> None:
        super().__init__(message, msg=msg, **params)
        self.candidates = list(candidates or [])


class InviteError(StorageError):
    """An invite code cannot be used."""


class InviteExpired(InviteError):
    """The invite code is past its expiry time."""


class InviteRevoked(InviteError):
    """The department revoked the invite code."""


class InviteUsed(InviteError):
    """The invite code was already used."""


class SubmissionClosed(StorageError):
    """Only a draft can be submitted; this submission is submitted or returned."""
