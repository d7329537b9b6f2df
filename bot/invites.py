"""Invite codes in the chat (``/start CODE``): a wrong, used or expired code is a reply, never an error.

Only reads and one conditional UPDATE happen before a refusal, so a refused code never spoils the
transaction it runs in (nor the group commit it shares).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from dialogs.effects import Say
from dialogs.errors import NotFound
from storage.errors import InviteExpired, InviteUsed
from storage.models import Person
from storage.uow import UnitOfWork


@dataclass
class Accepted:
    """Whether the code was taken, and what to tell the person."""

    ok: bool
    notes: list[Say] = field(default_factory=list)


def accept(uow: UnitOfWork, person: Person, code: str, now: datetime) -> Accepted:
    """Use invite ``code`` for ``person``: their role and unit (and the campaign's report) come from it."""
    code = code.strip().upper()
    try:
        invite = uow.invites.get(code)
    except NotFound:
        return Accepted(False, [Say("bot.invite.unknown", {"code": code})])
    if invite.used_at is not None and invite.used_by == person.id:
        return Accepted(True)  # the same person opening the link again
    try:
        uow.invites.use(code, person.id, now)
    except InviteUsed:
        return Accepted(False, [Say("bot.invite.used", {"code": code})])
    except InviteExpired:
        expires = invite.expires_at.strftime("%d/%m/%Y") if invite.expires_at else ""
        return Accepted(False, [Say("bot.invite.expired", {"code": code, "date": expires})])
    uow.people.set_role(person, invite.role)
    if invite.unit_id is not None:
        uow.people.attach_unit(person, invite.unit_id)
    identities = uow.people.identities(person.id)
    if invite.campaign_id is not None and invite.unit_id is not None:
        report = uow.reports.get_or_create(invite.campaign_id, invite.unit_id, now)
        for identity in identities:
            uow.people.set_active_report(identity, report.id)
    if invite.role == "department":
        return Accepted(True)
    unit = uow.units.get(invite.unit_id).name if invite.unit_id is not None else ""
    return Accepted(True, [Say("bot.invite_accepted", {"unit": unit})])
