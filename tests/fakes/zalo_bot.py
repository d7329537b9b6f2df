"""A fake Zalo Bot Platform on 127.0.0.1 (CHANNELS.md A7): ``POST /bot{token}/{method}``.

- An unknown token gets 401 ``{ok: false, error_code: 401}``.
- ``getUpdates`` (``timeout`` as str or int) holds the request until a user's update is queued or the timeout
  passes, then returns ONE update object, or the empty poll chosen by ``empty``: ``"http408"`` (HTTP 408
  ``{ok: false, description}``), ``"error408"`` (HTTP 200 ``{ok: false, error_code: 408}``) or ``"result"``
  (``{ok: true, result: {}}``). With ``replay=True`` a consumed update is served once more (the platform has been
  measured doing that), so the bot must drop it by ``message_id``. It fails while a webhook is set.
- ``sendMessage`` answers 400 when the text is empty or over 2,000 characters; otherwise it records
  ``(chat_id, text)`` and returns ``{message_id, date}``. :meth:`ZaloBotServer.fail_next` injects failures.
- ``setWebhook`` refuses a URL that is not HTTPS and a secret outside 8–256 characters; ``deleteWebhook``;
  ``getWebhookInfo`` (404 when none); ``sendChatAction``; ``getMe``.
- :meth:`ZaloBotServer.push` posts an update to the bot's webhook with ``X-Bot-Api-Secret-Token``, flat or
  wrapped in ``{ok, result}``.

Every request path is kept (``paths``): tests check the token never leaks elsewhere.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Literal

from aiohttp import ClientSession, web

from tests.fakes.deployment import free_port

Empty = Literal["http408", "error408", "result"]


@dataclass(frozen=True)
class Sent:
    """A message the fake accepted."""

    chat_id: str
    text: str
    message_id: str
    at: float


class ZaloBotServer:
    """The fake platform for one bot ``token``."""

    def __init__(self, token: str = "1234567890:fakeSECRETtokenABC", *, empty: Empty = "error408",
                 replay: bool = False) -> None:
        self.token = token
        self.empty: Empty = empty
        self.replay = replay
        self.queue: deque[dict[str, Any]] = deque()
        self._replayed: set[str] = set()
        self._arrived = asyncio.Event()
        self.sent: list[Sent] = []
        self.actions: list[tuple[str, str]] = []
        self.webhook: dict[str, str] | None = None
        self.polls = 0
        #: How many times each update (by message id) was handed out.
        self.served: dict[str, int] = {}
        #: getUpdates calls held right now with nothing to give (the bot is idle, waiting for users).
        self.holding = 0
        self.empty_polls = 0
        self.paths: list[str] = []
        self._failures: dict[str, deque[tuple[int, dict[str, Any]]]] = {}
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        """What ``ZALO_API_URL`` is set to."""
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> ZaloBotServer:
        app = web.Application()
        app.router.add_post("/{bot}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        self.port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    # ---- users ------------------------------------------------------------------------------------
    def update(self, chat_id: str, text: str | None, name: str = "Cán bộ", *,
               event: str = "message.text.received", **extra: Any) -> dict[str, Any]:
        """An update as the platform shapes it (20-hex ids)."""
        message: dict[str, Any] = {"message_id": secrets.token_hex(10), "date": int(time.time() * 1000),
                                   "from": {"id": chat_id, "display_name": name, "is_bot": False},
                                   "chat": {"id": chat_id, "chat_type": "PRIVATE"}, **extra}
        if text is not None:
            message["text"] = text
        return {"event_name": event, "message": message}

    def say(self, chat_id: str, text: str, name: str = "Cán bộ") -> dict[str, Any]:
        """Queue a user's text for getUpdates."""
        update = self.update(chat_id, text, name)
        self.queue.append(update)
        self._arrived.set()
        return update

    async def push(self, url: str, update: dict[str, Any], *, secret: str | None, wrapped: bool = False) -> int:
        """POST an update to the bot's webhook (flat, or wrapped in ``{ok, result}``); the HTTP status."""
        body = {"ok": True, "result": update} if wrapped else update
        headers = {} if secret is None else {"X-Bot-Api-Secret-Token": secret}
        async with ClientSession() as http, http.post(url, json=body, headers=headers) as answer:
            return answer.status

    def texts(self, chat_id: str) -> list[str]:
        """The texts sent to a chat, in order."""
        return [s.text for s in self.sent if s.chat_id == chat_id]

    def fail_next(self, chat_id: str, times: int, status: int, description: str = "injected") -> None:
        """The next ``times`` sendMessage calls to ``chat_id`` fail with ``status``."""
        queue = self._failures.setdefault(chat_id, deque())
        for _ in range(times):
            queue.append((status, {"ok": False, "error_code": status, "description": description}))

    async def wait_sent(self, chat_id: str, count: int, timeout: float = 20.0) -> list[str]:
        """Wait until ``count`` messages went to the chat; their texts."""
        deadline = time.monotonic() + timeout
        while len(self.texts(chat_id)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{chat_id} got {len(self.texts(chat_id))} messages, not {count}")
            await asyncio.sleep(0.02)
        return self.texts(chat_id)

    # ---- the API ----------------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        self.paths.append(request.path)
        if request.match_info["bot"] != f"bot{self.token}":
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        try:
            body = await request.json()
        except ValueError:
            body = {}
        method = request.match_info["method"]
        if method == "getUpdates":
            return await self._get_updates(body if isinstance(body, dict) else {}, request)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        answer: web.Response = await handler(body if isinstance(body, dict) else {})
        return answer

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _bad(status: int, description: str, http: int | None = None) -> web.Response:
        return web.json_response({"ok": False, "error_code": status, "description": description},
                                 status=http or status)

    async def _m_getMe(self, body: dict[str, Any]) -> web.Response:
        return self._ok({"id": self.token.split(":")[0], "account_name": "bot.fake", "account_type": "BASIC",
                         "can_join_groups": False})

    async def _get_updates(self, body: dict[str, Any], request: web.Request) -> web.Response:
        self.polls += 1
        if self.webhook is not None:
            return self._bad(400, "Webhook is active, getUpdates is not allowed")
        timeout = float(body.get("timeout") or 30)
        if not self.queue:
            self._arrived.clear()
            self.holding += 1
            try:
                await asyncio.wait_for(self._arrived.wait(), timeout)
            except TimeoutError:
                pass
            finally:
                self.holding -= 1
        if request.transport is None or request.transport.is_closing():
            return web.Response(status=499)  # the bot went away meanwhile: nothing is handed out
        if not self.queue:
            self.empty_polls += 1
            if self.empty == "http408":
                return web.json_response({"ok": False, "description": "Request timeout"}, status=408)
            if self.empty == "error408":
                return web.json_response({"ok": False, "description": "Request timeout", "error_code": 408})
            return self._ok({})
        update = self.queue[0]
        key = update["message"]["message_id"]
        self.served[key] = self.served.get(key, 0) + 1
        if self.replay and key not in self._replayed:
            self._replayed.add(key)  # served now, and once more
        else:
            self.queue.popleft()
        return self._ok(update)

    async def _m_sendMessage(self, body: dict[str, Any]) -> web.Response:
        chat_id, text = str(body.get("chat_id") or ""), body.get("text")
        failures = self._failures.get(chat_id)
        if failures:
            status, answer = failures.popleft()
            return web.json_response(answer, status=status)
        if not chat_id or not isinstance(text, str) or not 1 <= len(text) <= 2000:
            return self._bad(400, "The text must be 1-2000 characters")
        message_id = secrets.token_hex(10)
        self.sent.append(Sent(chat_id, text, message_id, time.monotonic()))
        return self._ok({"message_id": message_id, "date": int(time.time() * 1000)})

    async def _m_sendChatAction(self, body: dict[str, Any]) -> web.Response:
        self.actions.append((str(body.get("chat_id")), str(body.get("action"))))
        return web.json_response({"ok": True})

    async def _m_setWebhook(self, body: dict[str, Any]) -> web.Response:
        url, secret = str(body.get("url") or ""), str(body.get("secret_token") or "")
        if not url.startswith("https://"):
            return self._bad(400, "The url must start with https://")
        if not 8 <= len(secret) <= 256:
            return self._bad(400, "The secret_token must be 8-256 characters")
        self.webhook = {"url": url, "secret": secret}
        return self._ok({"url": url, "updated_at": int(time.time() * 1000)})

    async def _m_deleteWebhook(self, body: dict[str, Any]) -> web.Response:
        self.webhook = None
        return self._ok({"url": "", "updated_at": int(time.time() * 1000)})

    async def _m_getWebhookInfo(self, body: dict[str, Any]) -> web.Response:
        if self.webhook is None:
            return web.json_response({"ok": False, "description": "Not Found"}, status=404)
        return self._ok({"url": self.webhook["url"], "updated_at": 0})
