"""People (with their channel identities and the report each is on) and invite codes giving a role and a unit."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..errors import ConcurrencyError, InviteExpired, InviteRevoked, InviteUsed, NotFound
from ..models import Answer, Campaign, Conversation, Identity, Invite, Person, Report
from ._sql import adopted, inserted_key, rowcount, table_of

_KEY = (Identity.channel == bindparam("channel"), Identity.external_id == bindparam("external_id"))
_BY_IDENTITY = select(Person).join(Identity, Identity.person_id == Person.id).where(*_KEY)
_IDENTITY = select(Identity).where(*_KEY)
_LOOKUP = select(Person, Identity).join(Identity, Identity.person_id == Person.id).where(*_KEY)
# A turn's common case in one read: the account, its person, the report it works on with its campaign, and
# the person's conversation on that report; the report and the conversation locked (the runner locked the
# batch's reports in id order already), read as committed (populate_existing: not a stale copy).
# It also says which answers the report has (their count and newest id): what a cache of its answers is keyed by.
_ANSWERS_OF_REPORT = (Answer.campaign_id == Report.campaign_id, Answer.unit_id == Report.unit_id)
_WORKING = (
    select(Person, Identity, Report, Conversation,
           select(func.count(Answer.id)).where(*_ANSWERS_OF_REPORT).scalar_subquery(),
           select(func.max(Answer.id)).where(*_ANSWERS_OF_REPORT).scalar_subquery())
    .join(Identity, Identity.person_id == Person.id)
    .join(Report, Report.id == Identity.report_id)
    .join(Conversation, and_(Conversation.person_id == Person.id, Conversation.report_id == Report.id))
    .where(*_KEY)
    .with_for_update(of=(Report, Conversation))
    .execution_options(populate_existing=True)
)
_IDENTITIES = table_of(Identity)
_PEOPLE = table_of(Person)
_NEW_PERSON = insert(_PEOPLE).returning(_PEOPLE.c.id)
_SET_UNIT_ROLE = (update(_PEOPLE).where(_PEOPLE.c.id == bindparam("_id"))
                  .values(unit_id=bindparam("_unit"), role=bindparam("_role")))
_SET_REPORT = (
    update(_IDENTITIES)
    .where(_IDENTITIES.c.id == bindparam("_id"))
    .values(report_id=bindparam("_report"), choice=bindparam("_choice", type_=_IDENTITIES.c.choice.type))
)
_INVITES = table_of(Invite)
#: Conditional: of two workers using the same code at once, exactly one wins.
_USE_INVITE = (
    update(_INVITES)
    .where(_INVITES.c.code == bindparam("_code"), _INVITES.c.used_at.is_(None), _INVITES.c.revoked_at.is_(None))
    .values(used_at=bindparam("_now", type_=_INVITES.c.used_at.type), used_by=bindparam("_person"))
)

#: The roles a person can have.
ROLES: tuple[str, ...] = ("reporter", "department", "admin")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")


class Working(NamedTuple):
    """An account at work on a report: what a turn needs, read at once (:meth:`PersonRepository.working`)."""

    person: Person
    identity: Identity
    report: Report
    campaign: Campaign
    conversation: Conversation
    #: How many answers the report has, and the newest one's id (0 for none): together they name what
    #: :meth:`AnswerRepository.current_records` would read now (answers are only ever added).
    answers: tuple[int, int] = (0, 0)


class PersonRepository:
    """People, found by their account on a channel."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._campaigns: dict[int, Campaign] = {}

    def get(self, person_id: int) -> Person:
        """The person with this id; :class:`NotFound` if there is none."""
        person = self.session.get(Person, person_id)
        if person is None:
            raise NotFound(f"no person #{person_id}")
        return person

    def by_identity(self, channel: str, external_id: str) -> Person | None:
        """The person behind this channel account, if known."""
        return self.session.scalars(_BY_IDENTITY, {"channel": channel, "external_id": external_id}).first()

    def identity(self, channel: str, external_id: str) -> Identity | None:
        """This channel account, if known."""
        return self.session.scalars(_IDENTITY, {"channel": channel, "external_id": external_id}).first()

    def lookup(self, channel: str, external_id: str) -> tuple[Person, Identity] | None:
        """The person behind this channel account and the account itself (one query), if known."""
        row = self.session.execute(_LOOKUP, {"channel": channel, "external_id": external_id}).first()
        return None if row is None else (row[0], row[1])

    def working(self, channel: str, external_id: str) -> Working | None:
        """This account with its person, the report it works on (locked) with its campaign, and the person's
        conversation on it (locked), in one read; None unless all of them exist."""
        row = self.session.execute(_WORKING, {"channel": channel, "external_id": external_id}).first()
        if row is None:
            return None
        person, identity, report, conversation, count, newest = row
        # The campaign by its key, read once a transaction: the cycle's other turns are mostly on the same one
        # (held here: the session's identity map keeps only what something else holds).
        campaign = self._campaigns.get(report.campaign_id)
        if campaign is None:
            campaign = self.session.get(Campaign, report.campaign_id)
            if campaign is None:  # pragma: no cover - a report's campaign is a foreign key
                return None
            self._campaigns[campaign.id] = campaign
        return Working(person, identity, report, campaign, conversation, (int(count or 0), int(newest or 0)))

    def move_identity(self, identity: Identity, person_id: int) -> None:
        """Make ``identity`` an account of ``person_id`` (the person it belonged to keeps their others)."""
        self.session.execute(update(_IDENTITIES).where(_IDENTITIES.c.id == identity.id).values(person_id=person_id))
        set_committed_value(identity, "person_id", person_id)

    def code_failed(self, identity: Identity, now: datetime, *, limit: int, lockout: timedelta) -> datetime | None:
        """Count a wrong invite code typed from this account; at ``limit`` in a row it is locked out for
        ``lockout`` (returns until when; None while under the limit)."""
        failures = identity.code_failures + 1
        locked = now + lockout if failures >= limit else None
        values = {"code_failures": 0 if locked else failures, "locked_until": locked}
        self.session.execute(update(_IDENTITIES).where(_IDENTITIES.c.id == identity.id).values(**values))
        for key, value in values.items():
            set_committed_value(identity, key, value)
        return locked

    def code_ok(self, identity: Identity) -> None:
        """A right code: the count of wrong ones starts again."""
        if identity.code_failures or identity.locked_until is not None:
            values = {"code_failures": 0, "locked_until": None}
            self.session.execute(update(_IDENTITIES).where(_IDENTITIES.c.id == identity.id).values(**values))
            for key, value in values.items():
                set_committed_value(identity, key, value)

    def set_pending(self, identity: Identity, pending: dict[str, Any] | None) -> None:
        """Remember what this account's next message answers (None: nothing pending)."""
        if pending is None and identity.pending is None:
            return
        statement = update(_IDENTITIES).where(_IDENTITIES.c.id == identity.id)
        self.session.execute(statement.values(pending=pending))
        set_committed_value(identity, "pending", pending)

    def set_active_report(
        self, identity: Identity, report_id: int | None, choice: Sequence[int] | None = None
    ) -> None:
        """Make this account work on ``report_id`` (None: none chosen) and remember a pending ``choice``."""
        offered = None if choice is None else [int(x) for x in choice]
        result = self.session.execute(_SET_REPORT, {"_id": identity.id, "_report": report_id, "_choice": offered})
        if rowcount(result) != 1:
            raise NotFound(f"no identity #{identity.id}")
        set_committed_value(identity, "report_id", report_id)
        set_committed_value(identity, "choice", offered)

    def get_or_create(
        self, channel: str, external_id: str, display_name: str, now: datetime, *, role: str = "reporter"
    ) -> Person:
        """The person behind this channel account, created (with ``role``) on first contact."""
        return self.register(channel, external_id, display_name, now, role=role)[0]

    def register(
        self, channel: str, external_id: str, display_name: str, now: datetime, *, role: str = "reporter"
    ) -> tuple[Person, Identity]:
        """The person behind this channel account and the account, both created (with ``role``) on first contact.

        Two INSERTs and no savepoint: if another worker registers the same account at once, the account's
        insert does nothing, the person made here is deleted again and the winner's returned.
        """
        found = self.lookup(channel, external_id)
        if found is not None:
            return found
        _check_role(role)
        new_person = {"display_name": display_name, "role": role, "created_at": now}
        person_id = int(self.session.execute(_NEW_PERSON, new_person).scalar_one())
        new_identity = {"person_id": person_id, "channel": channel, "external_id": external_id}
        identity_id = inserted_key(self.session, _IDENTITIES, new_identity)
        if identity_id is None:
            self.session.execute(delete(_PEOPLE).where(_PEOPLE.c.id == person_id))
            winner = self.lookup(channel, external_id)
            if winner is None:
                raise ConcurrencyError(f"the account {channel}:{external_id} vanished")
            return winner
        return (adopted(self.session, Person, {"id": person_id, **new_person}),
                adopted(self.session, Identity, {"id": identity_id, **new_identity}))

    def set_unit_and_role(self, person: Person, unit_id: int | None, role: str) -> None:
        """Give ``person`` a role and the unit they report for, in one UPDATE (an invite taken)."""
        _check_role(role)
        if person.unit_id == unit_id and person.role == role:
            return
        self.session.execute(_SET_UNIT_ROLE, {"_id": person.id, "_unit": unit_id, "_role": role})
        set_committed_value(person, "unit_id", unit_id)
        set_committed_value(person, "role", role)

    def attach_unit(self, person: Person, unit_id: int | None) -> None:
        """Make ``person`` report for ``unit_id`` (None detaches)."""
        person.unit_id = unit_id

    def set_role(self, person: Person, role: str) -> None:
        """Give ``person`` another role."""
        _check_role(role)
        person.role = role

    def count(self) -> int:
        """How many people there are."""
        return int(self.session.scalar(select(func.count()).select_from(Person)) or 0)

    def with_role(self, role: str) -> list[Person]:
        """Everyone with this role, oldest first."""
        return list(self.session.scalars(select(Person).where(Person.role == role).order_by(Person.id)))

    def identities(self, person_id: int) -> list[Identity]:
        """The channel accounts of a person."""
        query = select(Identity).where(Identity.person_id == person_id).order_by(Identity.id)
        return list(self.session.scalars(query))

    def for_unit(self, unit_id: int) -> list[Person]:
        """The people who report for a unit."""
        query = select(Person).where(Person.unit_id == unit_id).order_by(Person.id)
        return list(self.session.scalars(query))


def invite_digest(code: str) -> str:
    """What is stored of an invite code: its SHA-256 (case and surrounding blanks ignored).

    >>> invite_digest(" kt000001 ") == invite_digest("KT000001")
    True
    """
    return hashlib.sha256(code.strip().upper().encode("utf-8")).hexdigest()


class InviteRepository:
    """Single-use invite codes, kept as digests (the caller draws the code; storage never makes up randomness).

    Every method takes the code as typed and looks up its digest."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def create(
        self,
        code: str,
        role: str,
        unit_id: int | None,
        campaign_id: int | None,
        expires_at: datetime | None,
        now: datetime,
        *,
        person_id: int | None = None,
    ) -> Invite:
        """Store a new invite code (``person_id``: a code that links another account to that person)."""
        _check_role(role)
        invite = Invite(
            code=invite_digest(code),
            hint=code.strip().upper()[:4],
            role=role,
            unit_id=unit_id,
            campaign_id=campaign_id,
            created_at=now,
            expires_at=expires_at,
            person_id=person_id,
        )
        self.session.add(invite)
        self.session.flush()
        return invite

    def get(self, code: str) -> Invite:
        """The invite with this code; :class:`NotFound` if there is none."""
        invite = self.session.get(Invite, invite_digest(code))
        if invite is None:
            raise NotFound(msg="storage.invite_unknown", code=code)
        return invite

    def use(self, code: str, person_id: int, now: datetime) -> Invite:
        """Mark the invite used by ``person_id``; :class:`InviteExpired` / :class:`InviteUsed` refuse it."""
        invite = self.get(code)
        if invite.revoked_at is not None:
            raise InviteRevoked(msg="storage.invite_revoked", code=code, date=f"{invite.revoked_at:%d/%m/%Y}")
        if invite.used_at is not None:
            raise InviteUsed(msg="storage.invite_used", code=code)
        if invite.expires_at is not None and invite.expires_at <= now:
            raise InviteExpired(msg="storage.invite_expired", code=code, date=f"{invite.expires_at:%d/%m/%Y}")
        # Conditional UPDATE: of two workers using the same code at once, exactly one wins.
        result = self.session.execute(_USE_INVITE, {"_code": invite.code, "_now": now, "_person": person_id})
        if rowcount(result) != 1:
            raise InviteUsed(msg="storage.invite_used", code=code)
        set_committed_value(invite, "used_at", now)
        set_committed_value(invite, "used_by", person_id)
        return invite

    def revoke(self, code: str, now: datetime) -> Invite:
        """Make the code unusable from now on (a used code stays in the record as used)."""
        invite = self.get(code)
        if invite.revoked_at is None:
            invite.revoked_at = now
            self.session.flush()
        return invite

    def listed(self, campaign_id: int | None = None) -> list[Invite]:
        """The department's invites (not the link codes people make themselves), of one campaign when given."""
        query = select(Invite).where(Invite.person_id.is_(None)).order_by(Invite.created_at, Invite.code)
        if campaign_id is not None:
            query = query.where(Invite.campaign_id == campaign_id)
        return list(self.session.scalars(query))
