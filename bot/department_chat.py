"""The department's commands that name a unit, in the chat: ``/tralai <unit> <comment>`` (return a submitted
report for correction — the same operation as ``reportbot return``) and ``/xem <unit>`` (read its last
submitted report). The unit is resolved like ``--unit``: exact forms only, suggestions otherwise. Typed
alone, each asks for what it lacks, and the account's next message answers it."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import department_pages
from bot.campaigns import return_report
from dialogs.answers import AnswerRecord
from dialogs.effects import Effect, Say
from dialogs.errors import ReportbotError
from dialogs.messages import ref
from dialogs.vietnamese.text import fold
from storage.models import Campaign, Identity, Unit
from storage.unit_lookup import label, resolve_unit
from storage.uow import UnitOfWork

#: How the commands may be typed (folded), to the command.
COMMANDS = {"/tralai": "return", "tralai": "return", "tra lai": "return", "/xem": "view", "xem bao cao": "view"}
#: How many answers /xem shows before "…".
SHOWN = 40
#: How long a question («which unit?», «why?») waits for its answer.
PENDING_FOR = timedelta(hours=1)
#: What drops a pending question (folded).
CANCEL = frozenset({"huy", "thoi", "khong", "bo qua", "cancel"})


def split_command(text: str) -> tuple[str, str] | None:
    """(command, the rest) for a department command that names a unit; None for anything else.

    >>> split_command("/tralai Xã An Lão, Hải Phòng thiếu mục III.2")
    ('return', 'Xã An Lão, Hải Phòng thiếu mục III.2')
    >>> split_command("tra lai")
    ('return', '')
    >>> split_command("/xem lai") is None
    True
    """
    stripped = text.strip()
    folded = fold(stripped)
    for typed, command in sorted(COMMANDS.items(), key=lambda item: -len(item[0])):
        if folded == typed or folded.startswith(typed + " "):
            rest = stripped[len(typed):].strip()
            if command == "view" and fold(rest) in ("lai", ""):  # «xem lại» is the review, not /xem
                return None if fold(rest) == "lai" else (command, "")
            return command, rest
    return None


def reply(uow: UnitOfWork, identity: Identity, text: str, now: datetime) -> list[Effect] | None:
    """The answer to a unit-naming command, or None when ``text`` is none of them.

    Typed without its unit (``/tralai``) or without the reason (``/tralai Xã An Lão``), the command asks for
    what is missing and the account's next message answers that (:func:`answer_pending`).
    """
    found = split_command(text)
    if found is None:
        return None
    command, rest = found
    if not rest:
        wait(uow, identity, now, wait="unit", then=command)
        return [Say(f"bot.dept.{command}_which")]
    try:
        unit, remainder = unit_and_rest(uow, rest)
    except ReportbotError as exc:
        return [Say("bot.dept.unit_problem", {"problem": str(exc)})]
    return _act(uow, identity, command, unit, remainder, now)


def answer_pending(uow: UnitOfWork, identity: Identity, text: str, now: datetime) -> list[Effect] | None:
    """The answer to what the account was asked last («which unit?», «why return it?»); None when nothing is
    pending, or when ``text`` is a command (which drops the question and runs)."""
    pending = identity.pending
    if not pending or pending.get("wait") == "card":  # a card's words are read by bot.department
        return None
    stripped = text.strip()
    asked = when(pending)
    if stripped.startswith("/") or asked is None or now - asked > PENDING_FOR:
        uow.people.set_pending(identity, None)
        return None
    if fold(stripped) in CANCEL:
        uow.people.set_pending(identity, None)
        return [Say("bot.dept.cancelled")]
    if pending.get("wait") == "reason":
        uow.people.set_pending(identity, None)
        try:
            campaign = uow.campaigns.get(int(pending["campaign"]))
            unit = uow.units.get(int(pending["unit"]))
        except (ReportbotError, KeyError, TypeError, ValueError):
            return [Say("bot.dept.no_campaign")]
        return _return(uow, campaign, unit, stripped, now)
    try:
        unit, remainder = unit_and_rest(uow, stripped)
    except ReportbotError as exc:  # the question stays: the next message may name the unit right
        return [Say("bot.dept.unit_again", {"problem": str(exc)})]
    uow.people.set_pending(identity, None)
    return _act(uow, identity, str(pending.get("then") or "view"), unit, remainder, now)


def ask_reason(uow: UnitOfWork, identity: Identity, campaign: Campaign, unit: Unit, now: datetime) -> list[Effect]:
    """Ask why the unit's report goes back (the account's next message is the reason); a unit with nothing
    submitted is told at once."""
    last = uow.submissions.last_submitted(campaign.id, unit.id)
    if last is None or last.status == "returned":
        return [Say("bot.dept.nothing_to_return", {"unit": label(unit)})]
    wait(uow, identity, now, wait="reason", campaign=campaign.id, unit=unit.id)
    return [Say("bot.dept.return_ask", {"unit": label(unit)})]


def view(uow: UnitOfWork, campaign: Campaign, unit: Unit, back: int = 1) -> list[Effect]:
    """The unit's last submitted answers, as displayed, with the buttons to return it or go back to the list."""
    last = uow.submissions.last_submitted(campaign.id, unit.id)
    if last is None or not last.answers:
        return [Say("bot.dept.view_none", {"unit": label(unit)})]
    lines = []
    for field_id, raw in list(last.answers.items())[:SHOWN]:
        record = AnswerRecord.from_json(raw)
        if record.status == "answered":
            lines.append(ref("bot.dept.view_line", field=field_id, display=record.display or str(record.value)))
    return [Say("bot.dept.view", {"unit": label(unit), "version": last.version, "ref": last.ref or "",
                                  "lines": lines},
                tuple(department_pages.actions(campaign.id, unit.id, back, returnable=last.status != "returned")))]


def _act(uow: UnitOfWork, identity: Identity, command: str, unit: Unit, remainder: str,
         now: datetime) -> list[Effect]:
    """Run ``command`` on the unit's latest open campaign (asking for the reason when it is missing)."""
    campaign = campaign_of(uow, unit)
    if campaign is None:
        return [Say("bot.dept.unit_no_campaign", {"unit": label(unit)})]
    if command == "view":
        return view(uow, campaign, unit)
    if not remainder:
        return ask_reason(uow, identity, campaign, unit, now)
    return _return(uow, campaign, unit, remainder, now)


def _return(uow: UnitOfWork, campaign: Campaign, unit: Unit, comment: str, now: datetime) -> list[Effect]:
    """Return the unit's submitted report with ``comment`` (the same operation as ``reportbot return``)."""
    try:
        returned = return_report(uow, campaign.id, unit, comment, now)
    except ReportbotError as exc:
        return [Say("bot.dept.unit_problem", {"problem": str(exc)})]
    return [Say("bot.dept.returned", {"unit": label(unit), "version": returned.version, "id": campaign.id,
                                      "told": returned.told, "comment": " ".join(comment.split())})]


def wait(uow: UnitOfWork, identity: Identity, now: datetime, **pending: str | int) -> None:
    """Remember what the account's next message answers, and when it was asked."""
    uow.people.set_pending(identity, {**pending, "at": now.isoformat()})


def when(pending: dict[str, object]) -> datetime | None:
    """When a pending question was asked (None: unreadable)."""
    try:
        return datetime.fromisoformat(str(pending.get("at")))
    except ValueError:
        return None


def unit_and_rest(uow: UnitOfWork, text: str) -> tuple[Unit, str]:
    """The unit the longest leading part of ``text`` names, and what follows (the comment)."""
    words = text.split()
    if not words:
        return resolve_unit(uow.units, text), ""  # refused, with the usual explanation
    first_error: ReportbotError | None = None
    for k in range(len(words), 0, -1):
        try:
            return resolve_unit(uow.units, " ".join(words[:k])), " ".join(words[k:])
        except ReportbotError as exc:
            if first_error is None or k <= 3:
                first_error = exc
    assert first_error is not None
    raise first_error


def campaign_of(uow: UnitOfWork, unit: Unit) -> Campaign | None:
    """The unit's latest open campaign."""
    found = uow.campaigns.open_for_unit(unit.id)
    return found[-1] if found else None
