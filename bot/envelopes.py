"""What crosses the edge: an incoming update (already an engine event) and an outgoing rendered message."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dialogs.events import Event, event_from_json


@dataclass(frozen=True)
class Update:
    """One incoming update from a channel, already turned into an engine event."""

    channel: str
    update_id: str
    chat_id: str
    user_id: str
    event: Event
    display_name: str = ""

    def payload(self) -> dict[str, Any]:
        """What the inbox keeps of it besides its keys (text any database takes: no NUL, no lone surrogate)."""
        return {"event": _storable(self.event.to_json()), "name": _storable(self.display_name)}

    @classmethod
    def from_row(cls, channel: str, update_id: str, chat_id: str, user_id: str, payload: dict[str, Any]) -> Update:
        """The update an inbox row holds."""
        return cls(channel, update_id, chat_id, user_id, event_from_json(payload["event"]),
                   str(payload.get("name") or ""))


@dataclass(frozen=True)
class Outgoing:
    """A rendered message waiting in the outbox (id 0: said directly, never stored)."""

    id: int
    channel: str
    chat_id: str
    text: str
    buttons: tuple[tuple[str, str], ...] = ()
    #: The ids of the messages the text was rendered from (tests assert these, not prose).
    msgs: tuple[str, ...] = ()
    #: The inbox row it answers (None: not a reply).
    turn: int | None = None
    #: Until when the process that took it holds it (after that it must not send it: someone else may).
    lease_until: datetime | None = None
    #: The document it carries (:mod:`bot.documents`), made when it is sent; None: text only.
    document: dict[str, Any] | None = None

    @classmethod
    def of(cls, outbox_id: int, channel: str, chat_id: str, payload: dict[str, Any],
           turn: int | None = None, lease_until: datetime | None = None) -> Outgoing:
        """The message an outbox payload describes."""
        buttons = tuple((b["label"], b["data"]) for b in payload.get("buttons") or [])
        msgs = tuple(str(m) for m in payload.get("msgs") or [])
        document = payload.get("document") if isinstance(payload.get("document"), dict) else None
        return cls(outbox_id, channel, chat_id, str(payload.get("text", "")), buttons, msgs, turn, lease_until,
                   document)


_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


def _storable(value: Any) -> Any:
    """``value`` with NUL dropped and lone surrogates (undecodable bytes) as U+FFFD, in every string."""
    if isinstance(value, str):
        return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", value)
    if isinstance(value, dict):
        return {k: _storable(v) for k, v in value.items()}
    return value
