"""What department staff get in the chat: who has reported, on time, late or not at all (/tiendo)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from bot import department_chat, undelivered
from bot.documents import compiled_document
from bot.outbox import DOCUMENT_CHANNELS, DocumentDue
from bot.progress import campaign_progress, deadline_end, unit_info
from dialogs.answers import AnswerRecord
from dialogs.conversation.recognise import recognise
from dialogs.effects import Effect, Say
from dialogs.events import Event, Text
from dialogs.messages import ref
from dialogs.vietnamese.format import format_date_short, format_number
from exporters.model import UnitStatus
from storage.models import Campaign, Person
from storage.uow import UnitOfWork

#: How many missing units /tiendo names before "… và N đơn vị khác".
LISTED = 15


def unit_statuses(uow: UnitOfWork, campaign: Campaign, zone: tzinfo, answers: bool = True) -> list[UnitStatus]:
    """Every invited unit's status (on time, late, missing) with its last submitted answers."""
    end = deadline_end(campaign, zone)
    out: list[UnitStatus] = []
    last = uow.submissions.last_submitted_by_unit(campaign.id)
    for unit in uow.campaigns.expected_units(campaign.id):
        info = unit_info(unit)
        submitted = last.get(unit.id)
        if submitted is None or submitted.submitted_at is None or submitted.status == "returned":
            # A report returned for correction counts as not submitted until it is submitted again.
            out.append(UnitStatus(info, "missing"))
            continue
        records: dict[str, AnswerRecord] = {}
        if answers:
            records = {k: AnswerRecord.from_json(v) for k, v in (submitted.answers or {}).items()}
        on_time = submitted.submitted_at <= end
        out.append(UnitStatus(info, "on_time" if on_time else "late", submitted.submitted_at, submitted.version,
                              records))
    return out


def progress(uow: UnitOfWork, campaign_id: int | None, zone: tzinfo) -> list[Say]:
    """The progress of one campaign (or of every open one), one message each (as ``reportbot progress``)."""
    campaigns = [uow.campaigns.get(campaign_id)] if campaign_id else uow.campaigns.all(status="open")
    if not campaigns:
        return [Say("bot.dept.no_campaign")]
    out = []
    for campaign in campaigns:
        found = campaign_progress(uow, campaign, zone)
        rate = found.rate
        missing = [u.unit.name for u in found.units if u.state not in ("on_time", "late")]
        more = ref("bot.dept.more", count=len(missing) - LISTED) if len(missing) > LISTED else ""
        out.append(Say("bot.dept.progress", {
            "id": campaign.id, "title": campaign.title, "deadline": format_date_short(campaign.deadline),
            "expected": rate.expected, "reported": rate.reported, "rate": format_number(rate.rate_pct, 1),
            "on_time": rate.on_time, "late": rate.late, "missing": rate.missing,
            "listed": ", ".join(missing[:LISTED]) or "—", "more": more,
        }))
    return out


def reply(uow: UnitOfWork, person: Person, event: Event, zone: tzinfo, now: datetime | None = None,
          channel: str = "") -> list[Effect | DocumentDue] | None:
    """Department staff's commands (/tiendo, /tonghop) and welcome; None for anyone else."""
    if person.role != "department":
        return None
    if isinstance(event, Text):
        named = department_chat.reply(uow, event.text, now or datetime.now(zone))
        if named is not None:
            return list(named)
    command = recognise(event.text) if isinstance(event, Text) else None
    name = command.name if command is not None else ""
    if name == "progress":
        return [*progress(uow, None, zone), *undelivered.notice(uow)]
    if name == "compile":
        ids = [c.id for c in uow.campaigns.all(status="open")]
        if not ids:
            return [Say("bot.dept.no_campaign")]
        if channel in DOCUMENT_CHANNELS:  # the compiled report itself, .docx and .xlsx
            return [item for i in ids for item in (
                DocumentDue("bot.document.compiled", {"id": i, "format": "docx"}, compiled_document(i, "docx")),
                DocumentDue("bot.document.compiled", {"id": i, "format": "xlsx"}, compiled_document(i, "xlsx")))]
        return [Say("bot.dept.compile_cli", {"id": i}) for i in ids]
    return [Say("bot.dept.welcome")]
