"""The Zalo Bot Platform channel (``--channel zalo``): a small aiohttp client of ``{api}/bot<TOKEN>/<method>``.

The token is in the URL path, so no URL, and no client exception's text (it quotes the URL), ever reaches a
log line, an error reason or a metric: failures are described by status, error code or exception type only.

Updates come by long polling (``getUpdates`` returns ONE update per call; an empty poll is HTTP 408, HTTP 200
with ``error_code`` 408, or a result without ``event_name``; there is no offset, so the message id is the
update id and the inbox drops what comes again) or by webhook (``X-Bot-Api-Secret-Token``, the body flat or
wrapped in ``{ok, result}``). No buttons: choices go out as numbered text (:mod:`bot.channels.numbered`);
texts are cut at 2,000 characters on paragraph boundaries. No documents: a report goes out as an expiring
signed download link (:mod:`bot.links`), with "typing…" shown while it is made.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import aiohttp

from bot.channels.base import Capabilities, Permanent, RetryAfter, SendResult, Sent, Transient
from bot.channels.numbered import Choices
from bot.envelopes import Outgoing, Update
from bot.links import Links
from bot.outbox import split, text_only
from dialogs.events import Event, FileReceived, Unsupported
from dialogs.messages import t

NAME = "zalo"
#: The header Zalo puts the webhook secret in (the secret itself, not a MAC).
SECRET_HEADER = "X-Bot-Api-Secret-Token"
TEXT_LIMIT = 2000
#: What an update's event name says, for those that carry no text.
_UNSUPPORTED = {"message.sticker.received": "sticker", "message.voice.received": "voice"}
log = logging.getLogger(__name__)


class ApiError(Exception):
    """A call that failed; ``str()`` is safe to log (status, error code, description; never the URL)."""

    def __init__(self, status: int, code: int | None, description: str) -> None:
        self.status, self.code, self.description = status, code, description[:200]
        super().__init__(f"{status} {code if code is not None else ''} {self.description}".strip())


class ZaloBotChannel:
    """One Zalo bot on the Bot Platform at ``api_url``."""

    name = NAME
    capabilities = Capabilities(buttons=False, documents=False, edits=False, text_limit=TEXT_LIMIT)

    def __init__(self, token: str, api_url: str, *, timeout: float = 10.0, connections: int = 100,
                 poll_gap: float = 0.2, links: Links | None = None) -> None:
        self._base = f"{api_url.rstrip('/')}/bot{token}"
        self._timeout = timeout
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None
        self.choices = Choices()
        #: How long to wait after a poll that returned an update (the platform may answer at once, again).
        self.poll_gap = poll_gap
        #: Parts of a long message already sent (resumed after a failure, never sent twice).
        self._parts_sent: dict[int, int] = {}
        #: Makes the download links of documents (None: no ``REPORTBOT_PUBLIC_URL``, so no documents).
        self.links = links

    def __repr__(self) -> str:  # never the token
        return "ZaloBotChannel()"

    # ---- calls ------------------------------------------------------------------------------------
    async def call(self, method: str, body: dict[str, Any] | None = None, *, timeout: float | None = None) -> Any:
        """POST ``method`` and return its ``result``; :class:`ApiError` otherwise (no URL in it)."""
        if self._session is None:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self._connections))
        try:
            async with self._session.post(f"{self._base}/{method}", json=body or {},
                                          timeout=aiohttp.ClientTimeout(total=timeout or self._timeout)) as response:
                status = response.status
                try:
                    answer = await response.json(content_type=None)
                except ValueError:
                    answer = None
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise ApiError(0, None, type(exc).__name__) from None
        if not isinstance(answer, dict):
            raise ApiError(status, None, "not JSON")
        if status == 200 and answer.get("ok"):
            return answer.get("result")
        raise ApiError(status, _int(answer.get("error_code")), str(answer.get("description") or ""))

    async def send(self, message: Outgoing) -> SendResult:
        """``sendMessage`` in parts of at most 2,000 characters, the buttons as a numbered list."""
        parts = split(self.choices.render(message), TEXT_LIMIT)
        done = self._parts_sent.get(message.id, 0) if message.id else 0
        last: str | None = None
        for n, part in enumerate(parts[done:], done):
            try:
                result = await self.call("sendMessage", {"chat_id": message.chat_id, "text": part})
            except ApiError as exc:
                if message.id:
                    self._parts_sent[message.id] = n
                return result_of(exc)
            last = str(result.get("message_id")) if isinstance(result, dict) else None
        self._parts_sent.pop(message.id, None)
        return Sent(last)

    async def send_document(self, message: Outgoing, name: str, data: bytes) -> SendResult:
        """A document as its expiring signed download link under the message's text (the platform cannot send
        files; reportbot's own web server serves the link, see :mod:`bot.links`). Without a public URL, or
        for a document no link serves, the text goes saying the file could not be sent."""
        found = self.links.for_spec(message.document or {}) if self.links is not None else None
        if found is None:
            return await self.send(text_only(message))
        url, until = found
        note = t("bot.zalo.document_link", name=name, url=url, expires=until.strftime("%H:%M %d/%m/%Y"))
        return await self.send(replace(message, text=f"{message.text}\n\n{note}", document=None))

    async def typing(self, chat_id: str) -> None:
        """Show "typing…" while a long answer is prepared (best effort)."""
        try:
            await self.call("sendChatAction", {"chat_id": chat_id, "action": "typing"})
        except ApiError as exc:
            log.info("zalo sendChatAction failed: %s", exc)

    async def get_updates(self, timeout: int = 30) -> list[dict[str, Any]]:
        """One long poll: the update it returned (as a list, [] for an empty poll)."""
        try:
            result = await self.call("getUpdates", {"timeout": str(timeout)}, timeout=timeout + 10)
        except ApiError as exc:
            if exc.status == 408 or exc.code == 408:
                return []
            raise
        items = result if isinstance(result, list) else [result]
        return [item for item in items if isinstance(item, dict) and item.get("event_name")]

    async def poll(self, submit: Callable[[Update], Awaitable[None]], *, timeout: int = 30,
                   stop: asyncio.Event | None = None) -> None:
        """Long polling: each update is kept (``submit`` returns once committed) before the next poll."""
        pause = 0.5
        while stop is None or not stop.is_set():
            try:
                items = await self.get_updates(timeout)
            except ApiError as exc:
                log.warning("zalo getUpdates failed: %s", exc)
                await asyncio.sleep(pause)
                pause = min(30.0, pause * 2)
                continue
            pause = 0.5
            for item in items:
                parsed = self.parse(item)
                while parsed is not None:
                    try:
                        # Shielded: the platform may have dequeued it, so a stop must not drop it half-way.
                        await asyncio.shield(submit(parsed))
                        break
                    except Exception as exc:  # not kept: keep it and try again before polling on
                        log.warning("zalo update not kept: %s", type(exc).__name__)
                        await asyncio.sleep(pause)
            if items and self.poll_gap:
                await asyncio.sleep(self.poll_gap)

    async def set_webhook(self, url: str, secret: str) -> None:
        """Ask Zalo to push updates to ``url`` (HTTPS) with ``secret`` in :data:`SECRET_HEADER`."""
        await self.call("setWebhook", {"url": url, "secret_token": secret})

    async def delete_webhook(self) -> None:
        """Stop the pushes (getUpdates fails while a webhook is set)."""
        await self.call("deleteWebhook")

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    # ---- updates ----------------------------------------------------------------------------------
    def parse(self, raw: dict[str, Any]) -> Update | None:
        """An update (getUpdates result, or a webhook body flat or wrapped in ``{ok, result}``) as an engine event."""
        if "event_name" not in raw and isinstance(raw.get("result"), dict):
            raw = raw["result"]
        message = raw.get("message")
        name = str(raw.get("event_name") or "")
        if not isinstance(message, dict) or not name.startswith("message."):
            return None
        sender, chat = mapping(message.get("from")), mapping(message.get("chat"))
        user_id = str(sender.get("id") or chat.get("id") or "")
        chat_id = str(chat.get("id") or user_id)
        if not chat_id or not user_id:
            return None
        update_id = str(message.get("message_id") or f"{name}:{chat_id}:{message.get('date')}")
        display = str(sender.get("display_name") or sender.get("first_name") or sender.get("name") or "")
        return Update(NAME, update_id, chat_id, user_id, self._event(name, message, chat_id), display)

    def _event(self, name: str, message: dict[str, Any], chat_id: str) -> Event:
        if name == "message.text.received" and isinstance(message.get("text"), str):
            return self.choices.event_of(chat_id, message["text"])
        if name == "message.image.received":
            url = str(message.get("photo") or message.get("photo_url") or "")
            if url:
                return FileReceived(url, "", "image/jpeg", 0)
        return Unsupported(_UNSUPPORTED.get(name, "other"))


def result_of(error: ApiError) -> SendResult:
    """A failed call as a send result (the reason starts with the HTTP status, for :mod:`bot.undelivered`).

    >>> result_of(ApiError(429, 429, "Too many requests"))
    RetryAfter(seconds=1.0, scope='chat')
    >>> result_of(ApiError(403, 403, "Forbidden"))
    Permanent(reason='403 Forbidden')
    >>> result_of(ApiError(0, None, "ClientConnectorError"))
    Transient(reason='ClientConnectorError')
    """
    code = error.code or error.status
    if code == 429:
        return RetryAfter(1.0)
    if code in (400, 403, 404):
        return Permanent(f"{code} {error.description}".strip())
    if error.status == 0:
        return Transient(error.description)
    return Transient(f"{code} {error.description}".strip())


def mapping(value: object) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one (provider bodies are parsed leniently)."""
    return value if isinstance(value, dict) else {}


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None
