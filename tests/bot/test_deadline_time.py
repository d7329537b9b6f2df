"""A deadline with a time of day (17:00 in REPORTBOT_TZ), on the fake, SQLite and PostgreSQL: on time and late
decided at that moment in the reporting zone (not in UTC) by progress, the compiled report's statuses and an
import's receipt; the time shown wherever the deadline is (/tiendo, the list of reports); no time is the end
of the day, as before."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bot.choosing import choose_report
from bot.config import Settings
from bot.department import unit_statuses
from bot.department_pages import page
from bot.progress import campaign_progress, deadline_json
from bot.services import Services
from dialogs.answers import AnswerRecord
from dialogs.events import Text
from dialogs.messages import render
from dialogs.template.loader import load_shipped
from tests.bot.test_campaigns import FACTS_003

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = date(2026, 12, 15)
OPENED = datetime(2026, 12, 1, 9, 0, tzinfo=HCM)
#: When each unit submitted: a minute before 17:00 in Hồ Chí Minh City, a minute after, and 16:30 UTC — before
#: 17:00 on a UTC clock but 23:30 in the zone the deadline is in.
SUBMITTED = {"Xã Một": datetime(2026, 12, 15, 16, 59, tzinfo=HCM), "Xã Hai": datetime(2026, 12, 15, 17, 1, tzinfo=HCM),
             "Xã Ba": datetime(2026, 12, 15, 16, 30, tzinfo=UTC)}


def _campaign(db: Any, at: time | None, submitted: dict[str, datetime]) -> int:
    """A campaign due on 15/12/2026 at ``at``, with a unit per name submitted at that moment, and one unit (Xã
    Bốn) that never did."""
    with db.uow() as uow:
        version = uow.templates.ensure(load_shipped(), OPENED)
        units = [uow.units.add(name, now=OPENED) for name in [*submitted, "Xã Bốn"]]
        campaign = uow.campaigns.create(version, "Tổng kết", DAY, OPENED, [u.id for u in units], deadline_time=at)
        for unit, at_moment in zip(units, submitted.values(), strict=False):
            report = uow.reports.get_or_create(campaign.id, unit.id, OPENED)
            uow.submissions.submit(report, {"so_tap_the": AnswerRecord("answered", 75)}, f"BC-{unit.id}", None,
                                   at_moment)
            uow.reports.save(report, at_moment, status="submitted", ref=f"BC-{unit.id}")
        uow.commit()
        return campaign.id


def _states(db: Any, campaign_id: int) -> dict[str, str]:
    with db.uow() as uow:
        found = campaign_progress(uow, uow.campaigns.get(campaign_id), HCM)
        statuses = {s.unit.name: s.status for s in unit_statuses(uow, uow.campaigns.get(campaign_id), HCM)}
    states = {row.unit.name: row.state for row in found.units}
    assert statuses == {name: "missing" if s == "not_started" else s for name, s in states.items()}  # one rule
    assert (found.rate.on_time, found.rate.late) == (sum(s == "on_time" for s in states.values()),
                                                     sum(s == "late" for s in states.values()))
    return states


def test_the_deadline_time_is_the_boundary_in_the_reporting_zone(anydb: Any) -> None:
    campaign_id = _campaign(anydb, time(17, 0), SUBMITTED)
    assert _states(anydb, campaign_id) == {"Xã Một": "on_time", "Xã Hai": "late", "Xã Ba": "late",
                                           "Xã Bốn": "not_started"}
    with anydb.uow() as uow:
        assert deadline_json(uow.campaigns.get(campaign_id), HCM) == {
            "deadline": "2026-12-15", "deadline_time": "17:00", "due_at": "2026-12-15T17:00:00+07:00"}


def test_without_a_time_the_deadline_is_the_end_of_the_day_as_before(anydb: Any) -> None:
    late = {**SUBMITTED, "Xã Năm": datetime(2026, 12, 16, 0, 1, tzinfo=HCM)}
    campaign_id = _campaign(anydb, None, late)
    assert _states(anydb, campaign_id) == {"Xã Một": "on_time", "Xã Hai": "on_time", "Xã Ba": "on_time",
                                           "Xã Năm": "late", "Xã Bốn": "not_started"}
    with anydb.uow() as uow:
        assert deadline_json(uow.campaigns.get(campaign_id), HCM)["due_at"] == "2026-12-15T23:59:59+07:00"


def test_tiendo_and_the_list_of_reports_show_the_deadline_time(anydb: Any) -> None:
    campaign_id = _campaign(anydb, time(17, 0), {})
    with anydb.uow() as uow:
        campaign = uow.campaigns.get(campaign_id)
        shown = page(uow, campaign, HCM, 1)
        assert shown.msg == "bot.dept.page" and shown.params["deadline"] == "17:00 ngày 15/12/2026"
        assert "«Tổng kết» — hạn nộp 17:00 ngày 15/12/2026\n" in render(shown.msg, shown.params)
        # A unit with two open reports is asked which one: each with its deadline.
        other = uow.campaigns.create(campaign.template_version_id, "Quý IV", date(2026, 12, 31), OPENED,
                                     [u.id for u in uow.campaigns.expected_units(campaign_id)])
        unit = uow.campaigns.expected_units(campaign_id)[0]
        person = uow.people.get_or_create("telegram", "42", "Chị Hoa", OPENED)
        uow.people.attach_unit(person, unit.id)
        identity = uow.people.identities(person.id)[0]
        chosen = choose_report(uow, person, identity, Text("/baocao"), OPENED)
        uow.commit()
    (listing,) = chosen.notes
    assert listing.msg == "bot.report.which"
    items = {item["params"]["title"]: item["params"]["deadline"] for item in listing.params["items"]}
    assert items == {"Tổng kết": "17:00 ngày 15/12/2026", other.title: "31/12/2026"}


class _At(Services):
    """The services at a moment of the test's choosing (what ``Settings.now`` reads otherwise)."""

    def __init__(self, db: Any, at: datetime) -> None:
        super().__init__(Settings(), session_factory=db.session_factory)
        self.at = at

    def now(self) -> datetime:
        return self.at


def test_an_imported_submission_gets_its_receipt_by_the_deadline_time(db: Any) -> None:
    campaign_id = _campaign(db, time(17, 0), {})
    facts = yaml.safe_load(FACTS_003.read_text(encoding="utf-8"))
    on_time = _At(db, datetime(2026, 12, 15, 16, 59, tzinfo=HCM)).import_answers(campaign_id, "Xã Bốn", facts,
                                                                                  submit=True)
    assert on_time.receipt is not None and on_time.receipt.on_time is True
    with db.uow() as uow:
        version = uow.campaigns.get(campaign_id).template_version_id
        late_id = uow.campaigns.create(version, "Tổng kết", DAY, OPENED, [uow.units.add("Xã Sáu", now=OPENED).id],
                                       deadline_time=time(17, 0)).id
        uow.commit()
    late = _At(db, datetime(2026, 12, 15, 17, 1, tzinfo=HCM)).import_answers(late_id, "Xã Sáu", facts, submit=True)
    assert late.receipt is not None and late.receipt.on_time is False
