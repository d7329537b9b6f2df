"""Conversations (one per person and report) and update ids: dedupe, optimistic versions, row locks."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from storage.errors import ConcurrencyError
from storage.models import Conversation


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


def test_the_inbox_dedupes_an_update(db, now: datetime) -> None:
    with db.uow() as uow:
        assert uow.inbox.add("telegram", 42, "chat", "user", {}, now) is not None
        assert uow.inbox.add("telegram", "42", "chat", "user", {}, now) is None  # same id, int or str
        assert uow.inbox.add("zalo", 42, "chat", "user", {}, now) is not None  # ids are per channel
        uow.commit()
    with db.uow() as uow:
        assert uow.inbox.add("telegram", 42, "chat", "user", {}, now) is None
        assert uow.inbox.seen("zalo", "42")


def test_a_rolled_back_claim_can_be_claimed_again(db, now: datetime) -> None:
    """A crash before commit must not swallow the update: its redelivery is processed."""
    with db.uow() as uow:
        assert uow.inbox.add("telegram", "9", "chat", "user", {}, now) is not None
    with db.uow() as uow:
        assert uow.inbox.add("telegram", "9", "chat", "user", {}, now) is not None


@pytest.mark.parametrize("first_commits", [True, False], ids=["first-commits", "first-rolls-back"])
def test_two_concurrent_claims_never_both_succeed(db, now: datetime, first_commits: bool) -> None:
    with db.uow() as first:
        assert first.inbox.add("telegram", "77", "chat", "user", {}, now) is not None

        def second() -> bool:
            with db.uow() as uow:
                won = uow.inbox.add("telegram", "77", "chat", "user", {}, now) is not None
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


def _report(db, seed, now: datetime, unit: str = "unit_a") -> int:
    with db.uow() as uow:
        report = uow.reports.get_or_create(seed.campaign, getattr(seed, unit), now)
        uow.commit()
        return report.id


def _person(db, now: datetime, external_id: str, name: str = "Trần Thị B") -> int:
    with db.uow() as uow:
        person = uow.people.get_or_create("telegram", external_id, name, now)
        uow.commit()
        return person.id


def _start(db, person: int, report: int | None, now: datetime, state: dict[str, Any] | None = None) -> int:
    with db.uow() as uow:
        conv, created = uow.conversations.get_or_create(
            person, report, channel="telegram", chat_id=str(person), state=state or {}, now=now
        )
        assert created
        uow.commit()
        return conv.id


def test_get_or_create_get_and_save_bump_the_version(db, seed, now: datetime) -> None:
    report = _report(db, seed, now)
    with db.uow() as uow:
        conv, created = uow.conversations.get_or_create(
            seed.person, report, channel="telegram", chat_id="1001", state={"step": "start"}, now=now
        )
        assert created and conv.state_version == 1
        assert uow.conversations.save(conv, {"step": "q1"}, now, channel="zalo", chat_id="z-1") == 2
        uow.commit()
    with db.uow() as uow:
        conv = uow.conversations.get(seed.person, report)
        assert conv is not None
        assert (conv.state, conv.state_version, conv.channel, conv.chat_id) == ({"step": "q1"}, 2, "zalo", "z-1")
        assert (conv.person_id, conv.report_id) == (seed.person, report)
        assert uow.conversations.save(conv, {"step": "q2"}, now) == 3
        assert (conv.channel, conv.chat_id) == ("zalo", "z-1")  # not given: kept
        uow.commit()
        history = uow.conversations.history(conv.id)
    assert [(h.state_version, h.state["step"]) for h in history] == [(1, "start"), (2, "q1"), (3, "q2")]
    with db.uow() as uow:
        assert uow.conversations.get(seed.person, report + 1) is None
        assert uow.conversations.get(seed.person, None) is None


def test_one_conversation_per_person_and_report(db, seed, now: datetime) -> None:
    """Get-or-create twice: one row; another report, or no report, is another conversation."""
    report_a, report_b = _report(db, seed, now), _report(db, seed, now, "unit_b")
    with db.uow() as uow:
        args = {"channel": "telegram", "chat_id": "1001", "now": now}
        first, created = uow.conversations.get_or_create(seed.person, report_a, state={"a": 1}, **args)
        again, created_again = uow.conversations.get_or_create(seed.person, report_a, state={"a": 2}, **args)
        assert (created, created_again) == (True, False)
        assert again.id == first.id and again.state == {"a": 1}
        other, _ = uow.conversations.get_or_create(seed.person, report_b, state={}, **args)
        no_report, _ = uow.conversations.get_or_create(seed.person, None, state={"dept": 1}, **args)
        no_report_again, created_none = uow.conversations.get_or_create(seed.person, None, state={}, **args)
        assert (no_report_again.id, created_none) == (no_report.id, False)
        uow.commit()
    with db.uow() as uow:
        mine = uow.conversations.for_person(seed.person)
        assert [c.report_id for c in mine] == [report_a, report_b, None]
        assert len({c.id for c in (first, other, no_report)}) == 3
        assert uow.conversations.get(seed.person, None).state == {"dept": 1}


def test_two_people_on_one_report_have_two_conversations(db, seed, now: datetime) -> None:
    report, elsewhere = _report(db, seed, now), _report(db, seed, now, "unit_b")
    colleague = _person(db, now, "1002")
    mine = _start(db, seed.person, report, now, {"at": "q1"})
    theirs = _start(db, colleague, report, now, {"at": "q7"})
    with db.uow() as uow:
        on_report = uow.conversations.for_report(report)
        assert [(c.id, c.person_id, c.state) for c in on_report] == [
            (mine, seed.person, {"at": "q1"}),
            (theirs, colleague, {"at": "q7"}),
        ]
        assert uow.conversations.for_report(elsewhere) == []


def test_the_database_refuses_a_second_conversation_on_the_same_report(db, seed, now: datetime) -> None:
    """The unique constraints themselves (not only get_or_create) keep one row per person and report."""
    report = _report(db, seed, now)
    _start(db, seed.person, report, now)
    _start(db, seed.person, None, now)
    for report_id in (report, None):
        with db.uow() as uow, pytest.raises(IntegrityError):
            uow.session.add(Conversation(person_id=seed.person, report_id=report_id, state={}, state_version=1,
                                         created_at=now, updated_at=now))
            uow.flush()


def test_concurrent_get_or_create_makes_one_conversation(db, seed, now: datetime) -> None:
    """PostgreSQL, two workers start the same person on the same report at once: one row, both hold it."""
    if db.backend == "sqlite":
        pytest.skip("SQLite transactions never overlap (BEGIN IMMEDIATE)")
    report = _report(db, seed, now)
    with db.uow() as first:
        conv, created = first.conversations.get_or_create(
            seed.person, report, channel="telegram", chat_id="1001", state={"by": "first"}, now=now
        )
        assert created

        def second() -> tuple[int, bool, dict[str, Any]]:
            with db.uow() as uow:
                found, made = uow.conversations.get_or_create(
                    seed.person, report, channel="zalo", chat_id="z", state={"by": "second"}, now=now
                )
                uow.commit()
                return found.id, made, found.state

        thread, outcome = in_thread(second)
        time.sleep(0.3)  # the second insert now waits on the first transaction
        assert thread.is_alive()
        first.commit()
    thread.join(10)
    assert "error" not in outcome, outcome
    assert outcome["result"] == (conv.id, False, {"by": "first"})


def test_links_set_as_attributes_are_saved_with_the_state(db, seed, now: datetime) -> None:
    """The runner may set ``conv.channel`` directly before ``save``: one UPDATE writes both."""
    report = _report(db, seed, now)
    _start(db, seed.person, report, now)
    with db.uow() as uow:
        conv = uow.conversations.get(seed.person, report)
        assert conv is not None
        conv.channel, conv.chat_id = "zalo", "z-9"
        uow.conversations.save(conv, {"step": "q1"}, now)
        assert not uow.session.dirty  # nothing left for a second UPDATE at commit
        uow.commit()
    with db.uow() as uow:
        conv = uow.conversations.get(seed.person, report)
        assert conv is not None
        assert (conv.channel, conv.chat_id, conv.state_version) == ("zalo", "z-9", 2)


def test_a_stale_save_raises_concurrency_error(db, seed, now: datetime) -> None:
    """Worker A read version 1, worker B saved version 2 meanwhile: A's save is refused, unwritten."""
    report = _report(db, seed, now)
    _start(db, seed.person, report, now, {"n": 0})
    with db.uow() as a:
        stale = a.conversations.get(seed.person, report, for_update=False)
        a.commit()
    with db.uow() as b:
        fresh = b.conversations.get(seed.person, report)
        assert fresh is not None
        b.conversations.save(fresh, {"n": "by B"}, now)
        b.commit()
    with db.uow() as a:
        assert stale is not None and stale.state_version == 1
        with pytest.raises(ConcurrencyError):
            a.conversations.save(stale, {"n": "by A"}, now)
        a.commit()
    with db.uow() as check:
        row = check.conversations.get(seed.person, report)
        assert row is not None and (row.state, row.state_version) == ({"n": "by B"}, 2)


def test_overlapping_unlocked_saves_conflict(db, seed, now: datetime) -> None:
    """PostgreSQL, two open transactions without the row lock: the second writer is refused."""
    if db.backend == "sqlite":
        pytest.skip("SQLite transactions never overlap (BEGIN IMMEDIATE): see the stale-save test")
    report = _report(db, seed, now)
    _start(db, seed.person, report, now, {"n": 0})
    with db.uow() as a, db.uow() as b:
        conv_a = a.conversations.get(seed.person, report, for_update=False)
        conv_b = b.conversations.get(seed.person, report, for_update=False)
        assert conv_a is not None and conv_b is not None
        b.conversations.save(conv_b, {"n": "B"}, now)
        b.commit()
        with pytest.raises(ConcurrencyError):
            a.conversations.save(conv_a, {"n": "A"}, now)


def test_the_row_lock_serialises_two_workers(db, seed, now: datetime) -> None:
    """Two workers handle the same person's report at once: the second waits, then sees the first's state."""
    report = _report(db, seed, now)
    _start(db, seed.person, report, now, {"count": 0, "by": []})
    spans: dict[str, tuple[float, float]] = {}

    def worker(name: str) -> int:
        with db.uow() as uow:
            conv = uow.conversations.get(seed.person, report, for_update=True)
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
        conv = uow.conversations.get(seed.person, report)
        assert conv is not None and conv.state["count"] == 2 and sorted(conv.state["by"]) == ["w1", "w2"]
    (_, end_first), (start_second, _) = sorted(spans.values())
    assert end_first <= start_second, "the two critical sections overlapped"


def test_state_must_be_json(db, seed, now: datetime) -> None:
    with db.uow() as uow, pytest.raises(Exception, match="not JSON serializable"):
        uow.conversations.get_or_create(seed.person, None, channel="console", chat_id="x", state={"when": now},
                                        now=now)
