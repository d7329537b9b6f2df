"""The outbox: messages written in the turn's transaction, delivered after its commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session

from ..errors import NotFound
from ..models import Outbox
from ._sql import new_id, rowcount, table_of

#: Longest error text kept on a row (a channel may answer with a whole HTML page).
MAX_ERROR_CHARS = 2000

_INSERT = insert(table_of(Outbox))
_TABLE = table_of(Outbox)
#: Built once: marking sent runs after every turn, and building the statement costs more than running it.
_MARK_SENT = (
    update(_TABLE)
    .where(_TABLE.c.id.in_(bindparam("ids", expanding=True)), _TABLE.c.sent_at.is_(None))
    .values(sent_at=bindparam("sent", type_=_TABLE.c.sent_at.type), attempts=_TABLE.c.attempts + 1)
)


class OutboxRepository:
    """Messages waiting to be sent, oldest first; a row is sent once, then marked."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        channel: str,
        chat_id: str,
        payload: dict[str, Any],
        now: datetime,
        conversation_id: int | None = None,
        *,
        not_before: datetime | None = None,
        claimed: bool = False,
    ) -> int:
        """Queue a message (``payload`` is the channel-neutral effect as JSON) and return its id.

        ``claimed``: the caller sends it itself right after the commit (a reply to the update being
        processed), so :meth:`pending` never offers it to another sender.
        """
        values = {
            "channel": channel,
            "chat_id": str(chat_id),
            "conversation_id": conversation_id,
            "payload": payload,
            "created_at": now,
            "attempts": 1 if claimed else 0,
            "not_before": not_before,
        }
        return new_id(self.session.execute(_INSERT, values))

    def get(self, outbox_id: int) -> Outbox:
        """The outbox row with this id; :class:`NotFound` if there is none."""
        row = self.session.get(Outbox, outbox_id)
        if row is None:
            raise NotFound(f"no outbox message #{outbox_id}")
        return row

    def pending(self, now: datetime, limit: int = 100, channel: str | None = None) -> list[Outbox]:
        """Unsent messages due at ``now``, oldest first: never tried, or failed and due for a retry.

        A row taken for sending (``attempts`` > 0) with no error recorded is in doubt — the sender may
        have died while sending it — and is never offered again, so nothing is sent twice.

        On PostgreSQL the rows are locked (``FOR UPDATE SKIP LOCKED``) until the transaction ends, so
        concurrent senders take disjoint rows; SQLite runs one writer at a time anyway.
        """
        query = (
            select(Outbox)
            .where(
                Outbox.sent_at.is_(None),
                Outbox.gave_up_at.is_(None),
                or_(Outbox.attempts == 0, Outbox.last_error.is_not(None)),
                or_(Outbox.not_before.is_(None), Outbox.not_before <= now),
            )
            .order_by(Outbox.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        if channel is not None:
            query = query.where(Outbox.channel == channel)
        return list(self.session.scalars(query))

    def mark_sent(self, outbox_id: int, now: datetime) -> None:
        """Record that the message went out."""
        self.mark_sent_many([outbox_id], now)

    def mark_sent_many(self, outbox_ids: Iterable[int], now: datetime) -> int:
        """Record that these messages went out (one UPDATE); returns how many were still unsent."""
        ids = list(outbox_ids)
        if not ids:
            return 0
        return rowcount(self.session.execute(_MARK_SENT, {"ids": ids, "sent": now}))

    def mark_failed(self, outbox_id: int, error: str, now: datetime, retry_at: datetime | None) -> None:
        """Record a failed attempt: try again at ``retry_at``, or give up for good when it is None."""
        values: dict[str, Any] = {
            "attempts": Outbox.attempts + 1,
            "last_error": error[:MAX_ERROR_CHARS],
            "not_before": retry_at,
        }
        if retry_at is None:
            values["gave_up_at"] = now
        result = self.session.execute(update(Outbox).where(Outbox.id == outbox_id).values(**values))
        if rowcount(result) != 1:
            raise NotFound(f"no outbox message #{outbox_id}")

    def unsent_count(self) -> int:
        """How many messages are still waiting (due or not), for health checks."""
        query = select(func.count()).select_from(Outbox)
        query = query.where(Outbox.sent_at.is_(None), Outbox.gave_up_at.is_(None))
        return int(self.session.scalar(query) or 0)
