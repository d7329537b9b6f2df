"""Events the engine is resumed with: typed values that round-trip through JSON.

>>> event_from_json(Text("bảy mươi lăm").to_json())
Text(text='bảy mươi lăm')
>>> event_from_json({"kind": "pick", "data": "cmd:review"})
Pick(data='cmd:review')
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar, Union

from dialogs.errors import StateError



class _Json:
    """Gives a value its ``to_json`` (see :func:`event_to_json`)."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict with the value's ``kind``."""
        return event_to_json(self)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Text(_Json):
    """The user typed a message."""

    kind: ClassVar[str] = "text"
    text: str


@dataclass(frozen=True)
class Pick(_Json):
    """The user pressed a button; ``data`` is the button's data (``cmd:review``, ``opt:2``, ``field:so_tap_the``)."""

    kind: ClassVar[str] = "pick"
    data: str


@dataclass(frozen=True)
class FileReceived(_Json):
    """The user sent a file or photo; ``file_id`` is the channel's handle for it."""

    kind: ClassVar[str] = "file"
    file_id: str
    name: str = ""
    mime: str = ""
    size: int = 0


@dataclass(frozen=True)
class Start(_Json):
    """The conversation starts or restarts (``/start``, ``/baocao``)."""

    kind: ClassVar[str] = "start"


@dataclass(frozen=True)
class ReminderDue(_Json):
    """The host's scheduler says a deadline is near; ``deadline`` is "YYYY-MM-DD"."""

    kind: ClassVar[str] = "reminder"
    deadline: str
    days_left: int


@dataclass(frozen=True)
class Timeout(_Json):
    """A wait expired without an answer (the host feeds it; the engine never starts timers)."""

    kind: ClassVar[str] = "timeout"


Event = Union[Text, Pick, FileReceived, Start, ReminderDue, Timeout]
_KINDS: dict[str, type[Any]] = {c.kind: c for c in (Text, Pick, FileReceived, Start, ReminderDue, Timeout)}


def event_to_json(event: Event) -> dict[str, Any]:
    """Serialise an event to a JSON-ready dict with its ``kind``."""
    return {"kind": event.kind, **asdict(event)}


def event_from_json(data: dict[str, Any]) -> Event:
    """Rebuild an event from :func:`event_to_json` output; unknown kinds raise :class:`StateError`."""
    cls = _KINDS.get(str(data.get("kind")))
    if cls is None:
        raise StateError(f"unknown event kind {data.get('kind')!r}")
    names = {f.name for f in fields(cls)}
    event: Event = cls(**{k: v for k, v in data.items() if k in names})
    return event

