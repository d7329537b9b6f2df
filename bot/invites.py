"""Invite codes in the chat (``/start CODE``): a wrong, used or expired code is a reply, never an error.

Only reads and one conditional UPDATE happen before a refusal, so a refused code never spoils the
transaction it runs in (nor the group commit it shares).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dialogs.effects import Say
from dialogs.errors import NotFound
from storage.errors import InviteExpired, InviteRevoked, InviteUsed
from storage.models import Identity, Invite, Person
from storage.uow import UnitOfWork


@dataclass
class Accepted:
    """Whether the code was taken, what to tell the person, and (for a link code) whose account it now is."""

    ok: bool
    notes: list[Say] = field(default_factory=list)
    person_id: int | None = None


#: How long a code that links another channel account stays valid.
LINK_VALID = timedelta(days=1)


def link_code(uow: UnitOfWork, person: Person, identity: Identity, code: str, now: datetime) -> list[Say]:
    """A code that makes an account on another channel one of ``person``'s (``/lienket``)."""
    campaign_id = uow.reports.get(identity.report_id).campaign_id if identity.report_id else None
    uow.invites.create(code, person.role, person.unit_id, campaign_id, now + LINK_VALID, now, person_id=person.id)
    return [Say("bot.link.code", {"code": code, "hours": int(LINK_VALID.total_seconds() // 3600)})]


#: Wrong invite codes in a row from one account before it is locked out, and for how long.
MAX_WRONG_CODES = 5
LOCKOUT = timedelta(minutes=15)


def accept(uow: UnitOfWork, person: Person, code: str, now: datetime, identity: Identity | None = None) -> Accepted:
    """Use invite ``code`` for ``person``: their role and unit (and the campaign's report) come from it.

    Wrong codes are counted per account (``identity``): after :data:`MAX_WRONG_CODES` in a row the account
    may type none for :data:`LOCKOUT` — no code is even looked up meanwhile — so codes cannot be guessed.
    """
    code = code.strip().upper()
    if identity is not None and identity.locked_until is not None and identity.locked_until > now:
        minutes = max(1, math.ceil((identity.locked_until - now).total_seconds() / 60))
        return Accepted(False, [Say("bot.invite.locked", {"minutes": minutes})])
    try:
        invite = uow.invites.get(code)
    except NotFound:
        if identity is not None and uow.people.code_failed(identity, now, limit=MAX_WRONG_CODES, lockout=LOCKOUT):
            minutes = int(LOCKOUT.total_seconds() // 60)
            return Accepted(False, [Say("bot.invite.locked", {"minutes": minutes})])
        return Accepted(False, [Say("bot.invite.unknown", {"code": code})])
    if identity is not None:
        uow.people.code_ok(identity)
    if (invite.used_at is not None and invite.used_by == person.id) or invite.person_id == person.id:
        return Accepted(True)  # the same person opening the link again
    try:
        uow.invites.use(code, person.id, now)
    except InviteUsed:
        return Accepted(False, [Say("bot.invite.used", {"code": code})])
    except InviteRevoked:
        return Accepted(False, [Say("bot.invite.revoked", {"code": code})])
    except InviteExpired:
        expires = invite.expires_at.strftime("%d/%m/%Y") if invite.expires_at else ""
        return Accepted(False, [Say("bot.invite.expired", {"code": code, "date": expires})])
    if invite.person_id is not None:
        return _link(uow, invite, person, now)
    uow.people.set_unit_and_role(person, person.unit_id if invite.unit_id is None else invite.unit_id, invite.role)
    identities = uow.people.identities(person.id)
    if invite.campaign_id is not None and invite.unit_id is not None:
        report = uow.reports.get_or_create(invite.campaign_id, invite.unit_id, now)
        for identity in identities:
            uow.people.set_active_report(identity, report.id)
    if invite.role == "department":
        return Accepted(True)
    unit = uow.units.get(invite.unit_id).name if invite.unit_id is not None else ""
    return Accepted(True, [Say("bot.invite_accepted", {"unit": unit})])


def _link(uow: UnitOfWork, invite: Invite, person: Person, now: datetime) -> Accepted:
    """A link code: the account it is used from becomes the inviting person's, on their report."""
    owner = invite.person_id
    assert owner is not None
    for identity in uow.people.identities(person.id):
        uow.people.move_identity(identity, owner)
        if invite.campaign_id is not None and invite.unit_id is not None:
            report = uow.reports.get_or_create(invite.campaign_id, invite.unit_id, now)
            uow.people.set_active_report(identity, report.id)
    unit = uow.units.get(invite.unit_id).name if invite.unit_id is not None else ""
    return Accepted(True, [Say("bot.link.done", {"unit": unit})], person_id=owner)
