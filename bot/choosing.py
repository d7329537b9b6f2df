"""Which report a message is for: the one the chat works on, else the unit's only open one, else the user picks.

A unit may have several open reports (two campaigns). A finished report never blocks a new one: when the
chat's report is submitted and the unit has exactly one unfinished report, the chat moves to it; with
several, ``/baocao`` (or the first message) lists them and the next message picks one by number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.progress import deadline_text
from dialogs.conversation.recognise import recognise
from dialogs.effects import Button, Say
from dialogs.events import Event, Pick, Start, Text
from dialogs.vietnamese.cleaning import ascii_digits, index
from storage.models import Campaign, Identity, Person
from storage.models import Report as ReportRow
from storage.uow import UnitOfWork

#: Statuses of a report that still needs the unit's work.
UNFINISHED = frozenset({"draft", "returned"})


@dataclass
class Chosen:
    """The report the message goes to (None: it was answered here), what to say first, and the event."""

    report: ReportRow | None
    campaign: Campaign | None
    event: Event
    notes: list[Say] = field(default_factory=list)


def choose_report(uow: UnitOfWork, person: Person, identity: Identity, event: Event, now: datetime, *,
                  current: tuple[ReportRow, Campaign] | None = None) -> Chosen:
    """Decide which of the person's open reports ``event`` is for (creating the report row on first use).

    ``current``: the account's report (locked) and its campaign, when the caller read them already."""
    if person.unit_id is None:
        return Chosen(None, None, event, [Say("bot.need_invite")])
    wants_list = _asks_for_list(event)
    if identity.report_id is not None and not identity.choice and not wants_list:
        # The common case, in one read: the chat's report is still open and unfinished.
        found = current if current is not None and current[0].id == identity.report_id else None
        found = found or uow.reports.active(identity.report_id)
        if found is not None:
            row, campaign = found
            if campaign.status == "open" and row.status in UNFINISHED and row.unit_id == person.unit_id:
                return Chosen(row, campaign, event)
    open_ = uow.reports.open_for_unit(person.unit_id)
    if not open_:
        unit = uow.units.get(person.unit_id)
        return Chosen(None, None, event, [Say("bot.report.none_open", {"unit": unit.name})])
    picked = _picked(identity, event, open_)
    if picked is not None:
        return _use(uow, person.unit_id, identity, open_[picked], now, Start(), [])
    if wants_list and len(open_) > 1:
        return _offer(uow, identity, open_, event)
    active = next((pair for pair in open_ if pair[1] is not None and pair[1].id == identity.report_id), None)
    unfinished = [pair for pair in open_ if pair[1] is None or pair[1].status in UNFINISHED]
    if active is not None and active[1] is not None:
        if active[1].status in UNFINISHED or not unfinished:
            return _use(uow, person.unit_id, identity, active, now, event, [])
        if len(unfinished) == 1:
            note = Say("bot.report.switched", {"old": active[0].title, **_about(unfinished[0][0])})
            return _use(uow, person.unit_id, identity, unfinished[0], now, Start(), [note])
        return _offer(uow, identity, open_, event)
    if len(unfinished) == 1 or len(open_) == 1:
        pair = unfinished[0] if unfinished else open_[-1]
        notes = [Say("bot.report.chosen", _about(pair[0]))] if len(open_) > 1 else []
        return _use(uow, person.unit_id, identity, pair, now, event, notes)
    if unfinished:
        return _offer(uow, identity, open_, event)
    return _use(uow, person.unit_id, identity, open_[-1], now, event, [])


def _about(campaign: Campaign) -> dict[str, str]:
    return {"title": campaign.title, "deadline": deadline_text(campaign)}


def _asks_for_list(event: Event) -> bool:
    """``/baocao`` or "báo cáo" (by text or button): the user asks which report to work on."""
    if isinstance(event, Pick):
        return event.data == "cmd:resume"
    if isinstance(event, Text):
        command = recognise(event.text)
        return command is not None and command.name == "resume"
    return False


def _picked(identity: Identity, event: Event, open_: list[tuple[Campaign, ReportRow | None]]) -> int | None:
    """The index in ``open_`` of the report the user picked from the list offered, if they picked one."""
    offered = [int(x) for x in identity.choice or []]
    if not offered:
        return None
    campaign_id: int | None = None
    if isinstance(event, Pick) and event.data.startswith("report:"):
        campaign_id = index(event.data[7:])
    elif isinstance(event, Text) and (number := index(ascii_digits(event.text.strip()))) is not None:
        campaign_id = offered[number - 1] if 1 <= number <= len(offered) else None
    ids = [campaign.id for campaign, _ in open_]
    return ids.index(campaign_id) if campaign_id in ids and campaign_id in offered else None


def _offer(uow: UnitOfWork, identity: Identity, open_: list[tuple[Campaign, ReportRow | None]],
           event: Event) -> Chosen:
    """List the open reports and remember the offer; the next message picks one by number."""
    items, buttons = [], []
    for number, (campaign, report) in enumerate(open_, start=1):
        status = "new" if report is None else report.status
        items.append({"msg": "bot.report.item", "params": {"number": number, **_about(campaign),
                                                           "status": {"msg": f"bot.report.status.{status}"}}})
        buttons.append(Button(f"report:{campaign.id}", label=f"{number}. {campaign.title}"[:60]))
    uow.people.set_active_report(identity, identity.report_id, [c.id for c, _ in open_])
    return Chosen(None, None, event, [Say("bot.report.which", {"count": len(open_), "items": items}, tuple(buttons))])


def _use(uow: UnitOfWork, unit_id: int, identity: Identity, pair: tuple[Campaign, ReportRow | None],
         now: datetime, event: Event, notes: list[Say]) -> Chosen:
    """Work on this campaign's report (created now if the unit had not started it), locked for the turn."""
    campaign, _ = pair
    row = uow.reports.get_or_create(campaign.id, unit_id, now)
    if identity.report_id != row.id or identity.choice:
        uow.people.set_active_report(identity, row.id, None)
    return Chosen(row, campaign, event, notes)
