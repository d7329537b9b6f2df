"""A fake Telegram Bot API server on 127.0.0.1 that plays many users, for tests and benchmarks.

:class:`FakeTelegram` answers the real Bot API wire format the way aiogram 3 calls it
(``AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))``, or :meth:`FakeTelegram.bot`):

- ``{base}/bot{TOKEN}/{method}`` by GET or POST, parameters in the query, a JSON body, a urlencoded form
  or multipart (aiogram sends a form: strings as they are, everything else JSON-encoded, e.g.
  ``reply_markup``, ``chat_id``; uploads as ``attach://<key>`` plus a file part named ``<key>``). Method
  names are case-insensitive. Answers ``{"ok": true, "result": …}`` or ``{"ok": false, "error_code": n,
  "description": "…"}`` (with ``"parameters": {"retry_after": n}`` on 429). A wrong token → 401, an
  unknown method → 404; a malformed call → 400 (the fake fails loudly, like Telegram).
- ``{base}/file/bot{TOKEN}/{file_path}`` downloads a file (``getFile`` gives the path).
- Methods (:data:`METHODS`): getMe, getUpdates (long polling: updates with ``update_id < offset`` are
  confirmed and forgotten, a negative offset keeps the last ``-offset``; answers at once when updates are
  there, else when one arrives or after ``timeout`` s; ``allowed_updates`` is remembered and filters what
  is delivered; a newer getUpdates ends a waiting one with 409; 409 while a webhook is set), setWebhook /
  deleteWebhook / getWebhookInfo, sendMessage, editMessageText, editMessageReplyMarkup, deleteMessage,
  answerCallbackQuery, sendDocument, getFile, setMyCommands / getMyCommands / deleteMyCommands,
  sendChatAction, logOut, close.
- Checks like Telegram's: text 1–4096 characters (400 "message is too long"; counted in code points, after
  stripping tags for ``parse_mode=HTML``), caption ≤ 1024, callback data 1–64 bytes (400
  BUTTON_DATA_INVALID), ≤ 100 inline buttons, an unknown chat → 400 "chat not found" (a chat exists once a
  user of it was made), a blocked chat → 403 "Forbidden: bot was blocked by the user", edits that change
  nothing → 400 "message is not modified", a callback query answered twice or after ``callback_timeout``
  s → 400 "query is too old…".
- Flood control (``flood=Flood()``, off by default): sends and edits take a token from a bucket of
  ``rate``/s overall and one of ``chat_rate``/s per chat (bursts ``burst``, ``chat_burst``); without a
  token → 429 with ``retry_after``. :meth:`FakeTelegram.fail_next` injects failures for a chat.
- Webhook mode: while a webhook is set, every update is POSTed to it as JSON (header
  ``X-Telegram-Bot-Api-Secret-Token`` when a secret was given) and retried (same update, 0.05 s doubling to
  1 s) until it answers 200; connection errors are retried quietly. Updates of one chat go one at a time
  and in order; chats go in parallel (up to ``max_connections``). A 200 answer that holds a method call
  (aiogram's ``handle_in_background=False``: multipart with a ``method`` field, or JSON) is executed.

Users (:mod:`tests.fakes.telegram_users`): ``user = server.user(42, "Lan")`` makes a private chat whose
:class:`~tests.fakes.telegram_users.TgUser` sends real updates (``say``, ``press``, ``edit``,
``send_photo`` …) and reads the bot's messages (``replies``, ``wait_reply``); :class:`ScriptUser` follows
a script for load runs (:meth:`FakeTelegram.add_users`, :meth:`~FakeTelegram.wait_done`,
:meth:`~FakeTelegram.replies_latency`). Everything is recorded for assertions: per chat the bot's messages
in order (:class:`BotMessage`, edits applied, earlier versions kept), callback answers, chat actions,
:attr:`~FakeTelegram.commands`, the webhooks set (:attr:`~FakeTelegram.webhooks`), :attr:`~FakeTelegram.stats`
(429s included) and every call (:attr:`~FakeTelegram.calls`). Times are ``time.monotonic()`` values.

>>> server = FakeTelegram(username="demo_bot")
>>> server.me["username"], server.messages(1)
('demo_bot', [])
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, ClientError, ClientSession, ClientTimeout, MultipartReader, TCPConnector, web

from tests.fakes.telegram_api import (
    ApiError,
    Bucket,
    Flood,
    Params,
    chat_json,
    check_markup,
    plain_text,
    problem,
)
from tests.fakes.telegram_store import (
    BotMessage,
    CallbackAnswer,
    Chat,
    Document,
    PendingUpdate,
    Store,
    StoredFile,
)
from tests.fakes.telegram_users import PRESS, ScriptUser, TgUser

if TYPE_CHECKING:
    from aiogram import Bot

__all__ = [
    "PRESS",
    "SECRET_HEADER",
    "TOKEN",
    "BotMessage",
    "CallbackAnswer",
    "Document",
    "FakeTelegram",
    "Flood",
    "PendingUpdate",
    "ScriptUser",
    "Stats",
    "StoredFile",
    "TgUser",
]

log = logging.getLogger(__name__)

#: The default bot token (aiogram checks the ``<digits>:<text>`` shape).
TOKEN = "123456789:AAFakeTokenForReportbotTests"
#: The header that carries the webhook secret.
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: Methods that send or edit a message: they count against flood control and :meth:`FakeTelegram.fail_next`.
FLOODED = frozenset({"sendmessage", "senddocument", "editmessagetext", "editmessagereplymarkup"})
#: The first pause before an update is pushed again to the webhook, and the longest one.
PUSH_RETRY_FIRST, PUSH_RETRY_MAX = 0.05, 1.0
#: Update types delivered when ``allowed_updates`` was never given (or given empty), as Telegram does.
DEFAULT_UPDATES = frozenset({"message", "edited_message", "callback_query", "my_chat_member", "inline_query"})
#: Telegram's limits.
TEXT_LIMIT, CAPTION_LIMIT, CALLBACK_TEXT_LIMIT, UPLOAD_LIMIT = 4096, 1024, 200, 50 * 1024 * 1024


@dataclass(slots=True)
class Stats:
    """Counters of one server."""

    calls: int = 0  #: API calls answered (any status)
    updates: int = 0  #: updates made by users
    polled: int = 0  #: updates handed out by getUpdates (again after a lost answer included)
    pushed: int = 0  #: webhook POSTs made (every attempt)
    push_ok: int = 0  #: of them answered 200
    push_http_errors: int = 0  #: webhook answers other than 200 (retried)
    push_conn_errors: int = 0  #: webhook POSTs refused, reset or timed out (retried)
    sent: int = 0  #: messages the bot sent (sendMessage, sendDocument)
    edits: int = 0
    callback_answers: int = 0
    http_400: int = 0
    http_403: int = 0
    http_409: int = 0
    http_429: int = 0
    http_5xx: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counters by name, for printing."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Call:
    """One API call as the server saw it: method name as sent, parameters (strings as sent), answer status."""

    method: str
    params: dict[str, Any]
    status: int
    at: float


@dataclass(slots=True)
class Webhook:
    """A webhook as set by setWebhook."""

    url: str
    secret_token: str | None
    max_connections: int
    set_at: float
    last_error_date: int | None = None
    last_error_message: str | None = None


class FakeTelegram:
    """The fake Bot API and its users; use ``async with FakeTelegram(...) as server``.

    ``token``: the one token accepted; ``username``/``first_name``: what getMe says; ``flood``: flood
    limits (None: none); ``strict_chats``: sends to a chat without a user answer 400 "chat not found"
    (False: such chats are made on the fly); ``callback_timeout``: seconds a callback query can be answered;
    ``push_timeout``: seconds before a webhook POST counts as failed; ``max_connections``: of the push
    session; ``record_calls``: keep every call in :attr:`calls`.
    """

    def __init__(
        self,
        *,
        token: str = TOKEN,
        username: str = "reportbot_test_bot",
        first_name: str = "Reportbot",
        flood: Flood | None = None,
        strict_chats: bool = True,
        callback_timeout: float = 30.0,
        push_timeout: float = 10.0,
        max_connections: int = 512,
        record_calls: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.token = token
        self.me: dict[str, Any] = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": first_name,
            "username": username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.store = Store()
        self._flood = flood
        self._global = Bucket(flood.rate, flood.burst) if flood and flood.rate > 0 else None
        self._strict = strict_chats
        self._callback_timeout = callback_timeout
        self._push_timeout = ClientTimeout(total=push_timeout)
        self._max_connections = max_connections
        self._record = record_calls
        self._host, self._port = host, port
        self.stats = Stats()
        self.calls: list[Call] = []
        self.methods: Counter[str] = Counter()  #: calls by method (lower case)
        #: setMyCommands content by (scope type, language_code): [(command, description), ...]
        self.commands: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self.webhooks: list[Webhook] = []  #: every webhook set, in order (the current one is :attr:`webhook`)
        self.webhook: Webhook | None = None
        self._allowed: frozenset[str] = DEFAULT_UPDATES
        self._poll_generation = 0
        self._pushing: dict[int, asyncio.Task[None]] = {}  #: chat id → its push task
        self._push_wake = asyncio.Event()
        self._pusher: asyncio.Task[None] | None = None
        self.users: dict[int, TgUser] = {}
        self.scripts: dict[int, ScriptUser] = {}
        self._script_tasks: dict[int, asyncio.Task[None]] = {}
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None
        self._handlers = {name.lower(): getattr(self, f"_m_{name}") for name in METHODS}

    # -- life cycle ---------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on ``host:port`` (a free port by default) and open the session for webhook pushes."""
        app = web.Application(client_max_size=UPLOAD_LIMIT + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self._port, backlog=1024).start()
        self._port = self._runner.addresses[0][1]
        self._session = ClientSession(connector=TCPConnector(limit=self._max_connections, limit_per_host=0))

    async def close(self) -> None:
        """Stop the users and the pushes, close the session and the server."""
        tasks = [*self._script_tasks.values(), *self._pushing.values()]
        if self._pusher is not None:
            tasks.append(self._pusher)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._poll_generation += 1
        self.store.wake_pollers()
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``: what ``TelegramAPIServer.from_base`` takes (``TELEGRAM_API_URL``)."""
        return f"http://{self._host}:{self._port}"

    def bot(self, **kwargs: Any) -> Bot:
        """An aiogram ``Bot`` with this server's token, talking to this server (close its session after)."""
        from aiogram import Bot
        from aiogram.client.session.aiohttp import AiohttpSession
        from aiogram.client.telegram import TelegramAPIServer

        session = AiohttpSession(api=TelegramAPIServer.from_base(self.base_url))
        return Bot(self.token, session=session, **kwargs)

    # -- what tests steer ---------------------------------------------------------------------------------

    def user(self, user_id: int, name: str = "", *, username: str | None = None, last_name: str | None = None,
             language_code: str | None = "vi") -> TgUser:
        """The user of private chat ``user_id`` (made on first call; later calls return the same one)."""
        user = self.users.get(user_id)
        if user is None:
            info: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": name or f"User {user_id}"}
            if last_name:
                info["last_name"] = last_name
            if username:
                info["username"] = username
            if language_code:
                info["language_code"] = language_code
            self.store.chat(user_id, chat_json(info))
            user = self.users[user_id] = TgUser(self, info)
        return user

    def block(self, chat_id: int, blocked: bool = True) -> None:
        """Sends to ``chat_id`` answer 403 from now on (or work again with ``blocked=False``); no update."""
        self._chat(chat_id).blocked = blocked

    def fail_next(self, chat_id: int, n: int = 1, status: int = 429, retry_after: int = 1,
                  description: str | None = None) -> None:
        """The next ``n`` sends/edits to ``chat_id`` fail with ``status`` (429 carries ``retry_after``)."""
        if not 400 <= status <= 599:
            raise ValueError(f"fail_next takes an HTTP error status, not {status}")
        chat = self._chat(chat_id)
        chat.fail_left, chat.fail_status, chat.fail_retry_after = n, status, retry_after
        chat.fail_description = description

    def push_update(self, chat_id: int | None, kind: str, obj: dict[str, Any]) -> PendingUpdate:
        """Queue a raw update ``{"update_id", kind: obj}`` (users do this for you); delivered by poll or push."""
        pending = self.store.add_update(chat_id, kind, obj)
        self.stats.updates += 1
        if self.webhook is not None:
            self._push_wake.set()
        return pending

    def add_users(self, users: Iterable[ScriptUser], start: bool = True) -> None:
        """Add scripted users (one per chat) and, unless ``start=False``, start them."""
        for script in users:
            if script.user_id in self.scripts:
                raise ValueError(f"chat {script.user_id} already has a scripted user")
            self.user(script.user_id, script.name)
            self.scripts[script.user_id] = script
        if start:
            self.start_users()

    def start_users(self) -> None:
        """Start every added scripted user that has not started yet."""
        if self._session is None:
            raise RuntimeError("start the server first (async with FakeTelegram(...))")
        for user_id, script in self.scripts.items():
            if user_id not in self._script_tasks:
                task = asyncio.create_task(self.users[user_id].run(script), name=f"telegram-user-{user_id}")
                self._script_tasks[user_id] = task

    async def wait_done(self, timeout: float = 120.0) -> dict[str, int]:
        """Wait until every started scripted user is done, silent or failed; the number of users by status.

        Raises TimeoutError (the server stays inspectable) when some still run after ``timeout``.
        """
        deadline = time.monotonic() + timeout
        while pending := [t for t in self._script_tasks.values() if not t.done()]:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{len(pending)} of {len(self._script_tasks)} users still running after {timeout} s")
            await asyncio.wait(pending, timeout=remaining)
        return self.status_counts()

    # -- what tests read ----------------------------------------------------------------------------------

    def messages(self, chat_id: int) -> list[BotMessage]:
        """The bot's messages in ``chat_id``, in the order sent, edits applied (deleted ones included)."""
        chat = self.store.chats.get(chat_id)
        return list(chat.messages) if chat else []

    def answers(self, chat_id: int) -> list[CallbackAnswer]:
        """The callback queries of ``chat_id``'s user that the bot answered, in the order answered."""
        chat = self.store.chats.get(chat_id)
        return list(chat.answers) if chat else []

    def actions(self, chat_id: int) -> list[str]:
        """The chat actions (``typing``, ``upload_document`` …) the bot sent to ``chat_id``."""
        chat = self.store.chats.get(chat_id)
        return [action for action, _ in chat.actions] if chat else []

    def pending_updates(self) -> list[PendingUpdate]:
        """Updates not confirmed yet (not polled past, not acknowledged by the webhook)."""
        return list(self.store.pending.values())

    def unanswered_callbacks(self) -> int:
        """Callback queries the bot never answered."""
        return sum(1 for q in self.store.queries.values() if not q.answered)

    def http_429(self, chat_id: int) -> int:
        """429 answers given for ``chat_id``."""
        chat = self.store.chats.get(chat_id)
        return chat.http_429 if chat else 0

    def replies_latency(self, since: str = "sent") -> list[float]:
        """For each scripted line that got its reply: seconds from the line (``since="sent"``, what a user
        feels) or from its delivery to the bot (``"delivered"``) to the reply."""
        return [
            max(0.0, u.reply_at - (u.created_at if since == "sent" else (u.delivered_at or u.created_at)))
            for script in self.scripts.values()
            for u in script.lines
            if u.reply_at is not None
        ]

    def status_counts(self) -> dict[str, int]:
        """How many scripted users are in each status."""
        return dict(Counter(script.status for script in self.scripts.values()))

    # -- the HTTP API -------------------------------------------------------------------------------------

    def _chat(self, chat_id: int) -> Chat:
        chat = self.store.chats.get(chat_id)
        if chat is None:
            if self._strict:
                raise ApiError(400, "Bad Request: chat not found")
            chat = self.store.chat(chat_id, {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"})
        return chat

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        status = 200
        raw: dict[str, Any] = {}
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            raw = await _read_params(request)
            result = await self.call(method, raw)
            response = web.json_response({"ok": True, "result": result})
        except ApiError as exc:
            status = exc.status
            response = problem(exc)
        self._count(method, raw, status)
        return response

    async def call(self, method: str, raw: dict[str, Any]) -> Any:
        """Run one API method on parameters as they came (strings or JSON values); raises ApiError."""
        handler = self._handlers.get(method.lower())
        if handler is None:
            raise ApiError(404, "Not Found")
        params = Params(raw)
        if method.lower() in FLOODED:
            self._admit(params)
        return await handler(params)

    def _count(self, method: str, raw: dict[str, Any], status: int) -> None:
        self.stats.calls += 1
        self.methods[method.lower()] += 1
        if status != 200:
            name = f"http_{status}" if status < 500 else "http_5xx"
            if hasattr(self.stats, name):
                setattr(self.stats, name, getattr(self.stats, name) + 1)
        if self._record:
            shown = {k: (f"<file {v.filename}>" if isinstance(v, web.FileField) else v) for k, v in raw.items()}
            self.calls.append(Call(method, shown, status, time.monotonic()))

    def _admit(self, params: Params) -> None:
        """Injected failures, blocked chats and flood control for a send or an edit."""
        chat = self._chat(params.chat_id())
        if chat.fail_left > 0:
            chat.fail_left -= 1
            if chat.fail_status == 429:
                chat.http_429 += 1
            raise ApiError(chat.fail_status, chat.fail_description or _DESCRIPTIONS.get(chat.fail_status, "Error"),
                           retry_after=chat.fail_retry_after if chat.fail_status == 429 else None)
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if self._flood is None:
            return
        now = time.monotonic()
        if chat.bucket is None and self._flood.chat_rate > 0:
            chat.bucket = Bucket(self._flood.chat_rate, self._flood.chat_burst)
            chat.bucket.stamp = now  # made full at ``now`` (a later stamp would refill it by a negative amount)
        waits = [b.wait(now) for b in (chat.bucket, self._global) if b is not None]
        if any(waits):
            chat.http_429 += 1
            retry = max(1, int(max(waits) + 0.999))
            raise ApiError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)
        for bucket in (chat.bucket, self._global):
            if bucket is not None:
                bucket.tokens -= 1

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return problem(ApiError(401, "Unauthorized"))
        stored = self.store.by_path.get(request.match_info["path"])
        if stored is None:
            return problem(ApiError(404, "Not Found"))
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")

    # -- methods (each takes Params, returns the result or raises ApiError) --------------------------------

    async def _m_getMe(self, p: Params) -> Any:
        return self.me

    async def _m_logOut(self, p: Params) -> Any:
        return True

    async def _m_close(self, p: Params) -> Any:
        return True

    async def _m_getUpdates(self, p: Params) -> Any:
        if self.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset, timeout = p.integer("offset", 0), p.integer("timeout", 0)
        limit = min(max(p.integer("limit", 100), 1), 100)
        allowed = p.decoded("allowed_updates")
        if allowed is not None:
            self._allowed = frozenset(allowed) if allowed else DEFAULT_UPDATES
        self._poll_generation += 1
        generation = self._poll_generation
        self.store.wake_pollers()  # an older poll still waiting ends with 409
        deadline = time.monotonic() + max(0, timeout)
        while True:
            woken = self.store.poll_event()
            updates = self.store.confirm_and_take(offset, limit, self._allowed)
            if updates or time.monotonic() >= deadline:
                break
            try:
                async with asyncio.timeout(deadline - time.monotonic()):
                    await woken.wait()
            except TimeoutError:
                pass
            if generation != self._poll_generation:
                raise ApiError(409, "Conflict: terminated by other getUpdates request; "
                                    "make sure that only one bot instance is running")
            if self.webhook is not None:
                break
        for update in updates:
            self.store.mark_delivered(update)
        self.stats.polled += len(updates)
        return [u.payload for u in updates]

    async def _m_setWebhook(self, p: Params) -> Any:
        url = p.string("url", "")
        if not url:
            return await self._m_deleteWebhook(p)
        secret = p.string("secret_token", "") or None
        if secret is not None and (len(secret) > 256 or not all(c.isalnum() or c in "_-" for c in secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        if p.flag("drop_pending_updates"):
            self.store.drop_pending()
        allowed = p.decoded("allowed_updates")
        if allowed is not None:
            self._allowed = frozenset(allowed) if allowed else DEFAULT_UPDATES
        hook = Webhook(url, secret, min(max(p.integer("max_connections", 40), 1), 100), time.monotonic())
        self.webhook = hook
        self.webhooks.append(hook)
        self._poll_generation += 1
        self.store.wake_pollers()
        if self._pusher is None or self._pusher.done():
            self._pusher = asyncio.create_task(self._push_loop(), name="telegram-webhook-pusher")
        self._push_wake.set()
        return True

    async def _m_deleteWebhook(self, p: Params) -> Any:
        self.webhook = None
        if p.flag("drop_pending_updates"):
            self.store.drop_pending()
        self._push_wake.set()
        return True

    async def _m_getWebhookInfo(self, p: Params) -> Any:
        hook = self.webhook
        info: dict[str, Any] = {"url": hook.url if hook else "", "has_custom_certificate": False,
                                "pending_update_count": len(self.store.pending)}
        if hook is not None:
            info["max_connections"] = hook.max_connections
            if hook.last_error_date is not None:
                info["last_error_date"], info["last_error_message"] = hook.last_error_date, hook.last_error_message
        return info

    async def _m_sendMessage(self, p: Params) -> Any:
        chat = self._chat(p.chat_id())
        text, raw_text, parse_mode = _message_text(p)
        markup = check_markup(p.decoded("reply_markup"))
        message = self.store.add_bot_message(chat, text=text, raw_text=raw_text, parse_mode=parse_mode,
                                             reply_markup=markup, method="sendMessage")
        self.stats.sent += 1
        return self.store.message_json(message, self.me)

    async def _m_sendDocument(self, p: Params) -> Any:
        chat = self._chat(p.chat_id())
        caption = p.string("caption", "") or None
        if caption is not None and len(plain_text(caption, p.string("parse_mode", "") or None)) > CAPTION_LIMIT:
            raise ApiError(400, "Bad Request: message caption is too long")
        markup = check_markup(p.decoded("reply_markup"))
        stored = self._document_param(p)
        document = Document(stored.file_id, stored.file_unique_id, stored.file_name, stored.mime_type,
                            stored.size, stored.data)
        message = self.store.add_bot_message(chat, text=None, caption=caption, reply_markup=markup,
                                             document=document, method="sendDocument")
        self.stats.sent += 1
        return self.store.message_json(message, self.me)

    def _document_param(self, p: Params) -> StoredFile:
        value = p.raw.get("document")
        if isinstance(value, str) and value.startswith("attach://"):
            value = p.raw.get(value[len("attach://"):])
        if isinstance(value, web.FileField):
            data = value.file.read()
            if not data:
                raise ApiError(400, "Bad Request: file must be non-empty")
            if len(data) > UPLOAD_LIMIT:
                raise ApiError(413, "Request Entity Too Large")
            mime = value.content_type if value.content_type != "application/octet-stream" else None
            return self.store.add_file("document", data, value.filename, mime or _guess_mime(value.filename))
        if isinstance(value, str) and value in self.store.files:
            return self.store.files[value]
        if value is None:
            raise ApiError(400, "Bad Request: there is no document in the request")
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _own_message(self, p: Params) -> BotMessage:
        if p.raw.get("inline_message_id"):
            raise ApiError(400, "Bad Request: inline messages are not supported by the fake")
        chat = self._chat(p.chat_id())
        message = chat.bot_messages.get(p.integer("message_id", 0))
        if message is None or message.deleted:
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    async def _m_editMessageText(self, p: Params) -> Any:
        message = self._own_message(p)
        if message.text is None:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text, raw_text, parse_mode = _message_text(p)
        markup = check_markup(p.decoded("reply_markup"))
        self._edit(message, text, markup)
        message.raw_text, message.parse_mode = raw_text, parse_mode
        return self.store.message_json(message, self.me)

    async def _m_editMessageReplyMarkup(self, p: Params) -> Any:
        message = self._own_message(p)
        self._edit(message, message.text, check_markup(p.decoded("reply_markup")))
        return self.store.message_json(message, self.me)

    def _edit(self, message: BotMessage, text: str | None, markup: dict[str, Any] | None) -> None:
        if markup is not None and "inline_keyboard" not in markup:
            raise ApiError(400, "Bad Request: only inline keyboards can be set on an edited message")
        if markup is not None and not any(markup["inline_keyboard"]):
            markup = None  # an empty keyboard removes it
        if text == message.text and markup == message.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified: specified new message content and reply "
                                "markup are exactly the same as a current content and reply markup of the message")
        message.edit(text, markup, time.monotonic(), self.store.next_seq())
        self.stats.edits += 1

    async def _m_deleteMessage(self, p: Params) -> Any:
        chat = self._chat(p.chat_id())
        message = chat.bot_messages.get(p.integer("message_id", 0))
        if message is None or message.deleted:
            raise ApiError(400, "Bad Request: message to delete not found")
        message.deleted = True
        return True

    async def _m_answerCallbackQuery(self, p: Params) -> Any:
        query = self.store.queries.get(p.string("callback_query_id", ""))
        if query is None or query.answered or time.monotonic() - query.at > self._callback_timeout:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        text = p.string("text", "") or None
        if text is not None and len(text) > CALLBACK_TEXT_LIMIT:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        query.answered = True
        answer = CallbackAnswer(query.id, query.data, query.message_id, text, p.flag("show_alert"),
                                p.string("url", "") or None, time.monotonic())
        self.store.chats[query.chat_id].answers.append(answer)
        self.store.chats[query.chat_id].changed()
        self.stats.callback_answers += 1
        return True

    async def _m_getFile(self, p: Params) -> Any:
        stored = self.store.files.get(p.string("file_id", ""))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "file_size": stored.size,
                "file_path": stored.file_path}

    async def _m_setMyCommands(self, p: Params) -> Any:
        commands = p.decoded("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be a list of at most 100 BotCommand")
        pairs: list[tuple[str, str]] = []
        for item in commands:
            command = str(item.get("command", "")) if isinstance(item, dict) else ""
            description = str(item.get("description", "")) if isinstance(item, dict) else ""
            if not (1 <= len(command) <= 32 and all(c.islower() or c.isdigit() or c == "_" for c in command)
                    and command.isascii()):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise ApiError(400, "Bad Request: command description must be 1-256 characters")
            pairs.append((command, description))
        self.commands[self._commands_key(p)] = pairs
        return True

    async def _m_getMyCommands(self, p: Params) -> Any:
        return [{"command": c, "description": d} for c, d in self.commands.get(self._commands_key(p), [])]

    async def _m_deleteMyCommands(self, p: Params) -> Any:
        self.commands.pop(self._commands_key(p), None)
        return True

    @staticmethod
    def _commands_key(p: Params) -> tuple[str, str]:
        scope = p.decoded("scope") or {"type": "default"}
        return str(scope.get("type", "default")), p.string("language_code", "")

    async def _m_sendChatAction(self, p: Params) -> Any:
        chat = self._chat(p.chat_id())
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        chat.actions.append((p.string("action", ""), time.monotonic()))
        return True

    # -- webhook pushes -----------------------------------------------------------------------------------

    async def _push_loop(self) -> None:
        """Start a push task for the first pending update of every chat that has none in flight."""
        while True:
            self._push_wake.clear()
            hook = self.webhook
            if hook is None:
                await self._push_wake.wait()
                continue
            busy = {chat_id for chat_id, task in self._pushing.items() if not task.done()}
            for update in self.store.heads(busy, self._allowed):
                if len(busy) >= hook.max_connections * 4:  # pushes share the session's connection limit
                    break
                busy.add(update.chat_id or 0)
                task = asyncio.create_task(self._push(hook, update), name=f"telegram-push-{update.update_id}")
                self._pushing[update.chat_id or 0] = task
                task.add_done_callback(lambda _: self._push_wake.set())
            await self._push_wake.wait()

    async def _push(self, hook: Webhook, update: PendingUpdate) -> None:
        """POST one update until the webhook answers 200 (or the webhook changes)."""
        assert self._session is not None
        body = json.dumps(update.payload, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers[SECRET_HEADER] = hook.secret_token
        pause = PUSH_RETRY_FIRST
        while self.webhook is hook and update.update_id in self.store.pending:
            self.stats.pushed += 1
            self.store.mark_delivered(update)
            try:
                async with self._session.post(hook.url, data=body, headers=headers, timeout=self._push_timeout) as resp:
                    if resp.status == 200:
                        self.stats.push_ok += 1
                        self.store.confirm(update)
                        await self._webhook_reply(resp)
                        return
                    await resp.read()
                    self.stats.push_http_errors += 1
                    error = f"Wrong response from the webhook: {resp.status} {resp.reason}"
            except (ClientError, TimeoutError, OSError) as exc:  # refused, reset, timed out: retried quietly
                self.stats.push_conn_errors += 1
                error = f"Connection error: {exc!r}"
            log.debug("push of update %s to %s: %s", update.update_id, hook.url, error)
            hook.last_error_date, hook.last_error_message = int(time.time()), error
            await asyncio.sleep(pause)
            pause = min(pause * 2, PUSH_RETRY_MAX)

    async def _webhook_reply(self, resp: Any) -> None:
        """Run a method call the webhook put in its 200 answer, as Telegram does (its result is lost)."""
        raw: dict[str, Any] = {}
        if resp.content_type == "multipart/form-data":
            reader = MultipartReader(resp.headers, resp.content)
            while (part := await reader.next()) is not None:
                if isinstance(part, BodyPartReader) and part.name:
                    if part.filename:
                        raw[part.name] = _Upload(part.filename, part.headers.get("Content-Type", ""),
                                                 bytes(await part.read()))
                    else:
                        raw[part.name] = await part.text()
        else:
            text = await resp.text()
            try:
                body = json.loads(text) if text.strip() else {}
            except ValueError:
                return
            raw = body if isinstance(body, dict) else {}
        method = raw.pop("method", None)
        if not isinstance(method, str):
            return
        status = 200
        try:
            await self.call(method, raw)
        except ApiError as exc:
            status = exc.status
            log.debug("method %s from a webhook answer failed: %s", method, exc.description)
        self._count(method, raw, status)


class _Upload(web.FileField):
    """A file part of a webhook answer, shaped like aiohttp's request FileField."""

    def __init__(self, filename: str, content_type: str, data: bytes) -> None:
        import io

        super().__init__("", filename, io.BufferedReader(io.BytesIO(data)), content_type, None)  # type: ignore[arg-type]


def _message_text(p: Params) -> tuple[str, str, str | None]:
    """The ``text`` of a send or an edit as the user sees it, as sent, and its parse mode; 400 if bad."""
    raw_text = p.string("text", "")
    parse_mode = p.string("parse_mode", "") or None
    text = plain_text(raw_text, parse_mode)
    if not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if len(text) > TEXT_LIMIT:
        raise ApiError(400, "Bad Request: message is too long")
    return text, raw_text, parse_mode


async def _read_params(request: web.Request) -> dict[str, Any]:
    """The parameters of a call: the query, then a JSON body or a (multipart) form; files as FileField."""
    raw: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.can_read_body:
        return raw
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError as exc:
            raise ApiError(400, "Bad Request: can't parse JSON body") from exc
        if not isinstance(body, dict):
            raise ApiError(400, "Bad Request: the JSON body must be an object")
        raw.update(body)
    else:
        raw.update(await request.post())
    return raw


def _guess_mime(name: str) -> str | None:
    import mimetypes

    return mimetypes.guess_type(name)[0]


_DESCRIPTIONS = {
    400: "Bad Request",
    403: "Forbidden: bot was blocked by the user",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

#: The Bot API methods the fake answers.
METHODS = (
    "getMe", "logOut", "close", "getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo", "sendMessage",
    "sendDocument", "editMessageText", "editMessageReplyMarkup", "deleteMessage", "answerCallbackQuery",
    "getFile", "setMyCommands", "getMyCommands", "deleteMyCommands", "sendChatAction",
)
