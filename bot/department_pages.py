"""The department's ``/tiendo`` in the chat: every invited unit with its state, a page at a time, each unit a
button to its card (read its submitted report, return it for correction), and the compiled report.

Buttons carry ``dept:<what>:<numbers>`` (:func:`data`, :func:`parse`); each press also works typed:
``/tiendo 2`` (a page), ``/xem <unit>``, ``/tralai <unit> <reason>``, ``/tonghop``.

>>> data("page", 3, 2), parse("dept:page:3:2"), parse("dept:page:x"), parse("opt:a:1")
('dept:page:3:2', ('page', (3, 2)), None, None)
"""

from __future__ import annotations

import math
from datetime import tzinfo
from typing import Any

from bot.progress import Progress, UnitProgress, campaign_progress, deadline_text, unit_progress
from dialogs.effects import Button, Say
from dialogs.messages import ref
from dialogs.vietnamese.format import format_number
from storage.models import Campaign
from storage.unit_lookup import label
from storage.uow import UnitOfWork

PREFIX = "dept:"
#: Units on one page of /tiendo (a phone screen, a button each).
PAGE = 10
#: What a button may ask, with how many numbers it carries.
ACTIONS = {"page": 2, "unit": 3, "view": 3, "return": 3, "compile": 1}


def data(action: str, *numbers: int) -> str:
    """A button's data: ``dept:<action>:<n>:<n>…``."""
    return ":".join([PREFIX.rstrip(":"), action, *(str(n) for n in numbers)])


def parse(value: str) -> tuple[str, tuple[int, ...]] | None:
    """(action, numbers) of a department button's data; None for anything else."""
    if not value.startswith(PREFIX):
        return None
    action, *rest = value[len(PREFIX):].split(":")
    if ACTIONS.get(action) != len(rest) or not all(part.isdigit() for part in rest):
        return None
    return action, tuple(int(part) for part in rest)


def pages_of(found: Progress) -> int:
    """How many pages the campaign's units take (at least one)."""
    return max(1, math.ceil(len(found.units) / PAGE))


def page(uow: UnitOfWork, campaign: Campaign, zone: tzinfo, number: int) -> Say:
    """Page ``number`` (clamped) of a campaign's progress: the rates, the counts by state, ten units."""
    found = campaign_progress(uow, campaign, zone)
    pages = pages_of(found)
    number = min(max(1, number), pages)
    start = (number - 1) * PAGE
    shown = found.units[start:start + PAGE]
    # Numbered on the page as the buttons are (on Zalo a typed number presses the button of that number).
    lines = [ref("bot.dept.page_line", n=i, unit=row.unit.name, state=row.label) for i, row in enumerate(shown, 1)]
    buttons = [Button(data("unit", campaign.id, row.unit.id, number), label=row.unit.name) for row in shown]
    if number > 1:
        buttons.append(Button(data("page", campaign.id, number - 1), "bot.dept.btn.prev"))
    if number < pages:
        buttons.append(Button(data("page", campaign.id, number + 1), "bot.dept.btn.next"))
    if found.rate.reported:
        buttons.append(Button(data("compile", campaign.id), "bot.dept.btn.compile"))
    rate = found.rate
    hint = ref("bot.dept.page_hint_more", next=number + 1) if number < pages else ref("bot.dept.page_hint")
    return Say("bot.dept.page", {
        "id": campaign.id, "title": campaign.title, "deadline": deadline_text(campaign),
        "expected": rate.expected, "reported": rate.reported, "rate": format_number(rate.rate_pct, 1),
        "on_time_rate": format_number(rate.on_time_pct, 1), "on_time": rate.on_time, "late": rate.late,
        "returned": found.count("returned"), "in_progress": found.count("in_progress"),
        "not_started": found.count("not_started"), "page": number, "pages": pages, "lines": lines, "hint": hint,
    }, tuple(buttons))


def card(uow: UnitOfWork, campaign: Campaign, unit_id: int, zone: tzinfo, back: int) -> Say:
    """One unit of a campaign: its state, its last submission, and what can be done with it."""
    unit = uow.units.by_id(unit_id)
    row = unit_progress(uow, campaign, unit, zone) if unit and uow.campaigns.is_expected(campaign.id, unit_id) else None
    if row is None:
        return Say("bot.dept.unit_not_expected", {"id": campaign.id},
                   (Button(data("page", campaign.id, back), "bot.dept.btn.back"),))
    buttons = [Button(data("view", campaign.id, unit_id, back), "bot.dept.btn.view")] if row.submitted_at else []
    buttons += actions(campaign.id, unit_id, back, returnable=row.submitted_at is not None)
    return Say("bot.dept.card", {"unit": label(row.unit), "state": row.label, "details": _details(row, zone)},
               tuple(buttons))


def actions(campaign_id: int, unit_id: int, back: int, *, returnable: bool = True) -> list[Button]:
    """The buttons under a unit's card or report: return it for correction, back to the list."""
    out = [Button(data("return", campaign_id, unit_id, back), "bot.dept.btn.return")] if returnable else []
    return [*out, Button(data("page", campaign_id, back), "bot.dept.btn.back")]


def _details(row: UnitProgress, zone: tzinfo) -> dict[str, Any] | str:
    """What the card adds to the state: when and which version was submitted, or why it was returned."""
    if row.state == "returned":
        return ref("bot.dept.card_returned", version=row.version or 0, comment=row.comment or "—")
    if row.submitted_at is not None:
        when = row.submitted_at.astimezone(zone).strftime("%H:%M %d/%m/%Y")
        return ref("bot.dept.card_submitted", when=when, version=row.version or 0, ref=row.ref or "—")
    return ""


__all__ = ["PAGE", "PREFIX", "actions", "card", "data", "page", "pages_of", "parse"]
