"""What department staff get in the chat: who has reported, on time, late or not at all (/tiendo)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from bot import department_chat, department_pages, undelivered
from bot.documents import compiled_document
from bot.outbox import DOCUMENT_CHANNELS, DocumentDue
from bot.progress import deadline_end, unit_info
from dialogs.answers import AnswerRecord
from dialogs.conversation.recognise import recognise
from dialogs.effects import Effect, Say
from dialogs.errors import ReportbotError
from dialogs.events import Event, Pick, Text
from dialogs.vietnamese.text import fold
from exporters.model import UnitStatus
from storage.models import Campaign, Identity, Person
from storage.uow import UnitOfWork

#: A card's buttons as they may be typed (folded), to what they do.
CARD_WORDS = {"doc bao cao": "view", "doc": "view", "xem": "view", "xem bao cao": "view", "tra lai": "return",
              "tra lai de sua": "return", "tra": "return", "danh sach": "page", "quay lai": "page",
              "ve danh sach": "page"}


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


def reply(uow: UnitOfWork, person: Person, identity: Identity, event: Event, zone: tzinfo,
          now: datetime | None = None, channel: str = "") -> list[Effect | DocumentDue] | None:
    """Department staff's commands (/tiendo, /tonghop, /xem, /tralai), their buttons and their welcome; None
    for anyone else."""
    if person.role != "department":
        return None
    now = now or datetime.now(zone)
    if isinstance(event, Pick):
        pressed = department_pages.parse(event.data)
        if pressed is not None:
            uow.people.set_pending(identity, None)
            return _press(uow, identity, pressed, zone, now, channel)
    if isinstance(event, Text):
        answered = department_chat.answer_pending(uow, identity, event.text, now)
        if answered is not None:
            return list(answered)
        on_card = _card_words(uow, identity, event.text, zone, now, channel)
        if on_card is not None:
            return on_card
        named = department_chat.reply(uow, identity, event.text, now)
        if named is not None:
            return list(named)
    command = recognise(event.text) if isinstance(event, Text) else None
    name = command.name if command is not None else ""
    if isinstance(event, Text) and command is None:  # a unit's name: its card, as its button opens it
        card = _typed_unit(uow, identity, event.text, zone, now)
        if card is not None:
            return card
    if name == "progress":
        number = int(command.arg) if command is not None and command.arg.strip().isdigit() else 1
        campaigns = uow.campaigns.all(status="open")
        if not campaigns:
            return [Say("bot.dept.no_campaign")]
        return [*(department_pages.page(uow, c, zone, number) for c in campaigns), *undelivered.notice(uow)]
    if name == "compile":
        ids = [c.id for c in uow.campaigns.all(status="open")]
        if not ids:
            return [Say("bot.dept.no_campaign")]
        return [item for i in ids for item in _compiled(i, channel)]
    return [Say("bot.dept.welcome")]


def _press(uow: UnitOfWork, identity: Identity, pressed: tuple[str, tuple[int, ...]], zone: tzinfo,
           now: datetime, channel: str) -> list[Effect | DocumentDue]:
    """What a button of /tiendo does: a page, a unit's card, its report, its return, the compiled report."""
    action, numbers = pressed
    try:
        campaign = uow.campaigns.get(numbers[0])
    except ReportbotError:
        return [Say("bot.dept.no_campaign")]
    if action == "page":
        return [department_pages.page(uow, campaign, zone, numbers[1])]
    if action == "unit":
        department_chat.wait(uow, identity, now, wait="card", campaign=campaign.id, unit=numbers[1], page=numbers[2])
        return [department_pages.card(uow, campaign, numbers[1], zone, numbers[2])]
    if action == "compile":
        return list(_compiled(campaign.id, channel))
    unit = uow.units.by_id(numbers[1])
    if unit is None:
        return [Say("bot.dept.no_campaign")]
    if action == "view":
        return list(department_chat.view(uow, campaign, unit, numbers[2]))
    return list(department_chat.ask_reason(uow, identity, campaign, unit, now))


def _card_words(uow: UnitOfWork, identity: Identity, text: str, zone: tzinfo, now: datetime,
                channel: str) -> list[Effect | DocumentDue] | None:
    """A card's buttons typed (with or without diacritics) after the card: read, return, back to the list.
    None for anything else, which drops the card (the text is then read as usual)."""
    pending = identity.pending
    if not pending or pending.get("wait") != "card":
        return None
    uow.people.set_pending(identity, None)
    asked = department_chat.when(pending)
    action = CARD_WORDS.get(fold(text))
    if action is None or asked is None or now - asked > department_chat.PENDING_FOR:
        return None
    try:
        campaign, unit, page = int(pending["campaign"]), int(pending["unit"]), int(pending["page"])
    except (KeyError, TypeError, ValueError):
        return None
    numbers = (campaign, page) if action == "page" else (campaign, unit, page)
    return _press(uow, identity, (action, numbers), zone, now, channel)


def _typed_unit(uow: UnitOfWork, identity: Identity, text: str, zone: tzinfo,
                now: datetime) -> list[Effect | DocumentDue] | None:
    """The card of the unit ``text`` names exactly (in its latest open campaign); None when it names none."""
    try:
        unit, rest = department_chat.unit_and_rest(uow, text)
    except ReportbotError:
        return None
    campaign = department_chat.campaign_of(uow, unit)
    if rest or campaign is None:
        return None
    department_chat.wait(uow, identity, now, wait="card", campaign=campaign.id, unit=unit.id, page=1)
    return [department_pages.card(uow, campaign, unit.id, zone, 1)]


def _compiled(campaign_id: int, channel: str) -> list[Effect | DocumentDue]:
    """The compiled report of a campaign: .docx and .xlsx where the channel takes documents, else how to get it."""
    if channel not in DOCUMENT_CHANNELS:
        return [Say("bot.dept.compile_cli", {"id": campaign_id})]
    return [DocumentDue("bot.document.compiled", {"id": campaign_id, "format": kind},
                        compiled_document(campaign_id, kind)) for kind in ("docx", "xlsx")]
