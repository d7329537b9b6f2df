"""Conversations and update ids: dedupe, optimistic versions, row locks between workers."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from storage.errors import ConcurrencyError


def in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    """Start ``work`` in a thread; the dict gets its "result" or "error"."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = work()
        except Exception as error:
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_claim_dedupes_an_update(db, now: datetime) -> None:
    with db.uow() as uow:
        assert uow.updates.claim("telegram", 42, now) is True
        assert uow.updates.claim("telegram", "42", now) is False  # same id, int or str
        assert uow.updates.claim("zalo", 42, now) is True  # ids are per channel
        uow.commit()
    with db.uow() as uow:
        assert uow.updates.claim("telegram", 42, now) is False
        assert uow.updates.seen("zalo", "42")


def test_a_rolled_back_claim_can_be_claimed_again(db, now: datetime) -> None:
    """A crash before commit must not swallow the update: its redelivery is processed."""
    with db.uow() as uow:
        assert uow.updates.claim("telegram", "9", now)
    with db.uow() as uow:
        assert uow.updates.claim("telegram", "9", now)


@pytest.mark.parametrize("first_commits", [True, False], ids=["first-commits", "first-rolls-back"])
def test_two_concurrent_claims_never_both_succeed(db, now: datetime, first_commits: bool) -> None:
    with db.uow() as first:
        assert first.updates.claim("telegram", "77", now)

        def second() -> bool:
            with db.uow() as uow:
                won = uow.updates.claim("telegram", "77", now)
                uow.commit()
                return won

        thread, outcome = in_thread(second)
        time.sleep(0.3)  # the second claim is now waiting on the first transaction
        assert thread.is_alive()
        if first_commits:
            first.commit()
        else:
            first.rollback()
    thread.join(10)
    assert "error" not in outcome, outcome
    assert outcome["result"] is (not first_commits)


def test_create_get_and_save_bump_the_version(db, seed, now: datetime) -> None:
    with db.uow() as uow:
        conv = uow.conversations.create("telegram", "1001", seed.person, {"step": "start"}, now)
        assert conv.state_version == 1
        assert uow.conversations.save(conv, {"step": "q1"}, now, campaign_id=seed.campaign) == 2
        uow.commit()
    with db.uow() as uow:
        conv = uow.conversations.get("telegram", "1001")
        assert conv is not None
        assert (conv.state, conv.state_version, conv.campaign_id) == ({"step": "q1"}, 2, seed.campaign)
        assert uow.conversations.save(conv, {"step": "q2"}, now) == 3
        assert conv.campaign_id == seed.campaign  # not given: kept
        uow.commit()
        history = uow.conversations.history(conv.id)
    assert [(h.state_version, h.state["step"]) for h in history] == [(1, "start"), (2, "q1"), (3, "q2")]
    with db.uow() as uow:
        assert uow.conversations.get("telegram", "unknown") is None


def test_links_set_as_attributes_are_saved_with_the_state(db, seed, now: datetime) -> None:
    """The runner may set ``conv.campaign_id`` directly before ``save``: one UPDATE writes both."""
    with db.uow() as uow:
        uow.conversations.create("telegram", "2002", seed.person, {}, now)
        uow.commit()
    with db.uow() as uow:
        conv = uow.conversations.get("telegram", "2002")
        assert conv is not None
        conv.campaign_id, conv.unit_id = seed.campaign, seed.unit_a
        uow.conversations.save(conv, {"step": "q1"}, now)
        assert not uow.session.dirty  # nothing left for a second UPDATE at commit
        uow.commit()
    with db.uow() as uow:
        conv = uow.conversations.get("telegram", "2002")
        assert conv is not None
        assert (conv.campaign_id, conv.unit_id, conv.state_version) == (seed.campaign, seed.unit_a, 2)


def test_creating_an_existing_conversation_is_a_concurrency_error(db, now: datetime) -> None:
    with db.uow() as uow:
        uow.conversations.create("zalo", "c1", None, {}, now)
        with pytest.raises(ConcurrencyError):
            uow.conversations.create("zalo", "c1", None, {}, now)
        # The savepoint kept the first row: the transaction goes on.
        assert uow.conversations.get("zalo", "c1") is not None


def test_get_or_create_creates_once(db, now: datetime) -> None:
    with db.uow() as uow:
        conv, created = uow.conversations.get_or_create("zalo", "c2", person_id=None, state={"a": 1}, now=now)
        again, created_again = uow.conversations.get_or_create(
            "zalo", "c2", person_id=None, state={"a": 2}, now=now
        )
        assert (created, created_again) == (True, False)
        assert again.id == conv.id and again.state == {"a": 1}
        uow.commit()


def test_a_stale_save_raises_concurrency_error(db, now: datetime) -> None:
    """Worker A read version 1, worker B saved version 2 meanwhile: A's save is refused, unwritten."""
    with db.uow() as uow:
        uow.conversations.create("telegram", "5", None, {"n": 0}, now)
        uow.commit()
    with db.uow() as a:
        stale = a.conversations.get("telegram", "5", for_update=False)
        a.commit()
    with db.uow() as b:
        fresh = b.conversations.get("telegram", "5")
        assert fresh is not None
        b.conversations.save(fresh, {"n": "by B"}, now)
        b.commit()
    with db.uow() as a:
        assert stale is not None and stale.state_version == 1
        with pytest.raises(ConcurrencyError):
            a.conversations.save(stale, {"n": "by A"}, now)
        a.commit()
    with db.uow() as check:
        row = check.conversations.get("telegram", "5")
        assert row is not None and (row.state, row.state_version) == ({"n": "by B"}, 2)


def test_overlapping_unlocked_saves_conflict(db, now: datetime) -> None:
    """PostgreSQL, two open transactions without the row lock: the second writer is refused."""
    if db.backend == "sqlite":
        pytest.skip("SQLite transactions never overlap (BEGIN IMMEDIATE): see the stale-save test")
    with db.uow() as uow:
        uow.conversations.create("telegram", "6", None, {"n": 0}, now)
        uow.commit()
    with db.uow() as a, db.uow() as b:
        conv_a = a.conversations.get("telegram", "6", for_update=False)
        conv_b = b.conversations.get("telegram", "6", for_update=False)
        assert conv_a is not None and conv_b is not None
        b.conversations.save(conv_b, {"n": "B"}, now)
        b.commit()
        with pytest.raises(ConcurrencyError):
            a.conversations.save(conv_a, {"n": "A"}, now)


def test_the_row_lock_serialises_two_workers(db, now: datetime) -> None:
    """Two workers handle the same chat at once: the second waits, then sees the first's state."""
    with db.uow() as uow:
        uow.conversations.create("telegram", "8", None, {"count": 0, "by": []}, now)
        uow.commit()
    spans: dict[str, tuple[float, float]] = {}

    def worker(name: str) -> int:
        with db.uow() as uow:
            conv = uow.conversations.get("telegram", "8", for_update=True)
            assert conv is not None
            locked_at = time.monotonic()
            time.sleep(0.25)  # work done while holding the lock
            state = {"count": conv.state["count"] + 1, "by": [*conv.state["by"], name]}
            version = uow.conversations.save(conv, state, now)
            spans[name] = (locked_at, time.monotonic())  # the lock is held until the commit below
            uow.commit()
            return version

    threads = [in_thread(lambda n=name: worker(n)) for name in ("w1", "w2")]
    for thread, _ in threads:
        thread.join(20)
    outcomes = [outcome for _, outcome in threads]
    assert all("error" not in o for o in outcomes), outcomes
    assert sorted(o["result"] for o in outcomes) == [2, 3]
    with db.uow() as uow:
        conv = uow.conversations.get("telegram", "8")
        assert conv is not None and conv.state["count"] == 2 and sorted(conv.state["by"]) == ["w1", "w2"]
    (_, end_first), (start_second, _) = sorted(spans.values())
    assert end_first <= start_second, "the two critical sections overlapped"


def test_state_must_be_json(db, now: datetime) -> None:
    with db.uow() as uow, pytest.raises(Exception, match="not JSON serializable"):
        uow.conversations.create("console", "x", None, {"when": now}, now)
