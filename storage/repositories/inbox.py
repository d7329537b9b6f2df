"""The inbox: every incoming update, written before it is acknowledged; the dedupe and each chat's order."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, case, delete, exists, func, select, update
from sqlalchemy.orm import Session, aliased

from ..models import Inbox
from ._sql import insert_or_nothing, rowcount, table_of

#: Longest error text kept on a row.
MAX_ERROR_CHARS = 2000

_TABLE = table_of(Inbox)
#: What a multi-row insert returns of the rows it kept: their id and key.
_KEY_COLUMNS = (_TABLE.c.id, _TABLE.c.channel, _TABLE.c.update_id)
_OLDER = aliased(Inbox)
#: The oldest waiting update of each chat: no older update of the same chat is still waiting.
_HEADS = (
    select(Inbox)
    .where(
        Inbox.processed_at.is_(None),
        Inbox.set_aside_at.is_(None),
        ~exists().where(
            and_(
                _OLDER.channel == Inbox.channel,
                _OLDER.chat_id == Inbox.chat_id,
                _OLDER.id < Inbox.id,
                _OLDER.processed_at.is_(None),
                _OLDER.set_aside_at.is_(None),
            )
        ),
    )
    .order_by(Inbox.id)
)
_DONE = (
    update(_TABLE)
    .where(_TABLE.c.id.in_(bindparam("ids", expanding=True)))
    .values(processed_at=bindparam("now", type_=_TABLE.c.processed_at.type))
)


class NewUpdate(NamedTuple):
    """An update to keep (:meth:`InboxRepository.add_many`)."""

    channel: str
    update_id: str | int
    chat_id: str
    user_id: str
    payload: dict[str, Any]


class InboxRepository:
    """Updates by channel and update id; a waiting update is taken by one worker, its chat's oldest first."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, channel: str, update_id: str | int, chat_id: str, user_id: str, payload: dict[str, Any],
            now: datetime) -> int | None:
        """Store an update and return its row id; None when this channel already gave that update id."""
        return self.add_many([NewUpdate(channel, update_id, chat_id, user_id, payload)], now)[0]

    def add_many(self, updates: Sequence[NewUpdate], now: datetime) -> list[int | None]:
        """Store several updates in one statement; each one's row id, None for one this channel already gave
        (or that came earlier in ``updates``)."""
        if not updates:
            return []
        values = [{"channel": u.channel, "update_id": str(u.update_id), "chat_id": str(u.chat_id),
                   "user_id": str(u.user_id), "payload": u.payload, "received_at": now, "attempts": 0}
                  for u in updates]
        statement = insert_or_nothing(self.session.get_bind().dialect.name, _TABLE, *_KEY_COLUMNS)
        kept = {(channel, update_id): int(row_id)
                for row_id, channel, update_id in self.session.execute(statement, values)}
        ids: list[int | None] = []
        for value in values:  # a key given twice is kept once: the first
            ids.append(kept.pop((value["channel"], value["update_id"]), None))
        return ids

    def seen(self, channel: str, update_id: str | int) -> bool:
        """Whether this update was received (waiting, processed or set aside)."""
        query = select(Inbox.id).where(Inbox.channel == channel, Inbox.update_id == str(update_id))
        return self.session.scalar(query) is not None

    def processed(self, channel: str, update_id: str | int) -> bool:
        """Whether this update was processed (or set aside after failing)."""
        query = select(Inbox).where(Inbox.channel == channel, Inbox.update_id == str(update_id))
        row = self.session.scalar(query)
        return row is not None and (row.processed_at is not None or row.set_aside_at is not None)

    def take(self, limit: int, *, channel: str | None = None, ids: Iterable[int] | None = None) -> list[Inbox]:
        """The oldest waiting update of up to ``limit`` chats, oldest first, locked until the transaction ends.

        On PostgreSQL (``FOR UPDATE SKIP LOCKED``) several workers take disjoint chats: a chat whose
        oldest update another worker holds offers nothing, so one chat's updates are never processed
        concurrently nor out of order. ``ids``: only among these rows.
        """
        query = _HEADS.limit(limit).with_for_update(skip_locked=True)
        if channel is not None:
            query = query.where(Inbox.channel == channel)
        if ids is not None:
            query = query.where(Inbox.id.in_(list(ids)))
        return list(self.session.scalars(query))

    def waiting(self, channel: str | None = None) -> int:
        """How many updates wait to be processed."""
        query = select(func.count()).select_from(Inbox).where(Inbox.processed_at.is_(None),
                                                               Inbox.set_aside_at.is_(None))
        if channel is not None:
            query = query.where(Inbox.channel == channel)
        return int(self.session.scalar(query) or 0)

    def done(self, ids: Iterable[int], now: datetime) -> None:
        """Mark these updates processed (one UPDATE)."""
        batch = list(ids)
        if batch:
            self.session.execute(_DONE, {"ids": batch, "now": now})

    def failed(self, inbox_id: int, error: str, now: datetime, *, max_attempts: int) -> int:
        """Count a failed attempt, setting the update aside for good at ``max_attempts``; returns the attempts."""
        self.session.execute(
            update(Inbox).where(Inbox.id == inbox_id).values(
                attempts=Inbox.attempts + 1,
                last_error=error[:MAX_ERROR_CHARS],
                set_aside_at=case((Inbox.attempts + 1 >= max_attempts, now), else_=None),
            ).execution_options(synchronize_session=False)
        )
        return int(self.session.scalar(select(Inbox.attempts).where(Inbox.id == inbox_id)) or 0)

    def set_aside(self, limit: int = 100) -> list[Inbox]:
        """Updates set aside after failing, newest first (for the operator)."""
        query = select(Inbox).where(Inbox.set_aside_at.is_not(None)).order_by(Inbox.id.desc()).limit(limit)
        return list(self.session.scalars(query))

    def forget_before(self, cutoff: datetime) -> int:
        """Drop updates processed before ``cutoff`` (channels do not redeliver that late); returns how many."""
        result = self.session.execute(
            delete(Inbox).where(Inbox.processed_at < cutoff).execution_options(synchronize_session=False)
        )
        return rowcount(result)
