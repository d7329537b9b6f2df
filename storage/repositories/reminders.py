"""Planned reminders: planned once (unique key), claimed once (row locks, ``SKIP LOCKED`` on PostgreSQL),
delivered once per person and channel (a unique key on the delivery).

Only a unit's latest due reminder can be claimed: older ones still planned (missed while no bot ran) are
skipped by whoever sends the latest, so a restart sends at most one catch-up per unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Insert, and_, bindparam, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from ..models import Reminder, ReminderDelivery
from ._sql import inserted, rowcount, table_of

_LATER = aliased(Reminder)
_REMINDERS = table_of(Reminder)
_DELIVERIES = table_of(ReminderDelivery)
#: A unit's planned reminders of some kinds cancelled (its report was submitted).
_CANCEL_UNIT = (
    update(_REMINDERS)
    .where(_REMINDERS.c.campaign_id == bindparam("campaign"), _REMINDERS.c.unit_id == bindparam("unit"),
           _REMINDERS.c.status == "planned", _REMINDERS.c.kind.in_(bindparam("kinds", expanding=True)))
    .values(status="cancelled", done_at=bindparam("now", type_=_REMINDERS.c.done_at.type))
)


def _same_target(a: Any, b: Any) -> Any:
    return and_(a.campaign_id == b.campaign_id, a.kind == b.kind,
                or_(a.unit_id == b.unit_id, and_(a.unit_id.is_(None), b.unit_id.is_(None))))


@cache
def _plan_insert(dialect: str) -> Insert:
    if dialect == "postgresql":
        return postgresql.insert(_REMINDERS).on_conflict_do_nothing()
    return sqlite.insert(_REMINDERS).on_conflict_do_nothing()


class ReminderRepository:
    """The ``reminders`` and ``reminder_deliveries`` tables."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def plan(self, rows: Sequence[dict[str, Any]]) -> None:
        """Plan reminders (``name``, ``campaign_id``, ``unit_id``, ``kind``, ``slot``, ``deadline``,
        ``deadline_time``, ``due_at``, ``created_at``); a name planned before, by anyone, is left as it is."""
        if rows:
            statement = _plan_insert(self.session.get_bind().dialect.name)
            self.session.execute(statement, [{**row, "status": "planned", "done_at": None} for row in rows])

    def of_campaign(self, campaign_id: int, *, status: str | None = None) -> list[Reminder]:
        """A campaign's reminders (of one status), in due order."""
        query = select(Reminder).where(Reminder.campaign_id == campaign_id)
        if status is not None:
            query = query.where(Reminder.status == status)
        return list(self.session.scalars(query.order_by(Reminder.due_at, Reminder.id)))

    def cancel(self, campaign_id: int, now: datetime, *, unit_id: int | None = None, keep: Iterable[str] = (),
               kinds: Sequence[str] = ("unit", "escalation", "digest")) -> int:
        """Cancel planned reminders of a campaign (of one unit), except the keys in ``keep``; how many."""
        keep = list(keep)
        if unit_id is not None and not keep:  # a unit's submission: a statement built once
            return rowcount(self.session.execute(_CANCEL_UNIT, {"campaign": campaign_id, "unit": unit_id,
                                                                "kinds": list(kinds), "now": now}))
        query = update(Reminder).where(Reminder.campaign_id == campaign_id, Reminder.status == "planned",
                                       Reminder.kind.in_(kinds))
        if unit_id is not None:
            query = query.where(Reminder.unit_id == unit_id)
        if keep:
            query = query.where(Reminder.name.not_in(keep))
        return rowcount(self.session.execute(query.values(status="cancelled", done_at=now),
                                             execution_options={"synchronize_session": False}))

    def cancel_keys(self, keys: Sequence[str], now: datetime) -> int:
        """Cancel the planned reminders with these keys; how many."""
        return self._move(keys, "planned", "cancelled", now)

    def revive(self, names: Sequence[str]) -> int:
        """Plan again the cancelled reminders with these names; how many."""
        return self._move(names, "cancelled", "planned", None)

    def _move(self, names: Sequence[str], old: str, new: str, done_at: datetime | None) -> int:
        """Set the reminders with these names from status ``old`` to ``new`` (500 names a statement); how many."""
        count = 0
        for start in range(0, len(names), 500):
            query = update(Reminder).where(Reminder.name.in_(names[start:start + 500]), Reminder.status == old)
            count += rowcount(self.session.execute(query.values(status=new, done_at=done_at),
                                                   execution_options={"synchronize_session": False}))
        return count

    def restore(self, campaign_id: int, unit_id: int, now: datetime) -> int:
        """Plan again a unit's cancelled reminders that are still to come (its report was returned)."""
        query = update(Reminder).where(Reminder.campaign_id == campaign_id, Reminder.unit_id == unit_id,
                                       Reminder.status == "cancelled", Reminder.due_at > now)
        return rowcount(self.session.execute(query.values(status="planned", done_at=None),
                                             execution_options={"synchronize_session": False}))

    def due(self, now: datetime, limit: int = 1000, *, lock: bool = True) -> list[Reminder]:
        """Planned reminders due by ``now``, each its target's latest, oldest first; locked ``FOR UPDATE SKIP
        LOCKED`` (PostgreSQL) so that workers take disjoint rows (``lock=False``: just look, for a dry run)."""
        query = (
            select(Reminder)
            .where(Reminder.status == "planned", Reminder.due_at <= now,
                   ~exists().where(_same_target(_LATER, Reminder), _LATER.status == "planned",
                                   _LATER.due_at <= now, _LATER.due_at > Reminder.due_at))
            .order_by(Reminder.due_at, Reminder.id)
            .limit(limit)
        )
        if lock:
            query = query.with_for_update(skip_locked=True, of=Reminder)
        return list(self.session.scalars(query))

    def skip_older(self, reminder: Reminder, now: datetime) -> int:
        """Mark the same target's older planned reminders skipped (``reminder`` goes instead); how many."""
        query = update(Reminder).where(
            Reminder.campaign_id == reminder.campaign_id, Reminder.kind == reminder.kind,
            (Reminder.unit_id == reminder.unit_id) if reminder.unit_id is not None else Reminder.unit_id.is_(None),
            Reminder.status == "planned", Reminder.due_at < reminder.due_at)
        return rowcount(self.session.execute(query.values(status="skipped", done_at=now),
                                             execution_options={"synchronize_session": False}))

    def delay(self, reminder: Reminder, until: datetime) -> None:
        """Move a due reminder to ``until`` (it came due in quiet hours)."""
        reminder.due_at = until

    def done(self, reminder: Reminder, status: str, now: datetime) -> None:
        """Mark a claimed reminder ``sent``, ``skipped`` or ``cancelled``."""
        reminder.status, reminder.done_at = status, now

    def deliver(self, reminder_id: int, person_id: int, channel: str, now: datetime) -> bool:
        """Record that this reminder goes to this person on this channel; False if it went already."""
        return inserted(self.session, _DELIVERIES, {"reminder_id": reminder_id, "person_id": person_id,
                                                    "channel": channel, "outbox_id": None, "created_at": now})

    def carried_by(self, reminder_id: int, person_id: int, channel: str, outbox_id: int) -> None:
        """Note the outbox row that carries a delivery."""
        self.session.execute(update(ReminderDelivery).where(
            ReminderDelivery.reminder_id == reminder_id, ReminderDelivery.person_id == person_id,
            ReminderDelivery.channel == channel).values(outbox_id=outbox_id),
            execution_options={"synchronize_session": False})

    def deliveries(self, campaign_id: int | None = None) -> list[tuple[Reminder, ReminderDelivery]]:
        """Every delivery (of a campaign) with its reminder, in order."""
        query = select(Reminder, ReminderDelivery).join(ReminderDelivery,
                                                        ReminderDelivery.reminder_id == Reminder.id)
        if campaign_id is not None:
            query = query.where(Reminder.campaign_id == campaign_id)
        return [(r, d) for r, d in self.session.execute(query.order_by(ReminderDelivery.id))]

    def count(self, status: str | None = None) -> int:
        """How many reminders (of one status)."""
        query = select(func.count()).select_from(Reminder)
        if status is not None:
            query = query.where(Reminder.status == status)
        return int(self.session.scalar(query) or 0)


__all__ = ["ReminderRepository"]
