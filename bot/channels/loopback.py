"""The loopback channel: a fake provider on 127.0.0.1 that plays many users (``tests.fakes.loopback``), for the
runtime's tests, the kill test and ``benchmarks/runtime.py``; the same interface as Telegram and Zalo.

Updates come by webhook (``/webhook/loopback``): ``{"update_id", "chat_id", "user_id", "name", "text"|"data"}``;
messages go out with ``POST {base}/sendMessage``.
"""

from __future__ import annotations

from typing import Any

import aiohttp

from bot.channels.base import Capabilities, Permanent, RetryAfter, SendResult, Sent, Transient
from bot.envelopes import Outgoing, Update
from dialogs.events import Event, Pick, Text

NAME = "loopback"
#: The header carrying the webhook secret.
SECRET_HEADER = "X-Loopback-Secret"


class LoopbackChannel:
    """The loopback provider at ``base_url``."""

    name = NAME
    capabilities = Capabilities(buttons=True, documents=False, edits=False, text_limit=4096)

    def __init__(self, base_url: str, *, timeout: float = 10.0, connections: int = 256) -> None:
        self.base_url = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None

    def parse(self, raw: dict[str, Any]) -> Update | None:
        """A pushed update as an engine event (None: not an update this channel knows)."""
        try:
            update_id, chat_id, user_id = str(raw["update_id"]), str(raw["chat_id"]), str(raw["user_id"])
        except (KeyError, TypeError):
            return None
        event: Event
        if isinstance(raw.get("data"), str):
            event = Pick(raw["data"])
        elif isinstance(raw.get("text"), str):
            event = Text(raw["text"])
        else:
            return None
        return Update(NAME, update_id, chat_id, user_id, event, display_name=str(raw.get("name") or ""))

    async def send(self, message: Outgoing) -> SendResult:
        """POST the message; the provider's answer as a :data:`SendResult` (never raises)."""
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=self._timeout, connector=aiohttp.TCPConnector(limit=self._connections))
        body = {"chat_id": message.chat_id, "text": message.text, "buttons": [list(b) for b in message.buttons],
                "msgs": list(message.msgs), "outbox_id": message.id}
        try:
            async with self._session.post(f"{self.base_url}/sendMessage", json=body) as response:
                status = response.status
                answer = await response.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            return Transient(type(exc).__name__)
        return result_of(status, answer if isinstance(answer, dict) else {})

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None


def result_of(status: int, answer: dict[str, Any]) -> SendResult:
    """A Bot-API-style answer as a :data:`SendResult`.

    >>> result_of(200, {"ok": True, "result": {"message_id": 7}})
    Sent(provider_id='7')
    >>> result_of(429, {"ok": False, "parameters": {"retry_after": 3}})
    RetryAfter(seconds=3.0, scope='chat')
    >>> result_of(403, {"ok": False, "description": "Forbidden: bot was blocked by the user"})
    Permanent(reason='403 Forbidden: bot was blocked by the user')
    """
    if status == 200 and answer.get("ok"):
        result = answer.get("result") or {}
        return Sent(str(result.get("message_id")) if isinstance(result, dict) else None)
    description = str(answer.get("description") or "")[:200]
    if status == 429:
        parameters = answer.get("parameters") or {}
        seconds = float(parameters.get("retry_after") or 1)
        return RetryAfter(seconds, "global") if parameters.get("scope") == "global" else RetryAfter(seconds)
    if status in (400, 403, 404):
        return Permanent(f"{status} {description}".strip())
    return Transient(f"{status} {description}".strip())
