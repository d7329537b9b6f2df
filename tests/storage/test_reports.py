"""Reports: one per (campaign, unit), created once even by racing workers, saved with a row version."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import pytest

from dialogs.answers import AnswerRecord
from dialogs.errors import NotFound
from storage.errors import ConcurrencyError, SubmissionClosed
from tests.storage.dbfixtures import make_template
from tests.storage.test_conversations import in_thread


def test_get_or_create_is_idempotent(db, seed, now: datetime) -> None:
    with db.uow() as uow:
        report = uow.reports.get_or_create(seed.campaign, seed.unit_a, now)
        again = uow.reports.get_or_create(seed.campaign, seed.unit_a, now + timedelta(hours=1))
        other = uow.reports.get_or_create(seed.campaign, seed.unit_b, now, for_update=False)
        assert again.id == report.id and other.id != report.id
        uow.commit()
    with db.uow() as uow:
        found = uow.reports.by_campaign_unit(seed.campaign, seed.unit_a)
        assert found is not None and found.id == report.id
        assert (found.status, found.version, found.ref, found.comment, found.row_version) == ("draft", 1, None, None, 1)
        assert found.created_at == found.updated_at == now
        assert uow.reports.get(report.id).unit_id == seed.unit_a
        assert uow.reports.get(report.id, for_update=True).campaign_id == seed.campaign
        assert [r.unit_id for r in uow.reports.for_campaign(seed.campaign)] == [seed.unit_a, seed.unit_b]
        assert uow.reports.by_campaign_unit(seed.campaign + 1, seed.unit_a) is None
        with pytest.raises(NotFound):
            uow.reports.get(report.id + 100)


def test_rows_just_made_read_as_the_database_has_them(db, seed, now: datetime) -> None:
    """Rows a repository inserts and keeps without reading back (``_sql.adopted``) hold, column for column,
    what the database then holds: a report, a conversation, a person with their account, a submission."""
    from sqlalchemy import inspect

    with db.uow() as uow:
        report = uow.reports.get_or_create(seed.campaign, seed.unit_b, now)
        conversation, created = uow.conversations.get_or_create(seed.person, report.id, channel="telegram",
                                                                chat_id="1001", state={"a": [1]}, now=now)
        person, identity = uow.people.register("zalo", "z-9", "Trần B", now)
        submission = uow.submissions.submit(report, {"so": AnswerRecord("answered", 3)}, "BC-9", person.id, now)
        made = [report, conversation, person, identity, submission]
        assert created
        kept = [{c.key: getattr(row, c.key) for c in inspect(row).mapper.column_attrs} for row in made]
        uow.commit()
    with db.uow() as uow:
        for row, before in zip(made, kept, strict=True):
            again = uow.session.get(type(row), inspect(row).identity)
            assert again is not None
            assert {c.key: getattr(again, c.key) for c in inspect(again).mapper.column_attrs} == before


def test_two_workers_creating_one_report_get_the_same_row(db, seed, now: datetime) -> None:
    """PostgreSQL: the second insert waits for the first transaction, then both hold the one row."""
    if db.backend == "sqlite":
        pytest.skip("SQLite transactions never overlap (BEGIN IMMEDIATE)")
    with db.uow() as first:
        mine = first.reports.get_or_create(seed.campaign, seed.unit_a, now)

        def second() -> int:
            with db.uow() as uow:
                theirs = uow.reports.get_or_create(seed.campaign, seed.unit_a, now)
                uow.reports.save(theirs, now, ref="second")
                uow.commit()
                return theirs.id

        thread, outcome = in_thread(second)
        time.sleep(0.3)  # the second worker now waits on the first transaction
        assert thread.is_alive()
        first.reports.save(mine, now, status="submitted", ref="first")
        first.commit()
    thread.join(10)
    assert outcome == {"result": mine.id}
    with db.uow() as uow:
        # The second worker locked the row after the first committed, so it saved on top of it.
        report = uow.reports.get(mine.id)
        assert (report.status, report.ref, report.row_version) == ("submitted", "second", 3)
        assert len(uow.reports.for_campaign(seed.campaign)) == 1


def test_save_changes_only_what_is_given(db, seed, now: datetime) -> None:
    later = now + timedelta(minutes=5)
    with db.uow() as uow:
        report = uow.reports.get_or_create(seed.campaign, seed.unit_a, now)
        assert uow.reports.save(report, later, status="submitted", ref="BC-1") == 2
        assert uow.reports.save(report, later, status="returned", comment="Thiếu số liệu") == 3
        assert uow.reports.save(report, later, status="draft", version=2, comment=None) == 4
        assert not uow.session.dirty
        uow.commit()
    with db.uow() as uow:
        found = uow.reports.get(report.id)
        assert (found.status, found.version, found.ref, found.comment) == ("draft", 2, "BC-1", None)
        assert (found.row_version, found.updated_at, found.created_at) == (4, later, now)
        with pytest.raises(ValueError, match="unknown report status"):
            uow.reports.save(found, now, status="sent")


def test_save_refuses_a_stale_row_version(db, seed, now: datetime) -> None:
    with db.uow() as uow:
        uow.reports.get_or_create(seed.campaign, seed.unit_a, now)
        uow.commit()
    with db.uow() as a:
        stale = a.reports.get_or_create(seed.campaign, seed.unit_a, now, for_update=False)
        a.commit()
    with db.uow() as b:
        fresh = b.reports.get_or_create(seed.campaign, seed.unit_a, now)
        b.reports.save(fresh, now, status="submitted", ref="BC-B")
        b.commit()
    with db.uow() as a:
        with pytest.raises(ConcurrencyError):
            a.reports.save(stale, now, status="returned", comment="by A")
        assert stale.row_version == 1  # untouched
        a.commit()
    with db.uow() as check:
        row = check.reports.get(stale.id)
        assert (row.status, row.ref, row.comment, row.row_version) == ("submitted", "BC-B", None, 2)


def test_open_for_unit_lists_open_campaigns_oldest_first_with_their_reports(db, seed, now: datetime) -> None:
    with db.uow() as uow:
        version = uow.templates.ensure(make_template(), now)
        second = uow.campaigns.create(version, "Đợt 2", date(2025, 9, 1), now + timedelta(days=1), [seed.unit_a])
        closed = uow.campaigns.create(version, "Đợt cũ", date(2025, 7, 1), now - timedelta(days=30), [seed.unit_a])
        uow.campaigns.close(closed, now)
        uninvited = uow.campaigns.create(version, "Đợt khác", date(2025, 9, 1), now, [seed.unit_b])
        report = uow.reports.get_or_create(second.id, seed.unit_a, now)
        uow.reports.get_or_create(closed.id, seed.unit_a, now)
        uow.reports.get_or_create(uninvited.id, seed.unit_b, now)
        uow.commit()
    with db.uow() as uow:
        listed = uow.reports.open_for_unit(seed.unit_a)
        assert [(c.id, r.id if r else None) for c, r in listed] == [(seed.campaign, None), (second.id, report.id)]
        assert [c.id for c, _ in uow.reports.open_for_unit(seed.unit_b)] == [seed.campaign, uninvited.id]


def test_submit_freezes_the_version_the_report_is_at(db, seed, now: datetime) -> None:
    snapshot = {"so_tap_the": AnswerRecord(status="answered", value=75, raw="75")}
    with db.uow() as uow:
        report = uow.reports.get_or_create(seed.campaign, seed.unit_a, now)
        submission = uow.submissions.submit(report, snapshot, "BC-1", seed.person, now)
        uow.reports.save(report, now, status="submitted", ref="BC-1")
        assert (submission.version, submission.status) == (1, "submitted")
        with pytest.raises(SubmissionClosed):
            uow.submissions.submit(report, snapshot, "BC-again", seed.person, now)
        uow.reports.save(report, now, status="draft", version=2)
        draft = uow.submissions.draft_for(report, now)
        assert (draft.version, draft.status) == (2, "draft")
        assert uow.submissions.draft_for(report, now).id == draft.id
        uow.commit()
    with db.uow() as uow:
        last = uow.submissions.last_submitted(seed.campaign, seed.unit_a)
        assert last is not None and (last.version, last.ref, last.answers) == (
            1,
            "BC-1",
            {"so_tap_the": {"status": "answered", "value": 75, "raw": "75"}},
        )
        assert [s.version for s in uow.submissions.versions(seed.campaign, seed.unit_a)] == [1, 2]
