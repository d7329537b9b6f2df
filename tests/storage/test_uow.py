"""The unit of work: rollback by default, rollback on error, savepoints for group commit."""

from __future__ import annotations

import doctest
from datetime import datetime

import pytest
from sqlalchemy.exc import StatementError

import storage.db
import storage.repositories.units
import storage.units_import
import storage.uow
from dialogs.answers import AnswerRecord
from dialogs.errors import ReportbotError, StorageError
from storage.errors import ConcurrencyError


def test_nothing_is_kept_without_commit(db, now: datetime) -> None:
    with db.uow() as uow:
        uow.units.add("Xã Khúc Thừa Dụ", now=now)
        assert [u.name for u in uow.units.all()] == ["Xã Khúc Thừa Dụ"]
    with db.uow() as uow:
        assert uow.units.all() == []


def test_an_error_rolls_everything_back(db, now: datetime) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom), db.uow() as uow:
        uow.units.add("Xã Khúc Thừa Dụ", now=now)
        uow.inbox.add("telegram", "7", "chat", "user", {}, now)
        raise Boom
    with db.uow() as uow:
        assert uow.units.all() == []
        assert not uow.inbox.seen("telegram", "7")


def test_committed_work_survives_a_later_error(db, now: datetime) -> None:
    with pytest.raises(RuntimeError), db.uow() as uow:
        uow.units.add("Xã Khúc Thừa Dụ", now=now)
        uow.commit()
        uow.units.add("Xã Kiến Thụy", now=now)
        raise RuntimeError("after the commit")
    with db.uow() as uow:
        assert [u.name for u in uow.units.all()] == ["Xã Khúc Thừa Dụ"]


def test_a_failed_savepoint_loses_only_its_own_work(db, seed, now: datetime) -> None:
    """Group commit: three updates share one commit; the middle one fails and leaves no trace."""
    record = AnswerRecord(status="answered", value=75, raw="75")
    with db.uow() as uow:
        for update_id, fail in (("u1", False), ("u2", True), ("u3", False)):
            try:
                with uow.savepoint():
                    assert uow.inbox.add("telegram", update_id, "chat", "user", {}, now) is not None
                    uow.answers.append(
                        campaign_id=seed.campaign, unit_id=seed.unit_a, field_id=f"f_{update_id}",
                        record=record, person_id=seed.person, channel="telegram", now=now,
                    )
                    uow.outbox.add("telegram", f"100{update_id}", {"text": update_id}, now)
                    if fail:
                        raise ConcurrencyError("simulated")
            except ConcurrencyError:
                pass
        uow.commit()
    with db.uow() as uow:
        assert [uow.inbox.seen("telegram", u) for u in ("u1", "u2", "u3")] == [True, False, True]
        assert set(uow.answers.current(seed.campaign, seed.unit_a)) == {"f_u1", "f_u3"}
        assert [row.payload["text"] for row in uow.outbox.pending(now)] == ["u1", "u3"]


def test_the_uow_can_commit_several_times(db, now: datetime) -> None:
    with db.uow() as uow:
        uow.units.add("Xã A", now=now)
        uow.commit()
        uow.units.add("Xã B", now=now)
        uow.commit()
        uow.units.add("Xã C", now=now)
    with db.uow() as uow:
        assert [u.name for u in uow.units.all()] == ["Xã A", "Xã B"]


def test_datetimes_come_back_aware_utc(db, now: datetime) -> None:
    from datetime import timedelta, timezone

    hanoi = now.astimezone(timezone(timedelta(hours=7)))
    with db.uow() as uow:
        unit = uow.units.add("Xã Khúc Thừa Dụ", now=hanoi)
        uow.commit()
        unit_id = unit.id
    with db.uow() as uow:
        stored = uow.units.get(unit_id).created_at
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored == now


def test_naive_datetimes_are_refused(db, now: datetime) -> None:
    # A naive time could be local or UTC: storing it would silently shift it by 7 hours.
    with db.uow() as uow, pytest.raises(StatementError, match="naive datetime"):
        uow.units.add("Xã Khúc Thừa Dụ", now=now.replace(tzinfo=None))


def test_storage_errors_share_the_project_root() -> None:
    from storage import errors

    for name in ("DuplicateUnit", "AmbiguousUnit", "InviteExpired", "InviteUsed", "SubmissionClosed"):
        assert issubclass(getattr(errors, name), StorageError)
    assert issubclass(StorageError, ReportbotError)


@pytest.mark.parametrize(
    "module", [storage.db, storage.uow, storage.units_import, storage.repositories.units], ids=lambda m: m.__name__
)
def test_docstring_examples(module: object) -> None:
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert tried > 0 and failures == 0
