"""Returning a report for correction (the operation ``reportbot return`` and the chat's ``/tralai`` share), and
the engine submitting a returned report as a new version — on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.campaigns import check_deadline, return_report
from bot.progress import campaign_progress
from dialogs.answers import AnswerRecord
from dialogs.conversation.importer import import_answers
from dialogs.conversation.report import RETURNED, Report
from dialogs.effects import Submitted, VersionOpened
from dialogs.errors import ConfigError
from dialogs.messages import t
from dialogs.template.loader import load_shipped

FACTS_003 = Path(__file__).resolve().parents[1] / "data" / "sample_003_answers.yaml"
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def _submitted(anydb: Any, now: datetime) -> tuple[int, int]:
    """A campaign of one unit whose report (version 1) is submitted, and a reporter of that unit on Telegram."""
    template = load_shipped()
    with anydb.uow() as uow:
        unit = uow.units.add("Xã Khúc Thừa Dụ", now=now, code=11224, province_code=31,
                             province_name="Thành phố Hải Phòng")
        version = uow.templates.ensure(template, now)
        campaign = uow.campaigns.create(version, "Tổng kết", date(2030, 12, 15), now, unit_ids=[unit.id])
        person = uow.people.get_or_create("telegram", "42", "Chị Hoa", now)
        uow.people.attach_unit(person, unit.id)
        report = uow.reports.get_or_create(campaign.id, unit.id, now)
        uow.submissions.submit(report, {"so_tap_the": AnswerRecord("answered", 75)}, "BC-1", person.id, now)
        uow.reports.save(report, now, status="submitted", ref="BC-1")
        uow.commit()
        return campaign.id, unit.id


def test_a_returned_report_is_told_to_its_unit_and_counts_as_not_submitted(anydb: Any, now: datetime) -> None:
    campaign_id, unit_id = _submitted(anydb, now)
    with anydb.uow() as uow:
        unit = uow.units.get(unit_id)
        with pytest.raises(ConfigError) as empty:
            return_report(uow, campaign_id, unit, "   ", now)
        assert empty.value.msg == "bot.return.no_comment"
        returned = return_report(uow, campaign_id, unit, "Mục IV.2 thiếu  số tiền", now)
        uow.commit()
    assert (returned.version, returned.told) == (1, 1)
    with anydb.uow() as uow:
        report = uow.reports.by_campaign_unit(campaign_id, unit_id)
        assert (report.status, report.comment) == ("returned", "Mục IV.2 thiếu số tiền")
        assert uow.submissions.last_submitted(campaign_id, unit_id).status == "returned"
        sent = uow.outbox.pending(now + timedelta(seconds=1))
        assert [(m.channel, m.chat_id) for m in sent] == [("telegram", "42")]
        assert sent[0].payload["text"] == t("bot.return.notice", title="Tổng kết", version=1,
                                            comment="Mục IV.2 thiếu số tiền")
        progress = campaign_progress(uow, uow.campaigns.get(campaign_id), now.tzinfo)
        assert [u.state for u in progress.units] == ["returned"] and progress.rate.reported == 0
        with pytest.raises(ConfigError) as again:
            return_report(uow, campaign_id, uow.units.get(unit_id), "lần nữa", now)
        assert again.value.msg == "bot.return.already"


def test_submitting_a_returned_report_unchanged_makes_the_next_version(now: datetime) -> None:
    template = load_shipped()
    raw = yaml.safe_load(FACTS_003.read_text(encoding="utf-8"))
    answers = import_answers(template, Report(), raw, now).records
    returned = Report.of(answers, version=1, status=RETURNED, ref="BC-1")
    effects = import_answers(template, returned, {}, now, submit=True).effects
    kinds = [(type(e).__name__, e.version) for e in effects if isinstance(e, (VersionOpened, Submitted))]
    assert kinds == [("VersionOpened", 2), ("Submitted", 2)]  # version 1 stays returned, in the record


def test_deadline_warnings() -> None:
    now = datetime(2026, 12, 1, 18, 0, tzinfo=HCM)
    assert check_deadline(date(2026, 12, 20), None, now) == []
    assert "đã qua" in check_deadline(date(2026, 11, 30), None, now)[0]
    assert "chỉ còn 1 ngày" in check_deadline(date(2026, 12, 2), None, now)[0]
    # The time counts: today at 17:00 is past at 18:00, the end of today is not (only short notice).
    assert check_deadline(date(2026, 12, 1), time(17, 0), now) == [
        t("bot.campaign.warn_past", deadline="17:00 ngày 01/12/2026", now="18:00 ngày 01/12/2026")]
    assert check_deadline(date(2026, 12, 1), time(18, 30), now) == [
        t("bot.campaign.warn_short", deadline="18:30 ngày 01/12/2026", days=0)]
    assert check_deadline(date(2026, 12, 1), None, now) == [t("bot.campaign.warn_short", deadline="01/12/2026",
                                                              days=0)]


def test_a_revoked_invite_is_a_reply_in_the_chat(anydb: Any, now: datetime) -> None:
    from bot.invites import accept

    with anydb.uow() as uow:
        uow.invites.create("THUHOI01", "department", None, None, now + timedelta(days=3), now)
        uow.invites.revoke("THUHOI01", now)
        person = uow.people.get_or_create("telegram", "7", "Anh Nam", now)
        accepted = accept(uow, person, "thuhoi01", now)
    assert not accepted.ok and [s.msg for s in accepted.notes] == ["bot.invite.revoked"]
