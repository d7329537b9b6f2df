"""Answers are append-only history; submissions keep every version."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from dialogs.answers import AnswerRecord
from dialogs.errors import StorageError
from storage.errors import SubmissionClosed


def _answer(uow, seed, field_id: str, value: object, now: datetime, version: int = 1, raw: str = "") -> int:
    return uow.answers.append(
        campaign_id=seed.campaign,
        unit_id=seed.unit_a,
        field_id=field_id,
        record=AnswerRecord(status="answered", value=value, raw=raw or str(value), display=str(value)),
        person_id=seed.person,
        channel="telegram",
        now=now,
        submission_version=version,
    )


def test_current_picks_the_latest_answer_and_history_keeps_all(db, seed, now: datetime) -> None:
    with db.uow() as uow:
        _answer(uow, seed, "so_tap_the", 70, now)
        _answer(uow, seed, "so_ca_nhan", 650, now)
        _answer(uow, seed, "so_tap_the", 75, now + timedelta(minutes=1), raw="bay muoi lam")
        uow.commit()
    with db.uow() as uow:
        current = uow.answers.current(seed.campaign, seed.unit_a)
        history = uow.answers.history(seed.campaign, seed.unit_a, "so_tap_the")
        everything = uow.answers.history(seed.campaign, seed.unit_a)
        other_unit = uow.answers.current(seed.campaign, seed.unit_b)
    assert {k: a.value for k, a in current.items()} == {"so_tap_the": 75, "so_ca_nhan": 650}
    assert current["so_tap_the"].raw == "bay muoi lam"
    assert [a.value for a in history] == [70, 75]
    assert len(everything) == 3
    assert other_unit == {}


def test_answers_keep_who_when_and_how(db, seed, now: datetime) -> None:
    record = AnswerRecord(
        status="answered", value=650, raw="hơn 650", display="650", approximate=True, qualifier="hơn"
    )
    none = AnswerRecord(status="none", raw="không có")
    with db.uow() as uow:
        uow.answers.append(
            campaign_id=seed.campaign, unit_id=seed.unit_a, field_id="so_ca_nhan", record=record,
            person_id=seed.person, channel="zalo", now=now,
        )
        uow.answers.append(
            campaign_id=seed.campaign, unit_id=seed.unit_a, field_id="dien_hinh", record=none,
            person_id=None, channel="import", now=now,
        )
        uow.commit()
    with db.uow() as uow:
        records = uow.answers.current_records(seed.campaign, seed.unit_a)
        stored = uow.answers.current(seed.campaign, seed.unit_a)["so_ca_nhan"]
    assert records["so_ca_nhan"] == AnswerRecord(
        status="answered", value=650, raw="hơn 650", display="650", approximate=True, qualifier="hơn",
        at=now.isoformat(),
    )
    assert records["dien_hinh"].status == "none" and records["dien_hinh"].value is None
    assert (stored.person_id, stored.channel, stored.created_at) == (seed.person, "zalo", now)


def test_answers_keep_the_field_type_they_were_given_for(db, seed, now: datetime) -> None:
    """The type comes from the argument, else from the record; it round-trips through ``current_records``."""
    typed = AnswerRecord(status="answered", value=75, raw="75", field_type="integer")
    with db.uow() as uow:
        common = {"campaign_id": seed.campaign, "unit_id": seed.unit_a, "person_id": seed.person,
                  "channel": "telegram", "now": now}
        uow.answers.append(field_id="so_tap_the", record=typed, **common)
        uow.answers.append(field_id="ty_le", record=AnswerRecord(status="answered", value=85.5), field_type="percent",
                           **common)
        uow.answers.append(field_id="ghi_chu", record=AnswerRecord(status="skipped"), **common)
        uow.commit()
    with db.uow() as uow:
        records = uow.answers.current_records(seed.campaign, seed.unit_a)
    assert {k: r.field_type for k, r in records.items()} == {"so_tap_the": "integer", "ty_le": "percent",
                                                             "ghi_chu": ""}
    assert records["so_tap_the"].to_json()["type"] == "integer"


def test_json_values_round_trip(db, seed, now: datetime) -> None:
    values = {
        "docref": {"number": "337", "symbol": "KH-UBND", "date": "2023-12-29"},
        "group": [{"ten": "Nguyễn Thị Hoà", "thanh_tich": "Lao động tiên tiến"}],
        "ratio": 85.5,
        "yes": True,
        "many": ["a", "b"],
    }
    with db.uow() as uow:
        for field_id, value in values.items():
            _answer(uow, seed, field_id, value, now)
        uow.commit()
    with db.uow() as uow:
        current = uow.answers.current(seed.campaign, seed.unit_a)
    assert {k: a.value for k, a in current.items()} == values


def test_answers_cannot_be_edited_or_deleted(db, seed, now: datetime) -> None:
    with db.uow() as uow:
        _answer(uow, seed, "so_tap_the", 75, now)
        uow.commit()
    with db.uow() as uow:
        answer = uow.answers.current(seed.campaign, seed.unit_a)["so_tap_the"]
        answer.value = 76
        with pytest.raises(StorageError, match="write-once"):
            uow.flush()
    with db.uow() as uow:
        answer = uow.answers.current(seed.campaign, seed.unit_a)["so_tap_the"]
        uow.session.delete(answer)
        with pytest.raises(StorageError, match="write-once"):
            uow.flush()
    with db.uow() as uow:
        assert uow.answers.current(seed.campaign, seed.unit_a)["so_tap_the"].value == 75
    public = {name for name in dir(uow.answers) if not name.startswith("_")}
    assert not public & {"update", "delete", "edit", "remove", "set"}


def test_submission_versions_keep_the_old_version(db, seed, now: datetime) -> None:
    later = now + timedelta(days=1)
    with db.uow() as uow:
        draft = uow.submissions.open_draft(seed.campaign, seed.unit_a, now)
        assert (draft.version, draft.status) == (1, "draft")
        assert uow.submissions.open_draft(seed.campaign, seed.unit_a, now).id == draft.id
        _answer(uow, seed, "so_tap_the", 75, now, version=1)
        snapshot = uow.answers.current_records(seed.campaign, seed.unit_a, 1)
        uow.submissions.submit(draft, snapshot, "BC-001", seed.person, now)
        uow.commit()
    with db.uow() as uow:
        v2 = uow.submissions.open_draft(seed.campaign, seed.unit_a, later)
        assert (v2.version, v2.status) == (2, "draft")
        _answer(uow, seed, "so_tap_the", 80, later, version=2)
        uow.commit()
    with db.uow() as uow:
        versions = uow.submissions.versions(seed.campaign, seed.unit_a)
        latest = uow.submissions.latest(seed.campaign, seed.unit_a)
        as_v1 = uow.answers.current(seed.campaign, seed.unit_a, submission_version=1)
        as_v2 = uow.answers.current(seed.campaign, seed.unit_a, submission_version=2)
        last_submitted = uow.submissions.last_submitted(seed.campaign, seed.unit_a)
    assert [(s.version, s.status) for s in versions] == [(1, "submitted"), (2, "draft")]
    v1 = versions[0]
    assert v1.answers == {"so_tap_the": snapshot["so_tap_the"].to_json()}
    assert (v1.ref, v1.submitted_by, v1.submitted_at) == ("BC-001", seed.person, now)
    assert latest is not None and latest.version == 2
    assert last_submitted is not None and last_submitted.version == 1
    assert as_v1["so_tap_the"].value == 75 and as_v2["so_tap_the"].value == 80


def test_only_a_draft_is_submitted_and_only_a_submission_returned(db, seed, now: datetime) -> None:
    with db.uow() as uow:
        draft = uow.submissions.open_draft(seed.campaign, seed.unit_a, now)
        with pytest.raises(SubmissionClosed):
            uow.submissions.send_back(draft, "thiếu số liệu", now)
        uow.submissions.submit(draft, {}, "BC-1", seed.person, now)
        with pytest.raises(SubmissionClosed):
            uow.submissions.submit(draft, {}, "BC-2", seed.person, now)
        uow.submissions.send_back(draft, "Bổ sung mục IV.2", now)
        uow.commit()
    with db.uow() as uow:
        returned = uow.submissions.latest(seed.campaign, seed.unit_a)
        assert returned is not None and (returned.status, returned.comment) == ("returned", "Bổ sung mục IV.2")
        assert uow.submissions.open_draft(seed.campaign, seed.unit_a, now).version == 2


def test_for_campaign_lists_the_latest_version_per_unit(db, seed, now: datetime) -> None:
    with db.uow() as uow:
        a1 = uow.submissions.open_draft(seed.campaign, seed.unit_a, now)
        uow.submissions.submit(a1, {}, "A-1", seed.person, now)
        uow.submissions.open_draft(seed.campaign, seed.unit_a, now)  # v2 draft
        b1 = uow.submissions.open_draft(seed.campaign, seed.unit_b, now)
        uow.submissions.submit(b1, {}, "B-1", None, now)
        uow.commit()
    with db.uow() as uow:
        rows = uow.submissions.for_campaign(seed.campaign)
    assert [(r.unit_id, r.version, r.status) for r in rows] == [
        (seed.unit_a, 2, "draft"),
        (seed.unit_b, 1, "submitted"),
    ]
