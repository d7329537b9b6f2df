"""The department's commands that name a unit, in the chat: ``/tralai <unit> <comment>`` (return a submitted
report for correction — the same operation as ``reportbot return``) and ``/xem <unit>`` (read its last
submitted report). The unit is resolved like ``--unit``: exact forms only, suggestions otherwise."""

from __future__ import annotations

from datetime import datetime

from bot.campaigns import return_report
from dialogs.answers import AnswerRecord
from dialogs.effects import Effect, Say
from dialogs.errors import ReportbotError
from dialogs.messages import ref
from dialogs.vietnamese.text import fold
from storage.models import Campaign, Unit
from storage.unit_lookup import label, resolve_unit
from storage.uow import UnitOfWork

#: How the commands may be typed (folded), to the command.
COMMANDS = {"/tralai": "return", "tralai": "return", "tra lai": "return", "/xem": "view", "xem bao cao": "view"}
#: How many answers /xem shows before "…".
SHOWN = 40


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


def reply(uow: UnitOfWork, text: str, now: datetime) -> list[Effect] | None:
    """The answer to a unit-naming command, or None when ``text`` is none of them."""
    found = split_command(text)
    if found is None:
        return None
    command, rest = found
    if not rest:
        return [Say(f"bot.dept.{command}_usage")]
    try:
        unit, remainder = _unit_and_rest(uow, rest)
    except ReportbotError as exc:
        return [Say("bot.dept.unit_problem", {"problem": str(exc)})]
    campaign = _campaign_of(uow, unit)
    if campaign is None:
        return [Say("bot.dept.unit_no_campaign", {"unit": label(unit)})]
    if command == "view":
        return _view(uow, campaign, unit)
    if not remainder:
        return [Say("bot.dept.return_usage")]
    try:
        returned = return_report(uow, campaign.id, unit, remainder, now)
    except ReportbotError as exc:
        return [Say("bot.dept.unit_problem", {"problem": str(exc)})]
    return [Say("bot.dept.returned", {"unit": label(unit), "version": returned.version, "id": campaign.id,
                                      "told": returned.told, "comment": remainder})]


def _unit_and_rest(uow: UnitOfWork, text: str) -> tuple[Unit, str]:
    """The unit the longest leading part of ``text`` names, and what follows (the comment)."""
    words = text.split()
    first_error: ReportbotError | None = None
    for k in range(len(words), 0, -1):
        try:
            return resolve_unit(uow.units, " ".join(words[:k])), " ".join(words[k:])
        except ReportbotError as exc:
            if first_error is None or k <= 3:
                first_error = exc
    assert first_error is not None
    raise first_error


def _campaign_of(uow: UnitOfWork, unit: Unit) -> Campaign | None:
    """The unit's latest open campaign."""
    found = uow.campaigns.open_for_unit(unit.id)
    return found[-1] if found else None


def _view(uow: UnitOfWork, campaign: Campaign, unit: Unit) -> list[Effect]:
    """The unit's last submitted answers, as displayed."""
    last = uow.submissions.last_submitted(campaign.id, unit.id)
    if last is None or not last.answers:
        return [Say("bot.dept.view_none", {"unit": label(unit)})]
    lines = []
    for field_id, raw in list(last.answers.items())[:SHOWN]:
        record = AnswerRecord.from_json(raw)
        if record.status == "answered":
            lines.append(ref("bot.dept.view_line", field=field_id, display=record.display or str(record.value)))
    return [Say("bot.dept.view", {"unit": label(unit), "version": last.version, "ref": last.ref or "",
                                  "lines": lines})]
