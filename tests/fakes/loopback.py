"""The loopback channel: a fake messaging provider on 127.0.0.1 that plays many users, for runtime tests.

:class:`LoopbackServer` is an aiohttp server with a Telegram-like JSON protocol of our own, which the
bot-side adapter speaks:

- bot → provider: ``POST /sendMessage`` ``{"chat_id", "text", "buttons": [[label, data], ...], "msgs": [...],
  "outbox_id"}`` → 200 ``{"ok": true, "result": {"message_id": n}}``; or 429 with ``parameters.retry_after``
  and ``scope`` ("chat" | "global") beyond the flood limits or when :meth:`LoopbackServer.fail_next` says so;
  403 for a chat marked :meth:`~LoopbackServer.block`-ed; 500 for injected failures; 400 for a malformed body
  (the fake fails loudly). Only a 200 is a delivered message. ``GET /healthz`` → 200.
- provider → bot: every update is POSTed as JSON to one of the webhook URLs, chosen at random per attempt
  (another one than the URL that just failed, when there is one), ``{"update_id", "chat_id", "user_id",
  "name", "text"}`` or ``{..., "data"}`` for a button press, with ``X-Loopback-Secret`` when a secret is set.
  An update is retried (same update_id) until it gets a 200: after a non-200 answer, a connection error or a
  timeout, with a pause of 0.2 s doubling up to 2 s. Connection refused (a killed worker) is retried
  quietly, for ever: :meth:`~LoopbackServer.wait_done` bounds the run. A user's update N+1 is pushed only
  after N got its 200; other users do not wait. With ``duplicates=p`` an acknowledged update is pushed again
  with probability p (a redelivery the bot must ignore).

A :class:`User` follows a script of typed lines (``"@press:<data>"`` presses a button): it sends line 0,
then waits for the reply and sends the next line ``think`` seconds after the reply's first message
(``after="first"``), its first message with buttons (``after="buttons"``), its first message whose ``msgs``
hold a given id (``after="<msg id>"``), or the first message a predicate accepts. It waits for the reply to
its last line too, then is "done"; a line with no message in ``silence`` seconds leaves it "silent" there.

Which messages answer a line: those accepted after the line's 200 (the spec's rule, so the rest of the
previous reply does not count). Two exceptions keep a user from being recorded silent by mistake:

- when an attempt failed in a way that may have reached the bot (timeout, reset, disconnect — not a
  refused connection, nor a non-200 answer, which means "not stored"), the window opens when that attempt
  started: a worker killed after its commit may have answered before the retry got its 200;
- a bot that answers before its 200 reaches us: if nothing comes in ``silence`` seconds after the 200,
  an acceptable message that came while the 200 was on its way is taken as the reply
  (``stats.early_replies``; it costs the user ``silence`` seconds, so a bot should not do that).

>>> server = LoopbackServer(webhooks=["http://127.0.0.1:1/webhook/loopback"])
>>> server.stats.accepted, server.messages("1")
(0, [])
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from typing import Any, Literal

from aiohttp import ClientConnectorError, ClientError, ClientSession, ClientTimeout, TCPConnector, web

log = logging.getLogger(__name__)

#: A script line that presses a button: ``"@press:" + data``.
PRESS = "@press:"
#: The header that carries the webhook secret.
SECRET_HEADER = "X-Loopback-Secret"
#: The first pause before an update is pushed again, and the longest one.
RETRY_FIRST, RETRY_MAX = 0.2, 2.0

Status = Literal["waiting", "running", "done", "silent", "error"]


@dataclass(frozen=True, slots=True)
class Received:
    """A message the server accepted (answered 200), in the order of acceptance."""

    chat_id: str
    message_id: int
    text: str
    buttons: tuple[tuple[str, str], ...]
    msgs: tuple[str, ...]
    outbox_id: int
    at: float  #: ``time.monotonic()`` when it was accepted
    seq: int  #: position among all messages accepted by this server


@dataclass(slots=True)
class Pushed:
    """An update pushed to the bot and acknowledged (200), with how it went."""

    update_id: int
    chat_id: str
    line: int  #: index of the script line (-1 for :meth:`LoopbackServer.push`)
    text: str | None
    data: str | None
    first_at: float  #: when its first attempt started
    acked_at: float  #: when it got its 200
    attempts: int
    redelivered: int = 0  #: times it was pushed again after its 200 (``duplicates=p``)
    reply_at: float | None = None  #: when the message the user took as its reply was accepted


@dataclass(eq=False)
class User:
    """A simulated user: its identity, its script and how it waits; the server fills in the outcome."""

    chat_id: str
    user_id: str
    name: str
    script: list[str]
    think: float = 0.0  #: seconds between the reply and the next line
    after: str | Callable[[Received], bool] = "first"  #: "first", "buttons", a msg id, or a predicate
    silence: float = 30.0  #: seconds without any message before the user is recorded silent
    status: Status = field(default="waiting", init=False)
    acked: int = field(default=0, init=False)  #: script lines acknowledged by the bot
    silent_at: int | None = field(default=None, init=False)  #: the line left without a reply
    error: str | None = field(default=None, init=False)  #: a bug in the fake or its use, never a bot fault

    def accepts(self, message: Received) -> bool:
        """Whether ``message`` is the one this user waits for before going on."""
        if callable(self.after):
            return self.after(message)
        if self.after == "first":
            return True
        if self.after == "buttons":
            return bool(message.buttons)
        return self.after in message.msgs


@dataclass(slots=True)
class Stats:
    """Counters of one server: pushes to the bot and answers to its sends."""

    pushed: int = 0  #: webhook POSTs made (every attempt, redeliveries included)
    acked: int = 0  #: of them answered 200
    retried_pushes: int = 0  #: attempts after an update's first one
    redelivered: int = 0  #: acknowledged updates pushed again on purpose
    accepted: int = 0  #: sendMessage answered 200
    http_429: int = 0
    http_403: int = 0
    http_500: int = 0
    http_400: int = 0  #: malformed sendMessage bodies (a bug in the adapter)
    push_http_errors: int = 0  #: webhook answers other than 200 (retried)
    push_conn_errors: int = 0  #: webhook POSTs refused, reset or timed out (retried)
    early_replies: int = 0  #: lines answered only before their 200, taken after ``silence`` (see the module)

    def as_dict(self) -> dict[str, int]:
        """The counters by name, for printing."""
        return asdict(self)


class _Bucket:
    """A token bucket: ``rate`` tokens a second, at most ``capacity``."""

    def __init__(self, rate: float, capacity: float) -> None:
        self.rate, self.capacity = rate, capacity
        self.tokens, self.stamp = capacity, time.monotonic()

    def wait(self, now: float) -> float:
        """Seconds until a token is there (0: one is there now); refills first."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass(eq=False)
class _Chat:
    """What the server keeps per chat."""

    messages: list[Received] = field(default_factory=list)
    pushed: list[Pushed] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    blocked: bool = False
    fail_left: int = 0
    fail_status: int = 500
    fail_retry_after: int = 2
    bucket: _Bucket | None = None
    scanned: int = 0  #: messages before this index were already looked at by the chat's user


@dataclass(slots=True)
class _Delivery:
    """How an update got its 200; ``window`` and ``early`` are values of the server's message seq."""

    first_at: float
    acked_at: float
    attempts: int
    window: int  #: messages after this one answer the update
    early: int  #: messages after this one up to ``window`` came while the 200 was on its way


def _problem(status: int, description: str, **parameters: Any) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


def _parse_send(body: Any) -> tuple[str, str, tuple[tuple[str, str], ...], tuple[str, ...], int]:
    """The fields of a sendMessage body; ValueError says what is wrong with it."""
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    chat_id, text, outbox_id = body.get("chat_id"), body.get("text"), body.get("outbox_id")
    buttons, msgs = body.get("buttons", []), body.get("msgs", [])
    if not isinstance(chat_id, str) or not isinstance(text, str):
        raise ValueError("chat_id and text must be strings")
    if not isinstance(outbox_id, int) or isinstance(outbox_id, bool):
        raise ValueError("outbox_id must be an integer")
    if not isinstance(buttons, list) or not all(
        isinstance(b, list) and len(b) == 2 and all(isinstance(s, str) for s in b) for b in buttons
    ):
        raise ValueError("buttons must be [[label, data], ...] of strings")
    if not isinstance(msgs, list) or not all(isinstance(m, str) for m in msgs):
        raise ValueError("msgs must be a list of strings")
    return chat_id, text, tuple((b[0], b[1]) for b in buttons), tuple(msgs), outbox_id


class LoopbackServer:
    """The fake provider and its users; use ``async with LoopbackServer(...) as server``.

    ``webhooks``: the bot workers' ``/webhook/loopback`` URLs (:meth:`set_webhooks` changes them);
    ``secret``: sent in ``X-Loopback-Secret``; ``rate``: messages a second in all (a burst of ``rate``),
    ``chat_rate`` / ``chat_burst``: per chat (a burst of at least 1), 0 for no limit; ``duplicates``: the
    chance that an acknowledged update is pushed again; ``seed``: for the webhook choice and redeliveries;
    ``push_timeout``: seconds before a push counts as failed; ``max_connections``: of the push session.
    Times (``Received.at``, ``Pushed.acked_at``...) are ``time.monotonic()`` values.
    """

    def __init__(
        self,
        webhooks: Sequence[str] = (),
        *,
        secret: str | None = None,
        rate: float = 0,
        chat_rate: float = 0,
        chat_burst: int = 0,
        duplicates: float = 0.0,
        seed: int = 1,
        push_timeout: float = 10.0,
        max_connections: int = 512,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self._webhooks = list(webhooks)
        self._secret = secret
        self._global = _Bucket(rate, max(1.0, rate)) if rate > 0 else None
        self._chat_rate, self._chat_burst = chat_rate, max(1, chat_burst)
        self._redeliver = duplicates
        self._rng = random.Random(seed)
        self._push_timeout = ClientTimeout(total=push_timeout)
        self._max_connections = max_connections
        self._host, self._port = host, port
        self._chats: dict[str, _Chat] = {}
        self.users: dict[str, User] = {}  #: by chat id
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._seq = 0
        self._update_id = 0
        self._message_id = 0
        self.stats = Stats()
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None

    # -- life cycle ---------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on ``host:port`` (a free port by default) and open the client session for pushes."""
        app = web.Application()
        app.router.add_post("/sendMessage", self._send_message)
        app.router.add_get("/healthz", self._healthz)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port, backlog=1024)  # 200 users connect at once
        await site.start()
        self._port = self._runner.addresses[0][1]
        connector = TCPConnector(limit=self._max_connections, limit_per_host=0)
        self._session = ClientSession(connector=connector)

    async def close(self) -> None:
        """Stop the users, close the session and the server."""
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> LoopbackServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``, the base of ``/sendMessage``."""
        return f"http://{self._host}:{self._port}"

    # -- what tests steer ---------------------------------------------------------------------------------

    def set_webhooks(self, webhooks: Iterable[str]) -> None:
        """Push to these URLs from now on (workers restarted on new ports); pushes in flight go on."""
        self._webhooks = list(webhooks)

    def block(self, chat_id: str, blocked: bool = True) -> None:
        """sendMessage to ``chat_id`` answers 403 from now on (or again 200 with ``blocked=False``)."""
        self._chat(chat_id).blocked = blocked

    def fail_next(self, chat_id: str, n: int = 1, status: int = 500, retry_after: int = 2) -> None:
        """The next ``n`` sends to ``chat_id`` fail with ``status`` (429 with ``retry_after``, or 500)."""
        if status not in (429, 500):
            raise ValueError(f"fail_next takes 429 or 500, not {status}")
        chat = self._chat(chat_id)
        chat.fail_left, chat.fail_status, chat.fail_retry_after = n, status, retry_after

    def add_users(self, users: Iterable[User], start: bool = True) -> None:
        """Add users (one per chat) and, unless ``start=False``, start them."""
        for user in users:
            if user.chat_id in self.users:
                raise ValueError(f"chat {user.chat_id} already has a user")
            self.users[user.chat_id] = user
        if start:
            self.start_users()

    def start_users(self) -> None:
        """Start every added user that has not started yet."""
        if self._session is None:
            raise RuntimeError("start the server first (async with LoopbackServer(...))")
        for chat_id, user in self.users.items():
            if chat_id not in self._tasks:
                self._tasks[chat_id] = asyncio.create_task(self._run(user), name=f"loopback-user-{chat_id}")

    async def wait_done(self, timeout: float = 120.0) -> dict[str, int]:
        """Wait until every started user is done, silent or failed; the number of users by status.

        Raises TimeoutError (the server stays inspectable) when some are still running after ``timeout``.
        """
        deadline = time.monotonic() + timeout
        while pending := [t for t in self._tasks.values() if not t.done()]:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{len(pending)} of {len(self._tasks)} users still running after {timeout} s")
            await asyncio.wait(pending, timeout=remaining)
        return self.status_counts()

    async def push(self, chat_id: str, user_id: str, name: str, line: str) -> Pushed:
        """Push one update outside any script (a line as in a script) and wait for its 200."""
        pushed, _ = await self._push_line(chat_id, user_id, name, -1, line)
        return pushed

    # -- what tests read ----------------------------------------------------------------------------------

    def messages(self, chat_id: str) -> list[Received]:
        """The messages accepted for ``chat_id``, in order."""
        chat = self._chats.get(chat_id)
        return list(chat.messages) if chat else []

    def sent_updates(self, chat_id: str) -> list[Pushed]:
        """The updates of ``chat_id`` pushed and acknowledged, in order (redeliveries not repeated)."""
        chat = self._chats.get(chat_id)
        return list(chat.pushed) if chat else []

    def duplicates(self, chat_id: str) -> int:
        """Accepted messages of ``chat_id`` that repeat the previous one (same outbox_id): duplicate deliveries."""
        got = self.messages(chat_id)
        return sum(1 for before, now in pairwise(got) if before.outbox_id == now.outbox_id)

    def replies_latency(self) -> list[float]:
        """For each acknowledged script line that got its reply: seconds from its 200 to that reply."""
        return [
            max(0.0, p.reply_at - p.acked_at)
            for chat in self._chats.values()
            for p in chat.pushed
            if p.reply_at is not None
        ]

    def status_counts(self) -> dict[str, int]:
        """How many users are in each status."""
        counts: dict[str, int] = {}
        for user in self.users.values():
            counts[user.status] = counts.get(user.status, 0) + 1
        return counts

    # -- bot → provider -----------------------------------------------------------------------------------

    def _chat(self, chat_id: str) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Chat()
            if self._chat_rate > 0:
                chat.bucket = _Bucket(self._chat_rate, self._chat_burst)
        return chat

    async def _healthz(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def _send_message(self, request: web.Request) -> web.Response:
        try:
            chat_id, text, buttons, msgs, outbox_id = _parse_send(await request.json())
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            self.stats.http_400 += 1
            return _problem(400, f"Bad Request: {exc}")
        chat = self._chat(chat_id)
        if chat.blocked:
            self.stats.http_403 += 1
            return _problem(403, "Forbidden: bot was blocked by the user")
        if chat.fail_left > 0:
            chat.fail_left -= 1
            if chat.fail_status == 429:
                self.stats.http_429 += 1
                return _problem(429, "Too Many Requests", retry_after=chat.fail_retry_after, scope="chat")
            self.stats.http_500 += 1
            return _problem(500, "Internal Server Error")
        now = time.monotonic()
        chat_wait = chat.bucket.wait(now) if chat.bucket else 0.0
        global_wait = self._global.wait(now) if self._global else 0.0
        if chat_wait or global_wait:
            self.stats.http_429 += 1
            scope, wait = ("chat", chat_wait) if chat_wait else ("global", global_wait)
            return _problem(429, "Too Many Requests", retry_after=max(1, math.ceil(wait)), scope=scope)
        for bucket in (chat.bucket, self._global):
            if bucket is not None:
                bucket.tokens -= 1
        self._seq += 1
        self._message_id += 1
        chat.messages.append(Received(chat_id, self._message_id, text, buttons, msgs, outbox_id, now, self._seq))
        chat.arrived.set()
        self.stats.accepted += 1
        return web.json_response({"ok": True, "result": {"message_id": self._message_id}})

    # -- provider → bot -----------------------------------------------------------------------------------

    def _pick(self, failed: str | None) -> str | None:
        urls = self._webhooks
        if failed is not None and len(urls) > 1 and failed in urls:
            urls = [u for u in urls if u != failed]
        return self._rng.choice(urls) if urls else None

    async def _deliver(self, payload: bytes) -> _Delivery:
        """POST ``payload`` until a webhook answers 200."""
        assert self._session is not None
        headers = {"Content-Type": "application/json"}
        if self._secret is not None:
            headers[SECRET_HEADER] = self._secret
        first_at = time.monotonic()
        pause, attempts, reached, failed = RETRY_FIRST, 0, None, None
        while True:
            url = self._pick(failed)
            if url is not None:
                attempts += 1
                self.stats.pushed += 1
                if attempts > 1:
                    self.stats.retried_pushes += 1
                seq = self._seq
                try:
                    async with self._session.post(
                        url, data=payload, headers=headers, timeout=self._push_timeout
                    ) as resp:
                        if resp.status == 200:
                            done = _Delivery(first_at, time.monotonic(), attempts, self._seq, seq)
                            if reached is not None:
                                done.window = done.early = reached
                            self.stats.acked += 1
                            await resp.read()
                            return done
                        await resp.read()
                        self.stats.push_http_errors += 1
                        log.debug("push to %s answered %s", url, resp.status)
                except ClientConnectorError as exc:  # refused: the update never reached a bot
                    self.stats.push_conn_errors += 1
                    log.debug("push to %s: %s", url, exc)
                except (ClientError, TimeoutError, OSError) as exc:  # may have been stored before it failed
                    self.stats.push_conn_errors += 1
                    log.debug("push to %s: %r", url, exc)
                    if reached is None:
                        reached = seq
                failed = url
            await asyncio.sleep(pause)
            pause = min(pause * 2, RETRY_MAX)

    async def _push_line(
        self, chat_id: str, user_id: str, name: str, index: int, line: str
    ) -> tuple[Pushed, _Delivery]:
        """Push one script line (and maybe push it again); the update and how its first delivery went."""
        self._update_id += 1
        update_id = self._update_id
        update: dict[str, Any] = {"update_id": update_id, "chat_id": chat_id, "user_id": user_id, "name": name}
        text, data = (None, line[len(PRESS) :]) if line.startswith(PRESS) else (line, None)
        update["data" if data is not None else "text"] = data if data is not None else text
        payload = json.dumps(update, ensure_ascii=False).encode()
        done = await self._deliver(payload)
        pushed = Pushed(update_id, chat_id, index, text, data, done.first_at, done.acked_at, done.attempts)
        self._chat(chat_id).pushed.append(pushed)
        if self._redeliver and self._rng.random() < self._redeliver:
            await self._deliver(payload)
            pushed.redelivered += 1
            self.stats.redelivered += 1
        return pushed, done

    async def _reply(self, user: User, done: _Delivery) -> Received | None:
        """The message that answers a line: the first after ``done.window`` that ``user`` accepts.

        After ``user.silence`` without any message, the last acceptable one that came while the line's
        200 was on its way (a bot that answers before it acknowledges), else None: the user is silent.
        """
        chat = self._chat(user.chat_id)
        got = chat.messages
        start = chat.scanned
        while chat.scanned < len(got) and got[chat.scanned].seq <= done.window:
            chat.scanned += 1
        early = [m for m in got[start : chat.scanned] if m.seq > done.early and user.accepts(m)]
        deadline = time.monotonic() + user.silence
        while True:
            while chat.scanned < len(got):
                message = got[chat.scanned]
                chat.scanned += 1
                if user.accepts(message):
                    return message
            chat.arrived.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if early:
                    self.stats.early_replies += 1
                    return early[-1]
                return None
            try:
                async with asyncio.timeout(remaining):
                    await chat.arrived.wait()
            except TimeoutError:
                continue  # look once more, then give up
            deadline = time.monotonic() + user.silence

    async def _run(self, user: User) -> None:
        user.status = "running"
        try:
            for index, line in enumerate(user.script):
                pushed, done = await self._push_line(user.chat_id, user.user_id, user.name, index, line)
                user.acked = index + 1
                reply = await self._reply(user, done)
                if reply is None:
                    user.status, user.silent_at = "silent", index
                    return
                pushed.reply_at = reply.at
                if user.think > 0 and index + 1 < len(user.script):
                    await asyncio.sleep(user.think)
            user.status = "done"
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug in the fake or in its use: visible on the user, never a crash
            log.exception("loopback user %s failed", user.chat_id)
            user.status, user.error = "error", repr(exc)
