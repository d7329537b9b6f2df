"""The loopback fake channel (:mod:`tests.fakes.loopback`) against a tiny echo bot written here.

The echo bot is an aiohttp app with ``/webhook/loopback``: it answers 200, then replies through sendMessage
(one message per turn by default, or the turn a test gives). Knobs make it misbehave like a real worker:
answer 500 to an update's first attempt, store and answer an update but stall past the push timeout (a
worker killed after its commit), take long to store an update (a slow commit), reply before its 200.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp import ClientSession, web

from tests.fakes.loopback import SECRET_HEADER, LoopbackServer, Received, User

#: A turn: (pause before it, text, buttons, msgs) for each message of a reply to what the user said.
Turn = Callable[[str], list[tuple[float, str, list[list[str]], list[str]]]]


def echo(said: str) -> list[tuple[float, str, list[list[str]], list[str]]]:
    return [(0.0, f"echo: {said}", [], ["echo"])]


class EchoBot:
    """A bot worker for the fake: dedupes updates by id, replies to each once, records what it saw."""

    def __init__(
        self,
        provider: str,
        *,
        secret: str | None = None,
        turn: Turn = echo,
        fail_first: bool = False,
        stall_first: float = 0.0,
        commit_delay: Callable[[dict[str, Any]], float] | None = None,
        late_ack: float = 0.0,
    ) -> None:
        self.provider, self.secret, self.turn = provider, secret, turn
        self.fail_first, self.stall_first = fail_first, stall_first
        self.commit_delay, self.late_ack = commit_delay, late_ack
        self.attempts: list[dict[str, Any]] = []  # every POST that passed the secret check
        self.updates: list[dict[str, Any]] = []  # each update once, in the order first stored
        self.secrets: list[str | None] = []
        self.errors: list[str] = []
        self._tried: set[int] = set()
        self._stored: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._outbox = 0

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/webhook/loopback", self.webhook)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0, backlog=1024).start()
        self.session = ClientSession()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/webhook/loopback"
        return self.url

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.session.close()
        await self._runner.cleanup()

    async def webhook(self, request: web.Request) -> web.Response:
        self.secrets.append(request.headers.get(SECRET_HEADER))
        if self.secret is not None and request.headers.get(SECRET_HEADER) != self.secret:
            return web.Response(status=401)
        update = await request.json()
        self.attempts.append(update)
        update_id = update["update_id"]
        first = update_id not in self._tried
        self._tried.add(update_id)
        if self.fail_first and first:
            return web.Response(status=500)
        if self.commit_delay is not None:
            await asyncio.sleep(self.commit_delay(update))
        if update_id not in self._stored:
            self._stored.add(update_id)
            self.updates.append(update)
            task = asyncio.create_task(self.answer(update))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            if (self.stall_first and first) or self.late_ack:
                await task
                await asyncio.sleep(self.stall_first if first and self.stall_first else self.late_ack)
        return web.Response(text="ok")

    async def answer(self, update: dict[str, Any]) -> None:
        said = update["text"] if "text" in update else "@" + update["data"]
        for pause, text, buttons, msgs in self.turn(said):
            await asyncio.sleep(pause)
            self._outbox += 1
            body = {
                "chat_id": update["chat_id"],
                "text": text,
                "buttons": buttons,
                "msgs": msgs,
                "outbox_id": self._outbox,
            }
            async with self.session.post(f"{self.provider}/sendMessage", json=body) as resp:
                if resp.status != 200:
                    self.errors.append(f"{resp.status} {await resp.text()}")


@asynccontextmanager
async def running(
    n: int = 1, *, server: dict[str, Any] | None = None, **bot: Any
) -> AsyncIterator[tuple[LoopbackServer, list[EchoBot]]]:
    """A loopback server pushing to ``n`` echo bots."""
    async with LoopbackServer(**(server or {})) as provider:
        bots = [EchoBot(provider.base_url, **bot) for _ in range(n)]
        provider.set_webhooks([await b.start() for b in bots])
        try:
            yield provider, bots
        finally:
            for b in bots:
                await b.stop()


def users(n: int, script: list[str], **kw: Any) -> list[User]:
    return [User(f"c{i}", f"u{i}", f"Người {i}", list(script), **kw) for i in range(n)]


def dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/webhook/loopback"


async def test_users_follow_their_scripts_across_two_workers() -> None:
    async with running(2) as (server, bots):
        server.add_users(users(20, ["xin chào", "@press:yes", "75"]))
        assert await server.wait_done(timeout=20) == {"done": 20}
        assert all(not b.errors for b in bots)
        assert all(b.updates for b in bots)  # a chat's updates spread across both workers
        for chat_id in server.users:
            assert [m.text for m in server.messages(chat_id)] == ["echo: xin chào", "echo: @yes", "echo: 75"]
            pushed = server.sent_updates(chat_id)
            assert [(p.text, p.data) for p in pushed] == [("xin chào", None), (None, "yes"), ("75", None)]
            assert [p.update_id for p in pushed] == sorted({p.update_id for p in pushed})
        every = [u for b in bots for u in b.updates]
        assert len({u["update_id"] for u in every}) == len(every) == 60
        assert {"user_id": "u3", "name": "Người 3", "data": "yes"}.items() <= next(
            u for u in every if u["chat_id"] == "c3" and "data" in u
        ).items()
        assert len(server.replies_latency()) == 60 and min(server.replies_latency()) >= 0
        stats = server.stats
        assert (stats.pushed, stats.acked, stats.retried_pushes, stats.accepted) == (60, 60, 0, 60)


async def test_the_secret_goes_in_a_header() -> None:
    async with running(1, secret="s3cret", server={"secret": "s3cret"}) as (server, bots):
        server.add_users(users(2, ["a", "b"]))
        assert await server.wait_done(timeout=10) == {"done": 2}
        assert set(bots[0].secrets) == {"s3cret"}


async def test_a_refused_connection_is_retried_until_a_worker_listens_on_a_new_port() -> None:
    async with LoopbackServer([dead_url()]) as server:
        server.add_users(users(3, ["a", "b"]))
        await asyncio.sleep(0.5)
        assert server.stats.acked == 0 and server.stats.retried_pushes >= 3
        assert server.stats.push_conn_errors == server.stats.pushed
        assert server.status_counts() == {"running": 3}
        bot = EchoBot(server.base_url)
        server.set_webhooks([await bot.start()])
        try:
            assert await server.wait_done(timeout=10) == {"done": 3}
            assert [m.text for m in server.messages("c1")] == ["echo: a", "echo: b"]
            assert server.sent_updates("c1")[0].attempts >= 2
        finally:
            await bot.stop()


async def test_users_go_on_when_a_worker_stops_and_another_starts_on_a_new_port() -> None:
    async with running(2) as (server, (gone, stays)):
        server.add_users(users(10, [f"line {i}" for i in range(6)], think=0.02))
        await asyncio.sleep(0.1)
        await gone._runner.cleanup()  # its port now refuses; its replies under way still go out
        new = EchoBot(server.base_url)
        server.set_webhooks([gone.url, stays.url, await new.start()])
        try:
            assert await server.wait_done(timeout=20) == {"done": 10}
            for chat_id in server.users:
                assert [m.text for m in server.messages(chat_id)] == [f"echo: line {i}" for i in range(6)]
            assert new.updates and gone.updates
        finally:
            await new.stop()


async def test_wait_done_gives_up_while_no_worker_answers() -> None:
    async with LoopbackServer([dead_url()]) as server:
        server.add_users(users(1, ["a"]))
        with pytest.raises(TimeoutError, match="1 of 1 users still running"):
            await server.wait_done(timeout=0.3)


async def test_a_non_200_answer_is_retried_with_the_same_update_id() -> None:
    async with running(1, fail_first=True) as (server, (bot,)):
        server.add_users(users(2, ["a", "b"]))
        assert await server.wait_done(timeout=10) == {"done": 2}
        tries = Counter(u["update_id"] for u in bot.attempts)
        assert len(tries) == 4 and set(tries.values()) == {2}
        assert server.stats.retried_pushes == server.stats.push_http_errors == 4 and len(bot.updates) == 4


async def test_a_reply_sent_before_a_timed_out_200_still_answers_the_line() -> None:
    # The worker stores the update and replies, then its 200 never comes (killed after the commit).
    async with running(1, stall_first=0.6, server={"push_timeout": 0.3}) as (server, (_bot,)):
        server.add_users(users(1, ["a", "b"], silence=3))
        assert await server.wait_done(timeout=10) == {"done": 1}
        assert [m.text for m in server.messages("c0")] == ["echo: a", "echo: b"]
        assert [p.attempts for p in server.sent_updates("c0")] == [2, 2]


async def test_a_user_waits_for_its_200_but_other_users_do_not() -> None:
    def slow_for_c0(update: dict[str, Any]) -> float:
        return 0.3 if update["chat_id"] == "c0" else 0.0

    async with running(1, commit_delay=slow_for_c0) as (server, _):
        slow, fast = users(2, ["a", "b", "c"])
        server.add_users([slow, fast])
        await asyncio.sleep(0.25)
        assert (slow.acked, fast.status) == (0, "done")
        assert await server.wait_done(timeout=10) == {"done": 2}
        pushed = server.sent_updates("c0")
        assert all(later.first_at >= earlier.acked_at for earlier, later in itertools.pairwise(pushed))


async def test_a_reply_before_the_200_is_taken_after_the_silence() -> None:
    async with running(1, late_ack=0.1) as (server, _):
        server.add_users(users(1, ["a", "b"], silence=0.3))
        assert await server.wait_done(timeout=10) == {"done": 1}
        assert server.stats.early_replies == 2 and [p.reply_at is not None for p in server.sent_updates("c0")] == [
            True,
            True,
        ]


def two_messages(said: str) -> list[tuple[float, str, list[list[str]], list[str]]]:
    return [(0.0, f"saved {said}", [], ["saved"]), (0.15, "next?", [["Yes", "yes"]], ["ask"])]


@pytest.mark.parametrize("after", ["buttons", "ask", "first"])
async def test_a_user_goes_on_after_the_first_message_or_the_one_it_waits_for(after: str) -> None:
    async with running(1, turn=two_messages) as (server, _):
        server.add_users(users(1, ["a", "b"], after=after))
        assert await server.wait_done(timeout=10) == {"done": 1}
        await asyncio.sleep(0.3)  # a user that goes on after the first message is done before the last one
        got = server.messages("c0")
        saved, asked = got[0], next(m for m in got if m.text == "next?")
        assert saved.text == "saved a"
        second_line = server.sent_updates("c0")[1]
        assert second_line.first_at >= (saved if after == "first" else asked).at
        assert (second_line.first_at < asked.at) == (after == "first")


async def test_a_predicate_says_which_message_a_user_waits_for() -> None:
    def asks(message: Received) -> bool:
        return message.text.endswith("?")

    async with running(1, turn=two_messages) as (server, _):
        (user,) = users(1, ["a", "b"], after=asks)
        server.add_users([user])
        assert await server.wait_done(timeout=10) == {"done": 1}
        assert server.sent_updates("c0")[1].first_at >= server.messages("c0")[1].at


async def test_a_line_without_reply_leaves_the_user_silent_there() -> None:
    def mute(said: str) -> list[tuple[float, str, list[list[str]], list[str]]]:
        return [] if said == "mute" else echo(said)

    async with running(1, turn=mute) as (server, _):
        server.add_users([*users(1, ["a", "mute", "c"], silence=0.3), User("x", "ux", "X", ["a"])])
        assert await server.wait_done(timeout=10) == {"done": 1, "silent": 1}
        assert (server.users["c0"].silent_at, server.users["c0"].acked) == (1, 2)
        assert len(server.replies_latency()) == 2


async def test_duplicates_redeliver_acknowledged_updates() -> None:
    async with running(1, server={"duplicates": 1.0}) as (server, (bot,)):
        server.add_users(users(2, ["a", "b"]))
        assert await server.wait_done(timeout=10) == {"done": 2}
        ids = [u["update_id"] for u in bot.attempts]
        assert len(ids) == 8 and len(set(ids)) == len(bot.updates) == 4
        assert server.stats.redelivered == 4 and all(p.redelivered == 1 for p in server.sent_updates("c0"))
        assert [m.text for m in server.messages("c0")] == ["echo: a", "echo: b"]


async def test_push_sends_one_update_outside_a_script() -> None:
    async with running(1) as (server, (bot,)):
        pushed = await server.push("c9", "u9", "Chín", "@press:go")
        assert (pushed.data, pushed.text, pushed.line) == ("go", None, -1)
        assert bot.updates == [
            {"update_id": pushed.update_id, "chat_id": "c9", "user_id": "u9", "name": "Chín", "data": "go"}
        ]


# -- sendMessage ----------------------------------------------------------------------------------------------


def send(chat_id: str, outbox_id: int, text: str = "hi", **extra: Any) -> dict[str, Any]:
    return {"chat_id": chat_id, "text": text, "buttons": [], "msgs": ["m"], "outbox_id": outbox_id} | extra


@asynccontextmanager
async def client(**kw: Any) -> AsyncIterator[tuple[LoopbackServer, Callable[..., Any]]]:
    async with LoopbackServer(**kw) as server, ClientSession() as session:

        async def post(body: Any) -> tuple[int, dict[str, Any]]:
            async with session.post(f"{server.base_url}/sendMessage", json=body) as resp:
                return resp.status, await resp.json()

        yield server, post


async def test_send_message_records_what_it_accepts() -> None:
    async with client() as (server, post):
        one = await post(send("c1", 7, "Câu 1", buttons=[["Có", "yes"], ["Không", "no"]], msgs=["ask", "hint"]))
        two = await post(send("c1", 8))
        assert one[0] == two[0] == 200 and two[1]["result"]["message_id"] > one[1]["result"]["message_id"]
        first = server.messages("c1")[0]
        assert (first.text, first.buttons, first.msgs, first.outbox_id) == (
            "Câu 1",
            (("Có", "yes"), ("Không", "no")),
            ("ask", "hint"),
            7,
        )
        assert server.stats.accepted == 2 and server.messages("other") == []


async def test_a_blocked_chat_answers_403_and_records_nothing() -> None:
    async with client() as (server, post):
        server.block("c1")
        assert await post(send("c1", 1)) == (
            403,
            {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"},
        )
        assert (await post(send("c2", 2)))[0] == 200
        server.block("c1", False)
        assert (await post(send("c1", 3)))[0] == 200
        assert [m.outbox_id for m in server.messages("c1")] == [3] and server.stats.http_403 == 1


async def test_fail_next_fails_that_many_sends_of_the_chat() -> None:
    async with client() as (server, post):
        server.fail_next("c1", 1, status=429, retry_after=3)
        status, body = await post(send("c1", 1))
        assert (status, body["parameters"]) == (429, {"retry_after": 3, "scope": "chat"})
        server.fail_next("c1", 2, status=500)
        assert [(await post(send("c1", 1)))[0] for _ in range(3)] == [500, 500, 200]
        assert (server.stats.http_429, server.stats.http_500, len(server.messages("c1"))) == (1, 2, 1)
        with pytest.raises(ValueError):
            server.fail_next("c1", 1, status=403)


async def test_the_per_chat_flood_limit_answers_429_with_the_wait_it_needs() -> None:
    async with client(chat_rate=0.5, chat_burst=2) as (server, post):
        assert [(await post(send("c1", i)))[0] for i in range(2)] == [200, 200]
        status, body = await post(send("c1", 3))
        assert (status, body["parameters"]) == (429, {"retry_after": 2, "scope": "chat"})
        assert (await post(send("c2", 4)))[0] == 200
        assert len(server.messages("c1")) == 2


async def test_the_global_flood_limit_answers_429_global() -> None:
    async with client(rate=2) as (server, post):
        assert [(await post(send(f"c{i}", i)))[0] for i in range(2)] == [200, 200]
        status, body = await post(send("c9", 9))
        assert (status, body["parameters"]) == (429, {"retry_after": 1, "scope": "global"})
        assert server.stats.http_429 == 1


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"text": "x", "outbox_id": 1},
        send("c1", 1, buttons=[["only label"]]),
        send("c1", 1, msgs=[1]),
        send("c1", 1) | {"outbox_id": "1"},
    ],
)
async def test_a_malformed_send_is_refused_loudly(body: Any) -> None:
    async with client() as (server, post):
        status, answer = await post(body)
        assert (status, answer["ok"], server.stats.http_400, server.stats.accepted) == (400, False, 1, 0)


async def test_duplicates_counts_repeated_deliveries_of_one_outbox_row() -> None:
    async with client() as (server, post):
        for outbox_id in [1, 1, 2, 3, 3, 3]:
            await post(send("c1", outbox_id))
        assert (server.duplicates("c1"), server.duplicates("c2")) == (3, 0)


async def test_healthz() -> None:
    async with client() as (server, _), ClientSession() as session, session.get(f"{server.base_url}/healthz") as resp:
        assert (resp.status, await resp.json()) == (200, {"ok": True})
