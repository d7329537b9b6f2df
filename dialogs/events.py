"""Events the engine is resumed with: typed values that round-trip through JSON.

>>> event_from_json(Text("bảy mươi lăm").to_json())
Text(text='bảy mươi lăm')
>>> event_from_json({"kind": "pick", "data": "cmd:review"})
Pick(data='cmd:review')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Union

from dialogs.tagged import Tagged, decode


@dataclass(frozen=True)
class Text(Tagged):
    """The user typed a message."""

    kind: ClassVar[str] = "text"
    text: str


@dataclass(frozen=True)
class Pick(Tagged):
    """The user pressed a button; ``data`` is the button's data (``cmd:review``, ``opt:2``, ``field:so_tap_the``)."""

    kind: ClassVar[str] = "pick"
    data: str


@dataclass(frozen=True)
class FileReceived(Tagged):
    """The user sent a file or photo; ``file_id`` is the channel's handle for it."""

    kind: ClassVar[str] = "file"
    file_id: str
    name: str = ""
    mime: str = ""
    size: int = 0


@dataclass(frozen=True)
class Start(Tagged):
    """The conversation starts or restarts (``/start``, ``/baocao``)."""

    kind: ClassVar[str] = "start"


@dataclass(frozen=True)
class ReminderDue(Tagged):
    """The host's scheduler says a deadline is near; ``deadline`` is "YYYY-MM-DD", ``at`` its time "HH:MM" (empty:
    the end of that day), ``passed`` whether that moment is already past (on the deadline day itself)."""

    kind: ClassVar[str] = "reminder"
    deadline: str
    days_left: int
    at: str = ""
    passed: bool = False


@dataclass(frozen=True)
class Timeout(Tagged):
    """A wait expired without an answer (the host feeds it; the engine never starts timers)."""

    kind: ClassVar[str] = "timeout"


@dataclass(frozen=True)
class Unsupported(Tagged):
    """Something the bot cannot read (a sticker, a voice message, a location, an edited message): the host
    answers it with a short explanation and never passes it to the engine; ``what`` says which."""

    kind: ClassVar[str] = "unsupported"
    what: str


Event = Union[Text, Pick, FileReceived, Start, ReminderDue, Timeout, Unsupported]
_KINDS: dict[str, type[Any]] = {c.kind: c for c in (Text, Pick, FileReceived, Start, ReminderDue, Timeout,
                                                    Unsupported)}


def event_to_json(event: Event) -> dict[str, Any]:
    """Serialise an event to a JSON-ready dict with its ``kind``."""
    return event.to_json()


def event_from_json(data: dict[str, Any]) -> Event:
    """Rebuild an event from :func:`event_to_json` output; unknown kinds raise ``StateError``."""
    event: Event = decode(data, _KINDS, "event")
    return event
