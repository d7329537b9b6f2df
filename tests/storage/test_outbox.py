"""The outbox: pending oldest first, marked once, retried later, disjoint between workers."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from typing import Any

import pytest

from storage.errors import NotFound


def test_pending_is_oldest_first_and_mark_sent_removes(db, now: datetime) -> None:
    with db.uow() as uow:
        ids = [uow.outbox.add("telegram", "1001", {"text": f"m{i}"}, now) for i in range(3)]
        uow.outbox.add("zalo", "z1", {"text": "zalo"}, now)
        uow.commit()
    assert ids == sorted(ids)
    with db.uow() as uow:
        pending = uow.outbox.pending(now, channel="telegram")
        assert [row.payload["text"] for row in pending] == ["m0", "m1", "m2"]
        uow.outbox.mark_sent(ids[0], now)
        assert uow.outbox.mark_sent_many(ids[:2], now) == 1  # ids[0] was already sent
        uow.commit()
    with db.uow() as uow:
        assert [row.id for row in uow.outbox.pending(now)] == [ids[2], ids[2] + 1]
        sent = uow.outbox.get(ids[0])
        assert (sent.sent_at, sent.attempts) == (now, 1)
        assert uow.outbox.unsent_count() == 2


def test_a_failed_message_waits_then_comes_back_or_is_given_up(db, now: datetime) -> None:
    with db.uow() as uow:
        retry = uow.outbox.add("telegram", "1", {"text": "retry"}, now)
        dead = uow.outbox.add("telegram", "2", {"text": "dead"}, now)
        uow.outbox.mark_failed(retry, "429 Too Many Requests: retry after 5", now, now + timedelta(seconds=5))
        uow.outbox.mark_failed(dead, "403 Forbidden: bot was blocked by the user", now, None)
        uow.commit()
    with db.uow() as uow:
        assert uow.outbox.pending(now) == []
        due = uow.outbox.pending(now + timedelta(seconds=5))
        assert [(r.id, r.attempts, r.last_error[:3]) for r in due] == [(retry, 1, "429")]
        given_up = uow.outbox.get(dead)
        assert given_up.gave_up_at == now and given_up.sent_at is None
        with pytest.raises(NotFound):
            uow.outbox.mark_failed(10_000, "x", now, None)


def test_concurrent_senders_take_disjoint_rows(db, now: datetime) -> None:
    """PostgreSQL skips rows another sender holds; SQLite makes the second sender wait its turn."""
    with db.uow() as uow:
        ids = [uow.outbox.add("telegram", "1", {"n": i}, now) for i in range(5)]
        uow.commit()
    taken: dict[str, Any] = {}

    def second_sender() -> None:
        with db.uow() as uow:
            rows = uow.outbox.pending(now, limit=10)
            taken["b"] = [row.id for row in rows]
            uow.outbox.mark_sent_many(taken["b"], now)
            uow.commit()
            taken["b_done"] = time.monotonic()

    with db.uow() as first:
        taken["a"] = [row.id for row in first.outbox.pending(now, limit=2)]
        thread = threading.Thread(target=second_sender)
        thread.start()
        time.sleep(0.3)
        first.outbox.mark_sent_many(taken["a"], now)
        a_done = time.monotonic()
        first.commit()
    thread.join(10)
    if db.backend == "postgresql":
        assert taken["b_done"] < a_done, "SKIP LOCKED: the second sender must not wait for the first"
    else:
        assert taken["b_done"] > a_done, "SQLite: the second sender runs after the first commits"
    assert taken["a"] == ids[:2]
    assert sorted(taken["b"]) == ids[2:]
    with db.uow() as uow:
        assert uow.outbox.pending(now) == []
        assert all(uow.outbox.get(i).attempts == 1 for i in ids)  # each sent exactly once


def test_payload_and_conversation_link(db, seed, now: datetime) -> None:
    payload = {"kind": "ask", "text": "Số tập thể được khen thưởng?", "options": ["Có", "Không có"]}
    with db.uow() as uow:
        report = uow.reports.get_or_create(seed.campaign, seed.unit_a, now)
        conv, _ = uow.conversations.get_or_create(
            seed.person, report.id, channel="telegram", chat_id="1001", state={}, now=now
        )
        outbox_id = uow.outbox.add("telegram", 1001, payload, now, conversation_id=conv.id)
        uow.commit()
    with db.uow() as uow:
        row = uow.outbox.get(outbox_id)
    assert (row.payload, row.chat_id, row.conversation_id) == (payload, "1001", conv.id)
