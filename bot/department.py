"""What department staff get in the chat: who has reported, on time, late or not at all (/tiendo)."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from dialogs.answers import AnswerRecord
from dialogs.messages import t
from dialogs.vietnamese.format import format_date_short, format_number
from exporters.model import UnitInfo, UnitStatus
from exporters.rate import reporting_rate
from storage.models import Campaign
from storage.uow import UnitOfWork

#: How many missing units /tiendo names before "… và N đơn vị khác".
LISTED = 15


def unit_statuses(uow: UnitOfWork, campaign: Campaign, zone: tzinfo, answers: bool = True) -> list[UnitStatus]:
    """Every invited unit's status (on time, late, missing) with its last submitted answers."""
    deadline_end = datetime.combine(campaign.deadline, datetime.max.time(), tzinfo=zone)
    out: list[UnitStatus] = []
    for unit in uow.campaigns.expected_units(campaign.id):
        info = UnitInfo(unit.name, unit.kind or "", str(unit.code or ""), unit.province_name or "")
        submitted = uow.submissions.last_submitted(campaign.id, unit.id)
        if submitted is None or submitted.submitted_at is None:
            out.append(UnitStatus(info, "missing"))
            continue
        records: dict[str, AnswerRecord] = {}
        if answers:
            records = {k: AnswerRecord.from_json(v) for k, v in (submitted.answers or {}).items()}
        state = "on_time" if submitted.submitted_at <= deadline_end else "late"
        out.append(UnitStatus(info, state, submitted.submitted_at, submitted.version, records))
    return out


def progress_text(uow: UnitOfWork, campaign_id: int | None, zone: tzinfo) -> str:
    """The progress of one campaign (or of every open one) as a chat message."""
    campaigns = [uow.campaigns.get(campaign_id)] if campaign_id else uow.campaigns.all(status="open")
    if not campaigns:
        return t("bot.dept.no_campaign")
    parts = []
    for campaign in campaigns:
        statuses = unit_statuses(uow, campaign, zone, answers=False)
        rate = reporting_rate(statuses)
        missing = [s.unit.name for s in statuses if s.status == "missing"]
        listed = ", ".join(missing[:LISTED]) + (t("bot.dept.more", count=len(missing) - LISTED)
                                                  if len(missing) > LISTED else "")
        parts.append(t(
            "bot.dept.progress",
            id=campaign.id, title=campaign.title, deadline=format_date_short(campaign.deadline),
            expected=rate.expected, reported=rate.reported, rate=format_number(rate.rate_pct, 1),
            on_time=rate.on_time, late=rate.late, missing=rate.missing, listed=listed or "—",
        ))
    return "\n\n".join(parts)


def is_department(uow: UnitOfWork, person_id: int) -> bool:
    """Whether the person is department staff."""
    person: Any = uow.people.get(person_id)
    return bool(person.role == "department")
