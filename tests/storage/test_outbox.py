"""The outbox: each chat's messages first in, first out, one head at a time; leased, retried, given up,
superseded when a reply in doubt is no longer the chat's latest; disjoint between senders."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from typing import Any

import pytest

from storage.errors import NotFound

LEASE = timedelta(seconds=15)


def test_only_each_chats_oldest_message_is_offered(db, now: datetime) -> None:
    with db.uow() as uow:
        ids = [uow.outbox.add("telegram", "1001", {"text": f"m{i}"}, now) for i in range(3)]
        zalo = uow.outbox.add("zalo", "z1", {"text": "zalo"}, now)
        uow.commit()
    assert ids == sorted(ids)
    with db.uow() as uow:
        assert [row.payload["text"] for row in uow.outbox.pending(now)] == ["m0", "zalo"]
        assert [row.payload["text"] for row in uow.outbox.pending(now, channel="telegram")] == ["m0"]
        uow.outbox.mark_sent(ids[0], now, provider_id="77")
        uow.outbox.mark_sent_as([(ids[0], "78"), (ids[1], None)], now)  # ids[0] was already sent: kept as it was
        uow.commit()
    with db.uow() as uow:
        assert [row.id for row in uow.outbox.pending(now)] == [ids[2], zalo]
        sent = uow.outbox.get(ids[0])
        assert (sent.sent_at, sent.attempts, sent.provider_id) == (now, 1, "77")
        assert uow.outbox.unsent_count() == 2
        assert uow.outbox.busy_chats("telegram", ["1001", "1002"]) == {"1001": {None}}


def test_a_failed_message_blocks_its_chat_until_due_or_given_up(db, now: datetime) -> None:
    with db.uow() as uow:
        retry = uow.outbox.add("telegram", "1", {"text": "retry"}, now)
        after = uow.outbox.add("telegram", "1", {"text": "after"}, now)
        dead = uow.outbox.add("telegram", "2", {"text": "dead"}, now)
        nxt = uow.outbox.add("telegram", "2", {"text": "next"}, now)
        uow.outbox.retry_later(retry, "429 Too Many Requests: retry after 5", now + timedelta(seconds=5), None)
        uow.outbox.give_up(dead, "403 Forbidden: bot was blocked by the user", now)
        uow.commit()
    with db.uow() as uow:
        assert [r.id for r in uow.outbox.pending(now)] == [nxt]  # chat 1 waits; chat 2 goes on past the dead one
        due = uow.outbox.pending(now + timedelta(seconds=5))
        assert [(r.id, r.attempts, (r.last_error or "")[:3]) for r in due] == [(retry, 1, "429"), (nxt, 0, "")]
        assert after not in [r.id for r in due]
        given_up = uow.outbox.get(dead)
        assert given_up.gave_up_at == now and given_up.sent_at is None
        assert [r.id for r in uow.outbox.given_up()] == [dead]
        with pytest.raises(NotFound):
            uow.outbox.give_up(10_000, "x", now)


def test_a_leased_message_is_nobody_elses_until_the_lease_runs_out(db, now: datetime) -> None:
    with db.uow() as uow:
        held = uow.outbox.add("telegram", "1", {"text": "reply"}, now, turn=10, lease=("a", now + LEASE))
        uow.commit()
    with db.uow() as uow:
        assert uow.outbox.claim(now, "b", now + LEASE) == []
        assert uow.outbox.renew([held], "a", now + 2 * LEASE) == 1
        assert uow.outbox.renew([held], "b", now + 3 * LEASE) == 0  # only the holder renews
        uow.commit()
    later = now + LEASE + timedelta(seconds=1)
    with db.uow() as uow:
        assert uow.outbox.claim(later, "b", later + LEASE) == []  # renewed: still a's
        late = now + 2 * LEASE + timedelta(seconds=1)
        taken = uow.outbox.claim(late, "b", late + LEASE)  # in doubt, still the chat's latest: sent again
        assert [(r.id, r.lease_owner) for r in taken] == [(held, "b")]
        uow.commit()


def test_a_reply_in_doubt_is_superseded_by_a_newer_turns_reply(db, now: datetime) -> None:
    with db.uow() as uow:
        stale = uow.outbox.add("telegram", "1", {"text": "old question"}, now, turn=10, lease=("dead", now + LEASE))
        same_turn = uow.outbox.add("telegram", "1", {"text": "old, part 2"}, now, turn=10, lease=("dead", now + LEASE))
        newer = uow.outbox.add("telegram", "1", {"text": "new question"}, now, turn=11)
        other = uow.outbox.add("telegram", "2", {"text": "alone"}, now, turn=12, lease=("dead", now + LEASE))
        uow.commit()
    late = now + LEASE + timedelta(seconds=1)
    with db.uow() as uow:
        first = uow.outbox.claim(late, "b", late + LEASE)
        # Chat 1's head and the rest of its turn were stale: superseded, not sent; the newer reply is taken.
        assert [r.id for r in first] == [other, newer]
        uow.commit()
    with db.uow() as uow:
        assert uow.outbox.get(stale).superseded_at == late
        assert uow.outbox.get(same_turn).superseded_at == late


def test_concurrent_senders_take_disjoint_chats(db, now: datetime) -> None:
    """PostgreSQL skips rows another sender holds; SQLite makes the second sender wait its turn."""
    with db.uow() as uow:
        ids = [uow.outbox.add("telegram", str(i), {"n": i}, now) for i in range(5)]
        uow.commit()
    taken: dict[str, Any] = {}

    def second_sender() -> None:
        with db.uow() as uow:
            rows = uow.outbox.claim(now, "b", now + LEASE, limit=10)
            taken["b"] = [row.id for row in rows]
            uow.commit()
            taken["b_done"] = time.monotonic()

    with db.uow() as first:
        taken["a"] = [row.id for row in first.outbox.claim(now, "a", now + LEASE, limit=2)]
        thread = threading.Thread(target=second_sender)
        thread.start()
        time.sleep(0.3)
        a_done = time.monotonic()
        first.commit()
    thread.join(10)
    if db.backend == "postgresql":
        assert taken["b_done"] < a_done, "SKIP LOCKED: the second sender must not wait for the first"
    else:
        assert taken["b_done"] > a_done, "SQLite: the second sender runs after the first commits"
    assert taken["a"] == ids[:2]
    assert sorted(taken["b"]) == ids[2:]


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
