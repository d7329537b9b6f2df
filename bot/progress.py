"""Where every invited unit of a campaign stands, and the rates: one function for ``reportbot progress`` and the
chat's ``/tiendo`` (:mod:`bot.department`).

States: not started (no answer yet), in progress (x of y questions answered), submitted on time, submitted
late, returned for correction, accepted by the department (still counted on time or late). Rates as DHIS2
defines them (:mod:`exporters.rate`): reporting rate = submitted / expected, on-time rate = submitted by the
deadline / expected. A report returned for correction counts as not submitted until it is submitted again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from typing import Any, Literal

from bot.reporting import campaign_template
from dialogs.conversation import flow
from dialogs.messages import t
from dialogs.template.model import Template
from dialogs.vietnamese.format import format_deadline
from exporters.model import UnitInfo, UnitState, UnitStatus
from exporters.rate import Rate, reporting_rate
from storage.models import Campaign, Report, Submission, Unit
from storage.uow import UnitOfWork

State = Literal["not_started", "in_progress", "on_time", "late", "returned", "accepted"]
STATES: tuple[State, ...] = ("not_started", "in_progress", "on_time", "late", "returned", "accepted")


@dataclass(frozen=True)
class UnitProgress:
    """One invited unit: its state, how far it got, its last submission (time, version, receipt)."""

    unit: Unit
    state: State
    answered: int = 0
    asked: int = 0
    submitted_at: datetime | None = None
    version: int | None = None
    ref: str = ""
    #: The department's comment when the report was returned.
    comment: str = ""
    #: A submitted report whose unit is editing a next version (the submitted one still counts).
    editing: bool = False
    #: Whether the submission came by the deadline (None: nothing submitted).
    on_time: bool | None = None

    @property
    def label(self) -> str:
        """The state in Vietnamese: «đang làm 12/25 mục», «đã nộp đúng hạn» …"""
        when = t("bot.cli.receipt_on_time" if self.on_time else "bot.cli.receipt_late")
        text = t(f"bot.progress.state.{self.state}", answered=self.answered, asked=self.asked, when=when)
        return text + (t("bot.progress.editing") if self.editing else "")

    def to_json(self) -> dict[str, Any]:
        """The row as ``progress --json`` prints it."""
        return {"unit": unit_json(self.unit), "state": self.state, "label": self.label, "answered": self.answered,
                "asked": self.asked, "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
                "version": self.version, "ref": self.ref or None, "comment": self.comment or None,
                "editing": self.editing, "on_time": self.on_time}


@dataclass(frozen=True)
class Progress:
    """A campaign's progress: every invited unit (Vietnamese order) and the rates."""

    campaign: Campaign
    units: tuple[UnitProgress, ...]
    rate: Rate

    def count(self, state: State) -> int:
        """How many units are in ``state``."""
        return sum(u.state == state for u in self.units)


def unit_json(unit: Unit) -> dict[str, Any]:
    """The unit a command acted on, as every ``--json`` output names it."""
    return {"id": unit.id, "name": unit.name, "province": unit.province_name, "code": unit.code}


def unit_info(unit: Unit) -> UnitInfo:
    """A stored unit as the exporters know it."""
    return UnitInfo(unit.name, unit.kind or "", str(unit.code or ""), unit.province_name or "")


def deadline_moment(day: date, at: time | None, zone: tzinfo) -> datetime:
    """The last moment a submission counts as on time, in the reporting zone: ``at`` on ``day`` (17:00 — a
    submission at 17:00:01 is late), or the end of that day when there is no time."""
    return datetime.combine(day, at or time.max, tzinfo=zone)


def deadline_end(campaign: Campaign, zone: tzinfo) -> datetime:
    """A campaign's deadline moment (:func:`deadline_moment`): what on time and late are decided by."""
    return deadline_moment(campaign.deadline, campaign.deadline_time, zone)


def deadline_json(campaign: Campaign, zone: tzinfo) -> dict[str, Any]:
    """The deadline as every ``--json`` output gives it: ``deadline`` (the day), ``deadline_time`` ("HH:MM" or
    None: the end of the day) and ``due_at`` (that moment, ISO with the zone's offset)."""
    at = campaign.deadline_time
    return {"deadline": campaign.deadline.isoformat(), "deadline_time": None if at is None else f"{at:%H:%M}",
            "due_at": deadline_end(campaign, zone).isoformat(timespec="seconds")}


def deadline_text(campaign: Campaign) -> str:
    """The deadline as people read it: «17:00 ngày 15/12/2026», or «15/12/2026» when it has no time."""
    return format_deadline(campaign.deadline, campaign.deadline_time)


def campaign_progress(uow: UnitOfWork, campaign: Campaign, zone: tzinfo) -> Progress:
    """Every invited unit's state and the campaign's rates (reads only)."""
    template = campaign_template(uow, campaign.template_version_id)
    end = deadline_end(campaign, zone)
    rows: list[UnitProgress] = []
    statuses: list[UnitStatus] = []
    # Three queries for the whole campaign, then one per unit that has started without submitting.
    reports = {r.unit_id: r for r in uow.reports.for_campaign(campaign.id)}
    last = uow.submissions.last_submitted_by_unit(campaign.id)
    for unit in uow.campaigns.expected_units(campaign.id):
        row = _unit_row(uow, template, campaign, unit, reports.get(unit.id), last.get(unit.id), end)
        rows.append(row)
        kind: UnitState = "missing" if row.on_time is None or row.state == "returned" else \
            "on_time" if row.on_time else "late"
        statuses.append(UnitStatus(unit_info(unit), kind))
    return Progress(campaign, tuple(rows), reporting_rate(statuses))


def unit_progress(uow: UnitOfWork, campaign: Campaign, unit: Unit, zone: tzinfo) -> UnitProgress:
    """One unit's state in a campaign (a department's card), without reading the others'."""
    template = campaign_template(uow, campaign.template_version_id)
    return _unit_row(uow, template, campaign, unit, uow.reports.by_campaign_unit(campaign.id, unit.id),
                     uow.submissions.last_submitted(campaign.id, unit.id), deadline_end(campaign, zone))


def _unit_row(uow: UnitOfWork, template: Template, campaign: Campaign, unit: Unit, report: Report | None,
              submitted: Submission | None, end: datetime) -> UnitProgress:
    """A unit's state from its report and its last submitted version."""
    editing = report is not None and submitted is not None and report.status == "draft" \
        and report.version > submitted.version
    if submitted is not None and submitted.status == "returned":
        # Returned for correction: not submitted until the unit submits again (it may be editing already).
        return UnitProgress(unit, "returned", version=submitted.version, ref=submitted.ref or "",
                            comment=submitted.comment or "", editing=editing)
    if submitted is not None and submitted.submitted_at is not None:
        on_time = submitted.submitted_at <= end
        state: State = "accepted" if submitted.status == "accepted" else "on_time" if on_time else "late"
        return UnitProgress(unit, state, submitted_at=submitted.submitted_at, version=submitted.version,
                            ref=submitted.ref or "", editing=editing, on_time=on_time)
    answers = uow.answers.current_records(campaign.id, unit.id) if report is not None else {}
    asked = flow.applicable(template, answers)
    done = sum(flow.is_done(f, answers) for f in asked)
    return UnitProgress(unit, "in_progress" if done else "not_started", done, len(asked))


__all__ = ["STATES", "Progress", "UnitProgress", "campaign_progress", "deadline_end", "deadline_json",
           "deadline_moment", "deadline_text", "unit_info", "unit_json", "unit_progress"]
