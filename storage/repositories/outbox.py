"""The outbox: messages written in the turn's transaction, delivered after its commit, at least once.

Each chat's messages go out first in, first out, one in flight: only a chat's oldest pending message (its
*head*) is ever offered. A sender holds what it takes under a lease; a message whose lease ran out is in
doubt (its sender may have died while sending it) and is sent again only while it is still the chat's
latest reply — otherwise it is marked superseded, so a crash costs at most one duplicate per chat.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session, aliased

from ..errors import NotFound
from ..models import Outbox
from ._sql import new_id, rowcount, table_of

#: Longest error text kept on a row (a channel may answer with a whole HTML page).
MAX_ERROR_CHARS = 2000

_INSERT = insert(table_of(Outbox))
_TABLE = table_of(Outbox)
#: Built once: marking sent runs after every turn, and building the statement costs more than running it.
_MARK_SENT_AS = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("_id"), _TABLE.c.sent_at.is_(None))
    .values(sent_at=bindparam("_sent", type_=_TABLE.c.sent_at.type), provider_id=bindparam("_pid"),
            attempts=_TABLE.c.attempts + 1)
)
#: Rounds of :meth:`OutboxRepository.claim` after superseding stale heads.
_SUPERSEDE_PASSES = 4
_OLDER = aliased(Outbox)
_NEWER = aliased(Outbox)


def _pending(row: Any) -> Any:
    return and_(row.sent_at.is_(None), row.gave_up_at.is_(None), row.superseded_at.is_(None))


#: The chats' heads that nobody holds: pending, no older pending message in the chat, due, lease free.
_HEADS = (
    select(Outbox)
    .where(
        _pending(Outbox),
        ~exists().where(and_(_OLDER.channel == Outbox.channel, _OLDER.chat_id == Outbox.chat_id,
                             _OLDER.id < Outbox.id, _pending(_OLDER))),
        or_(Outbox.not_before.is_(None), Outbox.not_before <= bindparam("now")),
        or_(Outbox.lease_until.is_(None), Outbox.lease_until < bindparam("free_before")),
    )
    .order_by(Outbox.id)
)


class OutboxRepository:
    """Messages waiting to be sent: per chat oldest first, one in flight, leased while being sent."""

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
        turn: int | None = None,
        lease: tuple[str, datetime] | None = None,
    ) -> int:
        """Queue a message (``payload`` is the rendered message as JSON) and return its id.

        ``turn``: the inbox row it answers. ``lease`` (owner, until): the caller sends it itself right
        after the commit (a reply to the update being processed): nobody else takes it before ``until``.
        """
        values = {
            "channel": channel,
            "chat_id": str(chat_id),
            "conversation_id": conversation_id,
            "payload": payload,
            "created_at": now,
            "attempts": 0,
            "not_before": not_before,
            "turn": turn,
            "lease_owner": lease[0] if lease else None,
            "lease_until": lease[1] if lease else None,
        }
        return new_id(self.session.execute(_INSERT, values))

    def get(self, outbox_id: int) -> Outbox:
        """The outbox row with this id; :class:`NotFound` if there is none."""
        row = self.session.get(Outbox, outbox_id)
        if row is None:
            raise NotFound(f"no outbox message #{outbox_id}")
        return row

    def find(self, outbox_id: int) -> Outbox | None:
        """The outbox row with this id, if any."""
        return self.session.get(Outbox, outbox_id)

    def newer(self, channel: str, chat_id: str, after_id: int, limit: int = 20) -> list[Outbox]:
        """Up to ``limit`` messages to the chat written after ``after_id`` (superseded ones aside), newest first."""
        query = (select(Outbox).where(Outbox.channel == channel, Outbox.chat_id == str(chat_id), Outbox.id > after_id,
                                      Outbox.superseded_at.is_(None))
                 .order_by(Outbox.id.desc()).limit(limit))
        return list(self.session.scalars(query))

    def busy_chats(self, channel: str, chat_ids: Iterable[str]) -> dict[str, set[str | None]]:
        """Which of these chats still have messages pending, with who holds them (None: nobody).

        A new reply waits behind them; its runner may take it at once only if it holds all of them.
        """
        chats = sorted({str(c) for c in chat_ids})
        if not chats:
            return {}
        query = select(Outbox.chat_id, Outbox.lease_owner).where(
            Outbox.channel == channel, Outbox.chat_id.in_(chats), _pending(Outbox))
        busy: dict[str, set[str | None]] = {}
        for chat_id, owner in self.session.execute(query.distinct()):
            busy.setdefault(chat_id, set()).add(owner)
        return busy

    def claim(self, now: datetime, owner: str, until: datetime, *, limit: int = 100,
              channel: str | None = None, free_before: datetime | None = None) -> list[Outbox]:
        """Take up to ``limit`` chats' heads for sending, leased to ``owner`` until ``until``.

        A head whose lease ran out is in doubt: it is taken again only if it is still its chat's latest
        reply, otherwise it is marked superseded and the chat's next message becomes the head (taken in
        a later call). On PostgreSQL rows are locked ``FOR UPDATE SKIP LOCKED``: senders take disjoint rows.
        ``free_before``: leases ending before it count as run out (default ``now``; the console, its
        channel's only sender, takes over every lease when it starts).
        """
        query = _HEADS.limit(limit).with_for_update(skip_locked=True)
        if channel is not None:
            query = query.where(Outbox.channel == channel)
        taken: list[Outbox] = []
        for _ in range(_SUPERSEDE_PASSES):  # a superseded head makes its chat's next message the head
            superseded = False
            for row in self.session.scalars(query.limit(limit - len(taken)),
                                            {"now": now, "free_before": free_before or now}):
                if row.lease_owner is not None and row.turn is not None and self._replaced(row):
                    row.superseded_at, superseded = now, True
                    continue
                row.lease_owner, row.lease_until = owner, until
                taken.append(row)
            self.session.flush()
            if not superseded or len(taken) >= limit:
                break
        return taken

    def _replaced(self, row: Outbox) -> bool:
        """Whether a newer turn of the same chat has replies (so this reply in doubt is stale)."""
        query = select(_NEWER.id).where(_NEWER.channel == row.channel, _NEWER.chat_id == row.chat_id,
                                        _NEWER.turn > row.turn).limit(1)
        return self.session.scalar(query) is not None

    def renew(self, outbox_ids: Iterable[int], owner: str, until: datetime) -> int:
        """Extend the lease of messages this owner still holds (waiting in its queue); returns how many."""
        ids = list(outbox_ids)
        if not ids:
            return 0
        result = self.session.execute(
            update(Outbox)
            .where(Outbox.id.in_(ids), Outbox.lease_owner == owner, Outbox.sent_at.is_(None))
            .values(lease_until=until)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result)

    def release(self, outbox_ids: Iterable[int]) -> None:
        """Give back messages taken but not tried (they wait behind their chat's failed head)."""
        ids = list(outbox_ids)
        if ids:
            self.session.execute(
                update(Outbox).where(Outbox.id.in_(ids), Outbox.sent_at.is_(None))
                .values(lease_until=None, lease_owner=None).execution_options(synchronize_session=False)
            )

    def pending(self, now: datetime, limit: int = 100, channel: str | None = None) -> list[Outbox]:
        """The chats' heads due at ``now`` that nobody holds, oldest first (read only; see :meth:`claim`)."""
        query = _HEADS.limit(limit)
        if channel is not None:
            query = query.where(Outbox.channel == channel)
        return list(self.session.scalars(query, {"now": now, "free_before": now}))

    def mark_sent(self, outbox_id: int, now: datetime, provider_id: str | None = None) -> None:
        """Record that the message went out."""
        self.mark_sent_as([(outbox_id, provider_id)], now)

    def mark_sent_as(self, sent: Iterable[tuple[int, str | None]], now: datetime) -> None:
        """Record that these messages went out, each with the provider's message id (one statement)."""
        rows = [{"_id": outbox_id, "_pid": provider_id, "_sent": now} for outbox_id, provider_id in sent]
        if rows:
            self.session.execute(_MARK_SENT_AS, rows)

    def retry_later(self, outbox_id: int, error: str, retry_at: datetime, lease_until: datetime | None) -> int:
        """Record a failed attempt to be tried again at ``retry_at`` (the sender keeps its lease till
        ``lease_until``); returns the attempts so far."""
        self.session.execute(
            update(Outbox).where(Outbox.id == outbox_id).values(
                attempts=Outbox.attempts + 1, last_error=error[:MAX_ERROR_CHARS], not_before=retry_at,
                lease_until=lease_until)
        )
        return int(self.session.scalar(select(Outbox.attempts).where(Outbox.id == outbox_id)) or 0)

    def written_at(self, channel: str, chat_id: str, created_at: datetime) -> list[Outbox]:
        """The messages to the chat written at that moment (the same notice fanned out to several channels)."""
        query = select(Outbox).where(Outbox.channel == channel, Outbox.chat_id == str(chat_id),
                                     Outbox.created_at == created_at).order_by(Outbox.id)
        return list(self.session.scalars(query))

    def give_up(self, outbox_id: int, reason: str, now: datetime) -> None:
        """Abandon the message for good, keeping the reason (the chat's next message becomes its head)."""
        result = self.session.execute(
            update(Outbox).where(Outbox.id == outbox_id).values(
                attempts=Outbox.attempts + 1, last_error=reason[:MAX_ERROR_CHARS], gave_up_at=now, lease_until=None)
        )
        if rowcount(result) != 1:
            raise NotFound(f"no outbox message #{outbox_id}")

    def given_up(self, limit: int = 100) -> list[Outbox]:
        """Messages abandoned (blocked, chat not found, no retry left), newest first."""
        query = select(Outbox).where(Outbox.gave_up_at.is_not(None)).order_by(Outbox.id.desc()).limit(limit)
        return list(self.session.scalars(query))

    def unsent_count(self) -> int:
        """How many messages are still waiting (due or not), for health checks."""
        query = select(func.count()).select_from(Outbox).where(_pending(Outbox))
        return int(self.session.scalar(query) or 0)

    def oldest_unsent(self) -> datetime | None:
        """When the oldest message still waiting was written (None: nothing waits)."""
        return self.session.scalar(select(func.min(Outbox.created_at)).where(_pending(Outbox)))
