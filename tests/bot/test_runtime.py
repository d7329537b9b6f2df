"""The channel runtime over the loopback fake provider: per-chat order under concurrency, duplicates ignored,
``retry_after`` honoured in order, permanent failures given up and visible, the webhook secret, SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import aiohttp
import pytest

from bot.pacing import Limits
from tests.bot.runtime_world import world
from tests.fakes import deployment
from tests.fakes.loopback import LoopbackServer

#: The first questions of the shipped report, typed the hurried way (commands without diacritics).
OPENING = ["Tình hình chung của xã ổn định.", "xong", "khong co", "75", "650"]


def _msgs(server: LoopbackServer, chat: str) -> list[tuple[str, ...]]:
    return [m.msgs for m in server.messages(chat)]


async def test_many_chats_at_once_each_in_order_with_redeliveries_ignored(tmp_path: Path) -> None:
    async with world(tmp_path, units=30, duplicates=0.3) as w:
        w.server.add_users(deployment.users(w.codes, OPENING, silence=20))
        assert await w.server.wait_done(timeout=90) == {"done": 30}
        assert w.server.stats.redelivered > 0
        async with aiohttp.ClientSession() as http, http.get(w.webhook.replace("/webhook/loopback",
                                                                                "/metrics")) as answer:
            metrics = await answer.text()
        for name in ("reportbot_updates_total", "reportbot_turn_seconds_count", "reportbot_reply_seconds_count",
                     "reportbot_sends_total", "reportbot_outbox_depth", "reportbot_outbox_oldest_seconds",
                     "reportbot_inbox_waiting", "reportbot_batch_updates_count"):
            assert name in metrics, name
        replies = next(line for line in metrics.splitlines() if line.startswith("reportbot_reply_seconds_count"))
        assert float(replies.split()[-1]) >= 30 * len(OPENING)
        expected = _msgs(w.server, "1000")
        for n in range(30):
            chat = str(1000 + n)
            assert _msgs(w.server, chat) == expected, f"chat {chat} got other replies"
            assert w.server.duplicates(chat) == 0
    stored = deployment.answers(w.url)
    assert len(stored) == 30
    first = stored["Xã Thử 0"]
    assert all(rows == first for rows in stored.values())  # same answers, in the same order, none twice
    assert len(first) == len({field for field, _ in first})


async def test_a_burst_of_messages_is_applied_in_the_order_typed(tmp_path: Path) -> None:
    """A hurried user sends paragraphs without waiting for replies: they are kept in the order sent."""
    async with world(tmp_path, units=2) as w:
        await w.server.push("1000", "1000", "An", f"/start {w.codes[0]}")
        parts = [f"Đoạn {n} của báo cáo." for n in range(8)]
        for part in [*parts, "xong"]:
            await w.server.push("1000", "1000", "An", part)
        await _until(lambda: any("engine.text_saved" in m.msgs for m in w.server.messages("1000")))
    stored = dict(deployment.answers(w.url)["Xã Thử 0"])
    assert str(next(iter(stored.values()))).split("\n") == parts


async def test_a_send_refused_with_retry_after_goes_out_after_it_and_in_order(tmp_path: Path) -> None:
    async with world(tmp_path, units=1) as w:
        w.server.fail_next("1000", 1, status=429, retry_after=1)
        started = time.monotonic()
        w.server.add_users(deployment.users(w.codes, OPENING[:3], silence=20))
        assert await w.server.wait_done(timeout=30) == {"done": 1}
        got = w.server.messages("1000")
        assert w.server.stats.http_429 == 1
        assert got[0].at - started >= 1.0  # the first reply waited for retry_after
        assert [m.outbox_id for m in got] == sorted(m.outbox_id for m in got)  # and nothing overtook it
        assert w.server.duplicates("1000") == 0


async def test_a_blocked_user_is_given_up_with_the_reason_and_others_go_on(tmp_path: Path) -> None:
    async with world(tmp_path, units=2) as w:
        w.server.block("1001")
        w.server.add_users(deployment.users(w.codes[:1], OPENING[:2], silence=20))
        await w.server.push("1001", "1001", "Bình", f"/start {w.codes[1]}")
        assert await w.server.wait_done(timeout=30) == {"done": 1}
        await _until(lambda: w.server.stats.http_403 >= 1)
        await _until(lambda: _given_up(w))
        with w.uow() as uow:
            gone = uow.outbox.given_up()
        assert [(row.chat_id, (row.last_error or "")[:3]) for row in gone] == [("1001", "403")]
        assert w.server.stats.http_403 == 1  # not retried
        # The department sees whom the bot could not reach, and why.
        with w.uow() as uow:
            uow.invites.create("SO000001", "department", None, None, None, deployment.NOW)
            uow.commit()
        await w.server.push("9", "9", "Sở", "/start SO000001")
        await w.server.push("9", "9", "Sở", "/tiendo")
        await _until(lambda: any("bot.dept.undelivered" in m.msgs for m in w.server.messages("9")))
        notice = next(m.text for m in w.server.messages("9") if "bot.dept.undelivered" in m.msgs)
        assert "Bình (Xã Thử 1, loopback): đã chặn bot" in notice


def _given_up(w: object) -> bool:
    with w.uow() as uow:  # type: ignore[attr-defined]
        return bool(uow.outbox.given_up())


async def test_a_transient_failure_is_retried_with_backoff(tmp_path: Path) -> None:
    async with world(tmp_path, units=1) as w:
        w.server.fail_next("1000", 2, status=500)
        w.server.add_users(deployment.users(w.codes, OPENING[:2], silence=30))
        assert await w.server.wait_done(timeout=40) == {"done": 1}
        assert w.server.stats.http_500 == 2 and w.server.duplicates("1000") == 0


async def test_a_wrong_webhook_secret_is_refused_and_nothing_is_kept(tmp_path: Path) -> None:
    async with world(tmp_path, units=1, secret="s3cret") as w:
        async with aiohttp.ClientSession() as http:
            body = {"update_id": 1, "chat_id": "9", "user_id": "9", "text": "xin chao"}
            for headers in ({}, {"X-Loopback-Secret": "wrong"}):
                async with http.post(w.webhook, json=body, headers=headers) as answer:
                    assert answer.status == 401
            async with http.get(w.webhook.replace("/webhook/loopback", "/metrics")) as answer:
                assert "reportbot_updates" in await answer.text()
        with w.uow() as uow:
            assert uow.inbox.waiting() == 0 and not uow.inbox.seen("loopback", "1")
        w.server.add_users(deployment.users(w.codes, OPENING[:1], silence=20))
        assert await w.server.wait_done(timeout=30) == {"done": 1}  # the right secret goes through


async def test_flood_limits_pace_the_sends_without_429s(tmp_path: Path) -> None:
    # The bot paces a little under the provider's limit (network jitter would otherwise cost 429s).
    limits = Limits(rate=0, chat_rate=1.8, chat_burst=1)
    async with world(tmp_path, units=1, limits=limits, chat_rate=2, chat_burst=1) as w:
        await w.server.push("1000", "1000", "An", f"/start {w.codes[0]}")
        for line in OPENING[:4]:
            await w.server.push("1000", "1000", "An", line)
        await _until(lambda: len(w.server.messages("1000")) >= 5, timeout=20)
        assert w.server.stats.http_429 == 0
        times = [m.at for m in w.server.messages("1000")]
        assert times[-1] - times[0] >= 4 / 1.8 - 0.1  # 5 messages at 1.8 per second


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_sigterm_loses_nothing(tmp_path: Path, backend: str) -> None:
    """A graceful stop in the middle of traffic: intake stops, the batch finishes, the senders flush; after a
    restart every user finishes with no message lost and none twice."""
    url = f"sqlite:///{tmp_path}/r.db"
    codes = deployment.seed(url, 20)
    lines = deployment.script()[:12]
    async with LoopbackServer() as server:
        worker = deployment.Worker(url, server.base_url, tmp_path)
        await asyncio.to_thread(worker.start)
        server.set_webhooks([worker.webhook])
        server.add_users(deployment.users(codes, lines, silence=40))
        await _until(lambda: server.stats.accepted >= 60, timeout=30)
        assert await asyncio.to_thread(worker.terminate) == 0
        await asyncio.to_thread(worker.start)
        server.set_webhooks([worker.webhook])
        assert await server.wait_done(timeout=90) == {"done": 20}
        for n in range(20):
            assert server.duplicates(str(1000 + n)) == 0
        await asyncio.to_thread(worker.terminate)
    stored = deployment.answers(url)
    assert all(rows == stored["Xã Thử 0"] for rows in stored.values()) and len(stored) == 20
    # The operations log says what happened without a code or an answer's words.
    logged = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("worker-*.err"))
    assert "listening on" in logged and "stopping" in logged
    assert not any(code in logged for code in codes)
    assert not any(line in logged for line in lines if len(line) > 12)


async def _until(condition: object, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.05)


async def test_the_database_process_carries_the_turns_and_is_replaced_when_killed(tmp_path: Path) -> None:
    # REPORTBOT_DB_PROCESS: the cycles run in a spawned process; killed outright mid-conversation, it is replaced
    # and every chat still ends with each answer stored once, in order.
    async with world(tmp_path, units=10, cycle_process=True) as w:
        pool = w.runtime._cycles
        assert pool is not None
        w.server.add_users(deployment.users(w.codes, OPENING, silence=30))
        deadline = time.monotonic() + 60
        while sum(len(w.server.messages(str(1000 + n))) for n in range(10)) < 15:
            assert time.monotonic() < deadline, "no replies from the database process"
            await asyncio.sleep(0.05)
        first = pool.process.pid
        assert first is not None and first != os.getpid()
        os.kill(first, signal.SIGKILL)
        assert await w.server.wait_done(timeout=120) == {"done": 10}
        replaced = w.runtime._cycles
        assert replaced is not None and replaced is not pool
        assert replaced.process.pid != first and replaced.process.is_alive() and pool.lost
        expected = _msgs(w.server, "1000")
        assert all(_msgs(w.server, str(1000 + n))[-1] == expected[-1] for n in range(10))
    stored = deployment.answers(w.url)
    assert len(stored) == 10
    first_rows = stored["Xã Thử 0"]
    assert all(rows == first_rows for rows in stored.values())
    assert len(first_rows) == len({field for field, _ in first_rows})
