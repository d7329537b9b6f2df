"""Reports: one per (campaign, unit), created on first use, saved with an optimistic row version."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, select, tuple_, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..errors import ConcurrencyError, NotFound
from ..models import REPORT_STATUSES, Campaign, CampaignUnit, Identity, Report
from ._sql import KEEP, Keep, adopted, inserted_key, rowcount, table_of

_REPORTS = table_of(Report)
_BY_KEY = select(Report).where(
    Report.campaign_id == bindparam("campaign_id"), Report.unit_id == bindparam("unit_id")
)
# populate_existing: after waiting for the lock, take the row as committed by the other worker, not
# a copy this session may already hold.
_BY_KEY_LOCKED = _BY_KEY.with_for_update().execution_options(populate_existing=True)
_BY_ID_LOCKED = (
    select(Report).where(Report.id == bindparam("id")).with_for_update().execution_options(populate_existing=True)
)
# The report and its campaign in one read, the report row locked (the campaign row is not).
_ACTIVE = (
    select(Report, Campaign)
    .join(Campaign, Campaign.id == Report.campaign_id)
    .where(Report.id == bindparam("id"))
    .with_for_update(of=Report)
    .execution_options(populate_existing=True)
)
_OPEN_FOR_UNIT = (
    select(Campaign, Report)
    .join(CampaignUnit, CampaignUnit.campaign_id == Campaign.id)
    .outerjoin(Report, and_(Report.campaign_id == Campaign.id, Report.unit_id == CampaignUnit.unit_id))
    .where(CampaignUnit.unit_id == bindparam("unit_id"), Campaign.status == "open")
    .order_by(Campaign.opened_at, Campaign.id)
)
_SAVE = update(_REPORTS).where(_REPORTS.c.id == bindparam("_id"), _REPORTS.c.row_version == bindparam("_old"))


class ReportRepository:
    """The reports of units in campaigns; every save bumps ``row_version`` and refuses a stale one."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def lock_for_accounts(self, accounts: Iterable[tuple[str, str]]) -> list[int]:
        """Lock, in id order, the reports these channel accounts work on; returns their ids.

        A batch of updates locks its reports up front in one fixed order, so two workers whose batches
        share reports wait for each other instead of deadlocking.
        """
        pairs = sorted({(channel, str(external)) for channel, external in accounts})
        if not pairs:
            return []
        query = (
            select(Report.id)
            .join(Identity, Identity.report_id == Report.id)
            .where(tuple_(Identity.channel, Identity.external_id).in_(pairs))
            .order_by(Report.id)
            .with_for_update(of=Report)
        )
        return sorted(set(self.session.scalars(query)))

    def get_or_create(self, campaign_id: int, unit_id: int, now: datetime, *, for_update: bool = True) -> Report:
        """The unit's report in the campaign, created as draft version 1 if new; locked with ``for_update``.

        Safe when two workers create it at once: both end up with the same row.
        """
        found = self._by_key(campaign_id, unit_id, for_update)
        if found is not None:
            return found
        values = {
            "campaign_id": campaign_id,
            "unit_id": unit_id,
            "status": "draft",
            "version": 1,
            "row_version": 1,
            "created_at": now,
            "updated_at": now,
        }
        # ON CONFLICT DO NOTHING: a concurrent insert of the same key waits for the other transaction,
        # then does nothing; the SELECT below reads the winner's row.
        key = inserted_key(self.session, _REPORTS, values)
        if key is not None:  # new, and held by this transaction until it ends
            return adopted(self.session, Report, {"id": key, **values})
        report = self._by_key(campaign_id, unit_id, for_update)
        if report is None:  # pragma: no cover - the row was just inserted or already there
            raise ConcurrencyError(f"report of unit #{unit_id} in campaign #{campaign_id} vanished")
        return report

    def get(self, report_id: int, *, for_update: bool = False) -> Report:
        """The report with this id (row-locked with ``for_update``); :class:`NotFound` if there is none."""
        if for_update:
            report = self.session.scalars(_BY_ID_LOCKED, {"id": report_id}).first()
        else:
            report = self.session.get(Report, report_id)
        if report is None:
            raise NotFound(f"no report #{report_id}")
        return report

    def by_campaign_unit(self, campaign_id: int, unit_id: int) -> Report | None:
        """The unit's report in the campaign, if it was ever started (not locked)."""
        return self._by_key(campaign_id, unit_id, for_update=False)

    def save(
        self,
        report: Report,
        now: datetime,
        *,
        status: str | Keep = KEEP,
        version: int | Keep = KEEP,
        ref: str | Keep | None = KEEP,
        comment: str | Keep | None = KEEP,
    ) -> int:
        """Change the given columns in one conditional UPDATE and return the new ``row_version``.

        Raises :class:`ConcurrencyError` when the row is no longer at the ``row_version`` ``report``
        was read at (another worker saved first): nothing is written then.
        """
        if status is not KEEP and status not in REPORT_STATUSES:
            raise ValueError(f"unknown report status {status!r}: use one of {', '.join(REPORT_STATUSES)}")
        old = report.row_version
        values: dict[str, Any] = {"row_version": old + 1, "updated_at": now}
        for key, value in (("status", status), ("version", version), ("ref", ref), ("comment", comment)):
            if value is not KEEP:
                values[key] = value
        result = self.session.execute(_SAVE, {**values, "_id": report.id, "_old": old})
        if rowcount(result) != 1:
            raise ConcurrencyError(f"report #{report.id} changed since row version {old}")
        for key, value in values.items():
            set_committed_value(report, key, value)
        return old + 1

    def open_for_unit(self, unit_id: int) -> list[tuple[Campaign, Report | None]]:
        """The open campaigns the unit is invited to, oldest first, each with its report if started."""
        return [(campaign, report) for campaign, report in self.session.execute(_OPEN_FOR_UNIT, {"unit_id": unit_id})]

    def active(self, report_id: int) -> tuple[Report, Campaign] | None:
        """The report (row-locked) and its campaign, in one read; None if there is no such report."""
        row = self.session.execute(_ACTIVE, {"id": report_id}).first()
        return None if row is None else (row[0], row[1])

    def for_campaign(self, campaign_id: int) -> list[Report]:
        """The reports started in a campaign, by unit id."""
        query = select(Report).where(Report.campaign_id == campaign_id).order_by(Report.unit_id)
        return list(self.session.scalars(query))

    def _by_key(self, campaign_id: int, unit_id: int, for_update: bool) -> Report | None:
        query = _BY_KEY_LOCKED if for_update else _BY_KEY
        return self.session.scalars(query, {"campaign_id": campaign_id, "unit_id": unit_id}).first()
