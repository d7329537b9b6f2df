"""The inbox: each chat's oldest waiting update first, never two of one chat at once, old rows dropped."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from typing import Any


def _add(uow: Any, update_id: str, chat: str, now: datetime) -> int:
    inbox_id = uow.inbox.add("telegram", update_id, chat, chat, {"event": {"kind": "start"}}, now)
    assert inbox_id is not None
    return int(inbox_id)


def test_only_each_chats_oldest_waiting_update_is_taken(db, now: datetime) -> None:
    with db.uow() as uow:
        a1, b1, a2 = _add(uow, "1", "a", now), _add(uow, "2", "b", now), _add(uow, "3", "a", now)
        uow.commit()
    with db.uow() as uow:
        assert [row.id for row in uow.inbox.take(10)] == [a1, b1]
        uow.inbox.done([a1], now)
        assert uow.inbox.failed(b1, "boom", now, max_attempts=2) == 1
        uow.commit()
    with db.uow() as uow:
        assert [row.id for row in uow.inbox.take(10)] == [b1, a2]  # b1 waits for its retry, a2 is next
        assert uow.inbox.failed(b1, "boom", now, max_attempts=2) == 2  # set aside now
        uow.commit()
    with db.uow() as uow:
        assert [row.id for row in uow.inbox.take(10)] == [a2]
        assert [row.id for row in uow.inbox.set_aside()] == [b1]
        assert uow.inbox.processed("telegram", "2") and not uow.inbox.processed("telegram", "3")
        assert uow.inbox.waiting() == 1


def test_old_processed_updates_are_dropped_and_waiting_ones_kept(db, now: datetime) -> None:
    with db.uow() as uow:
        old, waiting = _add(uow, "1", "a", now - timedelta(days=8)), _add(uow, "2", "b", now - timedelta(days=8))
        uow.inbox.done([old], now - timedelta(days=8))
        _add(uow, "3", "c", now)
        uow.commit()
    with db.uow() as uow:
        assert uow.inbox.forget_before(now - timedelta(days=7)) == 1
        uow.commit()
    with db.uow() as uow:
        assert not uow.inbox.seen("telegram", "1")
        assert next(row.id for row in uow.inbox.take(10)) == waiting


def test_two_workers_never_hold_one_chats_updates_at_once(db, now: datetime) -> None:
    """PostgreSQL: the second worker skips the chat the first one holds (and takes another); SQLite: it waits."""
    with db.uow() as uow:
        a1, _, b1 = _add(uow, "1", "a", now), _add(uow, "2", "a", now), _add(uow, "3", "b", now)
        uow.commit()
    taken: dict[str, Any] = {}

    def second_worker() -> None:
        with db.uow() as uow:
            taken["b"] = [row.id for row in uow.inbox.take(10)]
            taken["b_at"] = time.monotonic()

    with db.uow() as first:
        taken["a"] = [row.id for row in first.inbox.take(1)]
        thread = threading.Thread(target=second_worker)
        thread.start()
        time.sleep(0.3)
        first.inbox.done(taken["a"], now)
        a_done = time.monotonic()
        first.commit()
    thread.join(10)
    assert taken["a"] == [a1]
    if db.backend == "postgresql":
        assert taken["b"] == [b1] and taken["b_at"] < a_done  # a's second update is not a head: a is held
    else:
        assert taken["b_at"] > a_done


def test_several_updates_are_kept_in_one_statement_each_key_once(db, now: datetime) -> None:
    """``add_many``: every new update gets its row id in order; one the channel gave before, or that came
    earlier in the same batch, gets None and is not stored again."""
    from storage.repositories.inbox import NewUpdate

    def new(update_id: str, chat: str) -> NewUpdate:
        return NewUpdate("telegram", update_id, chat, chat, {"event": {"kind": "start"}})

    with db.uow() as uow:
        old = _add(uow, "1", "a", now)
        ids = uow.inbox.add_many([new("2", "b"), new("1", "a"), new("3", "c"), new("2", "b"), new("4", "a")], now)
        assert uow.inbox.add_many([], now) == []
        uow.commit()
    assert ids[1] is None and ids[3] is None
    kept = [ids[0], ids[2], ids[4]]
    assert all(isinstance(i, int) for i in kept) and len(set(kept)) == 3 and old not in kept
    with db.uow() as uow:
        assert uow.inbox.waiting() == 4
        assert [row.id for row in uow.inbox.take(10)] == [old, ids[0], ids[2]]  # a's second waits for its first
        assert [uow.inbox.seen("telegram", key) for key in ("2", "3", "4", "5")] == [True, True, True, False]
