"""Template versions (immutable), campaigns with their expected units, and versioned submissions."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import and_, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dialogs.answers import AnswerRecord
from dialogs.template.model import Template

from ..errors import ConcurrencyError, NotFound, SubmissionClosed
from ..models import Campaign, CampaignUnit, Report, Submission, TemplateVersion, Unit
from ..unit_lookup import sorted_units
from ._sql import adopted, inserted_key, rowcount, table_of

_SUBMISSIONS = table_of(Submission)


def template_digest(template: Template) -> str:
    """The template's digest, or the SHA-256 of its text when it was built without one."""
    return template.digest or hashlib.sha256(template.text.encode("utf-8")).hexdigest()


class TemplateRepository:
    """Immutable template versions, one row per digest of the YAML text."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def ensure(self, template: Template, now: datetime) -> TemplateVersion:
        """The stored version of ``template``, stored now if its digest is new (idempotent)."""
        digest = template_digest(template)
        found = self.by_digest(digest)
        if found is not None:
            return found
        row = TemplateVersion(
            template_id=template.id,
            version=template.version,
            digest=digest,
            title=template.meta.title,
            text=template.text,
            created_at=now,
        )
        try:
            # Two workers may store the same new template at once: the loser keeps the winner's row.
            with self.session.begin_nested():
                self.session.add(row)
                self.session.flush()
        except IntegrityError:
            winner = self.by_digest(digest)
            if winner is None:
                raise
            return winner
        return row

    def get(self, version_id: int) -> TemplateVersion:
        """The template version with this id; :class:`NotFound` if there is none."""
        row = self.session.get(TemplateVersion, version_id)
        if row is None:
            raise NotFound(f"no template version #{version_id}")
        return row

    def by_digest(self, digest: str) -> TemplateVersion | None:
        """The template version with this digest, if stored."""
        return self.session.scalars(select(TemplateVersion).where(TemplateVersion.digest == digest)).first()

    def latest(self, template_id: str) -> TemplateVersion | None:
        """The most recently stored version of a template, if any."""
        query = (
            select(TemplateVersion)
            .where(TemplateVersion.template_id == template_id)
            .order_by(TemplateVersion.id.desc())
            .limit(1)
        )
        return self.session.scalars(query).first()


class CampaignRepository:
    """Campaigns: a template version, a deadline and the units expected to report."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def create(
        self,
        template_version: TemplateVersion | int,
        title: str,
        deadline: date,
        now: datetime,
        unit_ids: Iterable[int] = (),
        *,
        created_by: int | None = None,
        word_template: bytes | None = None,
        word_template_name: str | None = None,
        contact: str | None = None,
        deadline_time: time | None = None,
    ) -> Campaign:
        """Open a campaign and invite ``unit_ids`` (optionally with a department's Word template); the deadline
        is ``deadline`` at ``deadline_time`` (None: the end of that day)."""
        version_id = template_version if isinstance(template_version, int) else template_version.id
        campaign = Campaign(
            template_version_id=version_id,
            title=title,
            deadline=deadline,
            deadline_time=deadline_time,
            opened_at=now,
            status="open",
            created_by=created_by,
            word_template=word_template,
            word_template_name=word_template_name,
            contact=contact,
        )
        self.session.add(campaign)
        self.session.flush()
        self.invite_units(campaign.id, unit_ids)
        return campaign

    def get(self, campaign_id: int) -> Campaign:
        """The campaign with this id; :class:`NotFound` if there is none."""
        campaign = self.session.get(Campaign, campaign_id)
        if campaign is None:
            raise NotFound(msg="storage.campaign_unknown", id=campaign_id)
        return campaign

    def lock(self, campaign_id: int) -> None:
        """Lock a campaign's row until the end of the transaction (PostgreSQL; SQLite has one writer)."""
        self.session.execute(select(Campaign.id).where(Campaign.id == campaign_id).with_for_update())

    def all(self, status: str | None = None) -> list[Campaign]:
        """Every campaign (only "open" or "closed" ones when asked), newest first."""
        query = select(Campaign).order_by(Campaign.id.desc())
        if status is not None:
            query = query.where(Campaign.status == status)
        return list(self.session.scalars(query))

    def open_for_unit(self, unit_id: int) -> list[Campaign]:
        """Open campaigns this unit is expected to report in, nearest deadline first."""
        query = (
            select(Campaign)
            .join(CampaignUnit, CampaignUnit.campaign_id == Campaign.id)
            .where(CampaignUnit.unit_id == unit_id, Campaign.status == "open")
            .order_by(Campaign.deadline, Campaign.deadline_time.is_(None), Campaign.deadline_time, Campaign.id)
        )
        return list(self.session.scalars(query))

    def invite_units(self, campaign_id: int, unit_ids: Iterable[int]) -> int:
        """Expect these units to report too; returns how many were new (already invited: ignored)."""
        wanted = dict.fromkeys(unit_ids)
        if not wanted:
            return 0
        already = set(
            self.session.scalars(
                select(CampaignUnit.unit_id).where(
                    CampaignUnit.campaign_id == campaign_id, CampaignUnit.unit_id.in_(list(wanted))
                )
            )
        )
        new = [unit_id for unit_id in wanted if unit_id not in already]
        self.session.add_all(CampaignUnit(campaign_id=campaign_id, unit_id=unit_id) for unit_id in new)
        self.session.flush()
        return len(new)

    def remove_units(self, campaign_id: int, unit_ids: Iterable[int]) -> int:
        """Expect these units no more; returns how many were invited (their reports, if any, are kept)."""
        wanted = list(dict.fromkeys(unit_ids))
        if not wanted:
            return 0
        result = self.session.execute(
            delete(CampaignUnit).where(CampaignUnit.campaign_id == campaign_id, CampaignUnit.unit_id.in_(wanted))
        )
        return rowcount(result)

    def is_expected(self, campaign_id: int, unit_id: int) -> bool:
        """Whether the unit is invited to the campaign."""
        query = select(CampaignUnit.unit_id).where(CampaignUnit.campaign_id == campaign_id,
                                                   CampaignUnit.unit_id == unit_id)
        return self.session.scalars(query).first() is not None

    def expected_units(self, campaign_id: int) -> list[Unit]:
        """The units invited to a campaign, in Vietnamese alphabetical order of name (then province)."""
        query = (
            select(Unit)
            .join(CampaignUnit, CampaignUnit.unit_id == Unit.id)
            .where(CampaignUnit.campaign_id == campaign_id)
        )
        return sorted_units(list(self.session.scalars(query)))

    def close(self, campaign: Campaign, now: datetime) -> None:
        """Stop accepting answers for a campaign."""
        campaign.status = "closed"
        campaign.closed_at = now

    def reopen(self, campaign: Campaign) -> None:
        """Accept answers again (late submissions after a close)."""
        campaign.status = "open"
        campaign.closed_at = None


class SubmissionRepository:
    """Versions of a unit's report: drafts, submitted versions (frozen) and returned ones."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def latest(self, campaign_id: int, unit_id: int) -> Submission | None:
        """The newest version of this unit's report, if any."""
        query = (
            select(Submission)
            .where(Submission.campaign_id == campaign_id, Submission.unit_id == unit_id)
            .order_by(Submission.version.desc())
            .limit(1)
        )
        return self.session.scalars(query).first()

    def versions(self, campaign_id: int, unit_id: int) -> list[Submission]:
        """Every version of this unit's report, oldest first."""
        query = (
            select(Submission)
            .where(Submission.campaign_id == campaign_id, Submission.unit_id == unit_id)
            .order_by(Submission.version)
        )
        return list(self.session.scalars(query))

    def open_draft(self, campaign_id: int, unit_id: int, now: datetime) -> Submission:
        """The current draft: the latest version if it is one, else a new version after it."""
        latest = self.latest(campaign_id, unit_id)
        if latest is not None and latest.status == "draft":
            return latest
        # Two reporters of one unit may open the draft at once: the loser takes the winner's.
        draft = self._insert_version(campaign_id, unit_id, 1 if latest is None else latest.version + 1, now)
        if draft is None:
            draft = self.latest(campaign_id, unit_id)
            if draft is None or draft.status != "draft":
                raise ConcurrencyError(f"the draft of unit #{unit_id} in campaign #{campaign_id} vanished")
        return draft

    def of_version(self, campaign_id: int, unit_id: int, version: int) -> Submission | None:
        """This version of the unit's report, if it has a row."""
        query = select(Submission).where(
            Submission.campaign_id == campaign_id, Submission.unit_id == unit_id, Submission.version == version
        )
        return self.session.scalars(query).first()

    def draft_for(self, report: Report, now: datetime) -> Submission:
        """The row of the version ``report`` is at, created as a draft when it has none yet."""
        found = self.of_version(report.campaign_id, report.unit_id, report.version)
        if found is not None:
            return found
        # Two reporters of one unit may submit at once: the loser finds the winner's row.
        draft = self._insert_version(report.campaign_id, report.unit_id, report.version, now)
        if draft is None:
            draft = self.of_version(report.campaign_id, report.unit_id, report.version)
            if draft is None:
                raise ConcurrencyError(f"version {report.version} of report #{report.id} vanished")
        return draft

    def _insert_version(self, campaign_id: int, unit_id: int, version: int, now: datetime, **columns: Any
                      ) -> Submission | None:
        """A new row for this version, a draft unless ``columns`` say otherwise (a submitted one), or None if another
        transaction has just made it (one ``INSERT … ON CONFLICT DO NOTHING RETURNING``: no savepoint, no flush)."""
        values = {"campaign_id": campaign_id, "unit_id": unit_id, "version": version, "status": "draft",
                  "created_at": now, **columns}
        key = inserted_key(self.session, _SUBMISSIONS, values)
        return None if key is None else adopted(self.session, Submission, {"id": key, **values})

    def submit(
        self,
        submission: Submission | Report,
        answers_snapshot: Mapping[str, AnswerRecord | Mapping[str, Any]],
        ref: str | None,
        person_id: int | None,
        now: datetime,
    ) -> Submission:
        """Freeze a draft with its answers; :class:`SubmissionClosed` if it is not a draft.

        Given a :class:`Report`, freezes the version the report is at (its row made if missing); the
        caller then records the outcome on the report (``reports.save(report, now, status="submitted",
        ref=ref)``).
        """
        snapshot = {field_id: record.to_json() if isinstance(record, AnswerRecord) else dict(record)
                    for field_id, record in answers_snapshot.items()}
        if isinstance(submission, Report):
            # The common case: the version has no row yet, and is made submitted at once.
            made = self._insert_version(submission.campaign_id, submission.unit_id, submission.version, now,
                                      status="submitted", answers=snapshot, ref=ref, submitted_by=person_id,
                                      submitted_at=now)
            if made is not None:
                return made
            submission = self.draft_for(submission, now)
        if submission.status != "draft":
            raise SubmissionClosed(
                f"submission v{submission.version} of unit #{submission.unit_id} is {submission.status}"
            )
        submission.answers = snapshot
        submission.status = "submitted"
        submission.ref = ref
        submission.submitted_by = person_id
        submission.submitted_at = now
        return submission

    def send_back(self, submission: Submission, comment: str, now: datetime) -> Submission:
        """Return a submitted report to its unit with a comment (the next draft opens a new version)."""
        if submission.status not in ("submitted", "accepted"):
            raise SubmissionClosed(
                f"only a submitted report can be returned; v{submission.version} is {submission.status}"
            )
        submission.status = "returned"
        submission.comment = comment
        submission.returned_at = now
        return submission

    def accept(self, submission: Submission) -> Submission:
        """The department takes a submitted version as final ("đã tiếp nhận"); it still counts on time or late."""
        if submission.status != "submitted":
            raise SubmissionClosed(
                f"only a submitted report can be accepted; v{submission.version} is {submission.status}"
            )
        submission.status = "accepted"
        self.session.flush()
        return submission

    def for_campaign(self, campaign_id: int) -> list[Submission]:
        """The latest version of every unit's report in a campaign, by unit id."""
        newest = (
            select(Submission.unit_id, func.max(Submission.version).label("version"))
            .where(Submission.campaign_id == campaign_id)
            .group_by(Submission.unit_id)
            .subquery()
        )
        query = (
            select(Submission)
            .join(
                newest,
                and_(Submission.unit_id == newest.c.unit_id, Submission.version == newest.c.version),
            )
            .where(Submission.campaign_id == campaign_id)
            .order_by(Submission.unit_id)
        )
        return list(self.session.scalars(query))

    def last_submitted(self, campaign_id: int, unit_id: int) -> Submission | None:
        """The newest version that was submitted (what the department reads), if any."""
        query = (
            select(Submission)
            .where(
                Submission.campaign_id == campaign_id,
                Submission.unit_id == unit_id,
                Submission.submitted_at.is_not(None),
            )
            .order_by(Submission.version.desc())
            .limit(1)
        )
        return self.session.scalars(query).first()

    def last_submitted_by_unit(self, campaign_id: int) -> dict[int, Submission]:
        """:meth:`last_submitted` of every unit of a campaign in one query: unit id → its newest submitted version."""
        query = (
            select(Submission)
            .where(Submission.campaign_id == campaign_id, Submission.submitted_at.is_not(None))
            .order_by(Submission.unit_id, Submission.version)
        )
        return {s.unit_id: s for s in self.session.scalars(query)}  # the last version of each unit wins
