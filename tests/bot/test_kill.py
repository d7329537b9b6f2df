"""The kill test: ``reportbot run`` workers (three on PostgreSQL, or one alone on SQLite) carry 200 simulated
staff filling the shipped report through the loopback provider, each update pushed to a random worker, while
random workers are SIGKILLed at random moments (at least 20 times) and restarted.

Afterwards: every answer is stored exactly once and in the order typed (the same rows, field by field, as a run
without crashes), no chat is left in silence (every user got a reply to every line and ends on the receipt),
and no chat got more duplicate messages than there were kills. The counts are printed.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from bot.runner import Runner, Update
from dialogs.events import Text
from tests.fakes import deployment
from tests.fakes.deployment import KILL_COUNTS
from tests.fakes.loopback import LoopbackServer
from tests.fakes.uow import FakeStore
from tests.storage.dbfixtures import pg_server  # noqa: F401

USERS = 200
KILLS = 20
LEASE = "5"


def _reference(lines: list[str]) -> tuple[list[tuple[str, Any]], tuple[str, ...]]:
    """The answer rows and the last reply of one commune when nothing crashes (the fake store)."""
    store = FakeStore()
    with store.uow() as uow:
        unit = uow.units.add("Xã Thử 0", now=deployment.NOW)
        from dialogs.template.loader import load_shipped

        version = uow.templates.ensure(load_shipped(), deployment.NOW)
        campaign = uow.campaigns.create(version, "Báo cáo thử", deployment.NOW.date(), deployment.NOW, [unit.id])
        uow.invites.create("KT000000", "reporter", unit.id, campaign.id, None, deployment.NOW)
        uow.commit()
    runner = Runner(None, lambda: deployment.NOW, uow=store.uow)
    last: tuple[str, ...] = ()
    for n, line in enumerate(["/start KT000000", *lines]):
        handled = runner.process(Update("loopback", str(n), "1000", "1000", Text(line)))
        last = handled.outgoing[-1].msgs if handled.outgoing else last
    rows = [(a.field_id, a.value) for a in sorted(store.rows("answers"), key=lambda a: a.id)]
    return rows, last


@pytest.fixture(params=[("sqlite", 1), ("postgresql", 3)], ids=["sqlite-1-worker", "postgresql-3-workers"])
def deployment_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, int]]:
    backend, workers = request.param
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path}/kill.db", workers
        return
    server = request.getfixturevalue("pg_server")
    schema = server.new_schema()
    yield make_url(server.url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False), workers


async def test_random_sigkills_lose_nothing_and_leave_no_chat_silent(
    deployment_url: tuple[str, int], tmp_path: Path
) -> None:
    url, count = deployment_url
    lines = deployment.script()
    expected_rows, expected_last = _reference(lines)
    codes = deployment.seed(url, USERS)
    rng = random.Random(8)
    kills = 0
    async with LoopbackServer(seed=8) as server:
        workers = [deployment.Worker(url, server.base_url, tmp_path, env={"REPORTBOT_LEASE_SECONDS": LEASE})
                   for _ in range(count)]
        try:
            await asyncio.gather(*(asyncio.to_thread(w.start) for w in workers))
            server.set_webhooks([w.webhook for w in workers])
            server.add_users(deployment.users(codes, lines, silence=45))
            started = time.monotonic()
            done = asyncio.create_task(server.wait_done(timeout=600))
            restarts: set[asyncio.Task[None]] = set()

            async def restart(worker: deployment.Worker) -> None:
                await asyncio.to_thread(worker.start)
                server.set_webhooks([w.webhook for w in workers if w.running])

            while kills < KILLS and not done.done():
                await asyncio.sleep(rng.uniform(0.3, 1.5))
                running = [w for w in workers if w.running]
                if not running:  # every worker is starting again: the next kill waits for one
                    continue
                victim = rng.choice(running)
                victim.kill()
                kills += 1
                server.set_webhooks([w.webhook for w in workers if w.running])
                task = asyncio.create_task(restart(victim))
                restarts.add(task)
                task.add_done_callback(restarts.discard)
            await asyncio.gather(*restarts)
            statuses = await done
            took = time.monotonic() - started
            for worker in workers:
                await asyncio.to_thread(worker.terminate)
        finally:
            for worker in workers:
                worker.kill()
        chats = [str(1000 + n) for n in range(USERS)]
        duplicates = {chat: server.duplicates(chat) for chat in chats}
        last = {chat: server.messages(chat)[-1].msgs if server.messages(chat) else () for chat in chats}
        stats = server.stats.as_dict()
        silent_at: dict[int, int] = {}
        for user in server.users.values():
            if user.silent_at is not None:
                silent_at[user.silent_at] = silent_at.get(user.silent_at, 0) + 1
    stored = deployment.answers(url)
    lost = sum(max(0, len(expected_rows) - len(stored.get(f"Xã Thử {n}", []))) for n in range(USERS))
    wrong = [name for name, rows in stored.items() if rows != expected_rows]
    twice = sum(len(rows) - len(expected_rows) for rows in stored.values() if len(rows) > len(expected_rows))
    silent = [chat for chat in chats if last[chat] != expected_last]
    turns = USERS * (len(lines) + 1)
    counts = (f"{count} worker(s) on {url.split(':')[0].split('+')[0]}: {USERS} users, {turns} turns in {took:.1f} s, "
              f"{kills} SIGKILLs; answers lost {lost}, stored twice {twice}, units with other rows {len(wrong)}; "
              f"duplicate messages {sum(duplicates.values())} (max {max(duplicates.values())} in a chat); "
              f"silent chats {len(silent)} (at line: users {dict(sorted(silent_at.items()))}); users {statuses}; "
              f"webhook retries {stats['retried_pushes']}")
    print("\nkill test, " + counts)
    for chat in silent[:3]:  # what a failing run saw, to find out why
        user = server.users[chat]
        print(f"silent chat {chat} at line {user.silent_at} ({user.script[user.silent_at or 0]!r}), "
              f"{len(server.messages(chat))} messages, last {last[chat]}")
        print("\n".join("  " + line for line in deployment.chat_rows(url, chat)[-12:]))
    if silent:
        problems: dict[str, int] = {}
        for log in tmp_path.glob("worker-*.err"):
            for line in log.read_text(errors="replace").splitlines():
                if "WARNING" in line or "ERROR" in line or "Traceback" in line:
                    key = line.split(" ", 2)[-1][:120]
                    problems[key] = problems.get(key, 0) + 1
        print("workers' warnings:", *sorted(problems.items(), key=lambda kv: -kv[1])[:15], sep="\n  ")
    KILL_COUNTS.append(counts)
    assert kills >= KILLS, "the run ended before the kills were done: make it longer"
    assert statuses == {"done": USERS}
    assert lost == 0 and twice == 0 and wrong == []
    assert silent == []
    assert max(duplicates.values()) <= kills
