"""What a channel is to the runtime: what it can do, how its updates become engine events, how it sends.

A channel answers every send with a value, never an exception: :class:`Sent` (with the provider's message
id), :class:`RetryAfter` (the provider's flood control: wait that long, for this chat or the whole bot),
:class:`Transient` (try again later) or :class:`Permanent` (never: blocked, chat not found, outside the
messaging window). The sender decides what to do with it (:mod:`bot.delivery`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal, Protocol, Union

from bot.envelopes import Outgoing, Update


@dataclass(frozen=True)
class Capabilities:
    """What a channel can show: buttons, documents, edits; its text limit and messaging window."""

    buttons: bool
    documents: bool
    edits: bool
    text_limit: int
    #: How long after the user's last message the bot may still write (None: no window).
    window: timedelta | None = None


@dataclass(frozen=True)
class Sent:
    """The provider took the message."""

    provider_id: str | None = None


@dataclass(frozen=True)
class RetryAfter:
    """The provider's flood control: wait ``seconds`` (for this chat, or the whole bot when ``scope`` is global)."""

    seconds: float
    scope: Literal["chat", "global"] = "chat"


@dataclass(frozen=True)
class Transient:
    """A failure worth retrying (network, 5xx, timeout)."""

    reason: str


@dataclass(frozen=True)
class Permanent:
    """A failure that will not go away (blocked, chat not found, outside the window): give up, keep why."""

    reason: str


SendResult = Union[Sent, RetryAfter, Transient, Permanent]


class Channel(Protocol):
    """A messaging channel the runtime drives (console, loopback, Telegram, Zalo)."""

    #: The channel's name in the database (``identities.channel``, ``inbox.channel``, ``outbox.channel``).
    name: str
    capabilities: Capabilities

    def parse(self, raw: dict[str, object]) -> Update | None:
        """The provider's update as an engine event at the edge (None: nothing to process, e.g. a status)."""
        ...

    async def send(self, message: Outgoing) -> SendResult:
        """Send one rendered message; never raises for a delivery problem."""
        ...

    async def close(self) -> None:
        """Release the channel's connections."""
        ...
