"""The report side of a turn: the engine's view of a stored report, and storing what the engine decided.

The runner (chat) and ``answers import`` both go through :func:`apply_effects`, so an answer is stored the
same way whichever way it came.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from dialogs.answers import AnswerRecord
from dialogs.conversation.report import DRAFT, SUBMITTED, Report
from dialogs.effects import AnswerSaved, ContactRequested, Effect, Say, Submitted, VersionOpened
from dialogs.messages import t
from dialogs.template.loader import load_stored_template
from dialogs.template.model import Template
from storage.models import Report as ReportRow
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


def campaign_template(uow: UnitOfWork, template_version_id: int) -> Template:
    """The template version a campaign was opened on. It was checked in full then; what a newer, stricter
    reportbot finds in it now is logged as a warning, never shown to a user."""
    row = uow.templates.get(template_version_id)
    template, issues = load_stored_template(row.text, source=f"{row.template_id}@{row.version}")
    for issue in issues:
        log.warning("stored template %s@%s: %s", row.template_id, row.version, issue)
    return template


def report_view(uow: UnitOfWork, row: ReportRow) -> Report:
    """The engine's view of a stored report: its current answers, version, status and last receipt."""
    answers = uow.answers.current_records(row.campaign_id, row.unit_id)
    return Report.of(answers, version=row.version, status=row.status, ref=row.ref or "")


def apply_effects(uow: UnitOfWork, row: ReportRow, effects: Iterable[Effect], now: datetime, *,
                  person_id: int | None, channel: str, contact: str = "",
                  appended: list[tuple[str, int, AnswerRecord]] | None = None) -> list[Effect]:
    """Store what the engine decided: answers (append-only), versions, submissions, requests for help.

    Returns the effects to send, with what only storage knows said in its place: whether a request for
    help reached anyone at the department (``contact``: whom to call instead, when nobody can be told).
    ``appended`` gets each answer stored (field, row id, the record as it reads back)."""
    out: list[Effect] = []
    for effect in effects:
        out.append(effect)
        if isinstance(effect, AnswerSaved):
            record = AnswerRecord.from_json(effect.record)
            answer_id = uow.answers.append(campaign_id=row.campaign_id, unit_id=row.unit_id,
                                           field_id=effect.field_id, record=record, person_id=person_id,
                                           channel=channel, now=now, submission_version=effect.version,
                                           field_type=record.field_type)
            if appended is not None:
                appended.append((effect.field_id, answer_id, uow.answers.as_read(record, now, record.field_type)))
        elif isinstance(effect, VersionOpened):
            uow.reports.save(row, now, status=DRAFT, version=effect.version)
            uow.submissions.draft_for(row, now)
        elif isinstance(effect, Submitted):
            uow.submissions.submit(row, effect.answers, effect.ref, person_id, now)
            uow.reports.save(row, now, status=SUBMITTED, version=effect.version, ref=effect.ref)
            uow.reminders.cancel(row.campaign_id, now, unit_id=row.unit_id, kinds=("unit",))  # no more reminders
        elif isinstance(effect, ContactRequested):
            text = t("bot.contact_request", unit=uow.units.get(row.unit_id).name, field=effect.field_id)
            told = 0
            for staff in uow.people.with_role("department"):
                for identity in uow.people.identities(staff.id):
                    uow.outbox.add(identity.channel, identity.external_id, {"text": text, "buttons": []}, now)
                    told += 1
            out.append(Say("bot.contact.sent") if told else Say("bot.contact.nobody", {"contact": contact}))
    return out
