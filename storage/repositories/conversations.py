"""Conversation state (locked, versioned, with history) and the ids of updates already processed."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, Final

from sqlalchemy import bindparam, delete, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..errors import ConcurrencyError
from ..models import Conversation, ConversationState, ProcessedUpdate
from ._sql import inserted, rowcount, table_of


class _Keep(Enum):
    KEEP = "keep"


#: Default of :meth:`ConversationRepository.save` link arguments: leave the column as it is.
KEEP: Final = _Keep.KEEP

_CONVERSATIONS = table_of(Conversation)
_UPDATES = table_of(ProcessedUpdate)
_LINKS = ("person_id", "campaign_id", "unit_id")
_SELECT = select(Conversation).where(
    Conversation.channel == bindparam("channel"), Conversation.chat_id == bindparam("chat_id")
)
# populate_existing: after waiting for the lock, take the row as committed by the other worker, not
# a copy this session may already hold.
_SELECT_LOCKED = _SELECT.with_for_update().execution_options(populate_existing=True)
_SAVE = update(_CONVERSATIONS).where(
    _CONVERSATIONS.c.id == bindparam("_id"), _CONVERSATIONS.c.state_version == bindparam("_old")
)
_REMEMBER = insert(table_of(ConversationState))


class ConversationRepository:
    """One row per chat; every save bumps ``state_version`` and refuses a stale one."""

    def __init__(self, session: Session, *, keep_history: bool = True) -> None:
        self.session = session
        self.keep_history = keep_history

    def get(self, channel: str, chat_id: str, *, for_update: bool = True) -> Conversation | None:
        """The chat's conversation; with ``for_update``, row-locked until commit (PostgreSQL)."""
        query = _SELECT_LOCKED if for_update else _SELECT
        return self.session.scalars(query, {"channel": channel, "chat_id": chat_id}).first()

    def by_id(self, conversation_id: int) -> Conversation | None:
        """The conversation with this id, if any (not locked)."""
        return self.session.get(Conversation, conversation_id)

    def create(
        self,
        channel: str,
        chat_id: str,
        person_id: int | None,
        state: dict[str, Any],
        now: datetime,
        *,
        campaign_id: int | None = None,
        unit_id: int | None = None,
    ) -> Conversation:
        """Start the chat's conversation at ``state_version`` 1; :class:`ConcurrencyError` if it exists."""
        conversation = Conversation(
            channel=channel,
            chat_id=chat_id,
            person_id=person_id,
            campaign_id=campaign_id,
            unit_id=unit_id,
            state=state,
            state_version=1,
            created_at=now,
            updated_at=now,
        )
        try:
            with self.session.begin_nested():
                self.session.add(conversation)
                self.session.flush()
        except IntegrityError as error:
            raise ConcurrencyError(f"conversation {channel}:{chat_id} was created by another worker") from error
        self._remember(conversation.id, 1, state, now)
        return conversation

    def get_or_create(
        self,
        channel: str,
        chat_id: str,
        *,
        person_id: int | None,
        state: dict[str, Any],
        now: datetime,
    ) -> tuple[Conversation, bool]:
        """The chat's conversation, locked (created with ``state`` if new); and whether it was created.

        Safe when two workers see a new chat at once: both end up holding the same, locked row.
        """
        found = self.get(channel, chat_id)
        if found is not None:
            return found, False
        values = {
            "channel": channel,
            "chat_id": chat_id,
            "person_id": person_id,
            "state": state,
            "state_version": 1,
            "created_at": now,
            "updated_at": now,
        }
        created = inserted(self.session, _CONVERSATIONS, values)
        conversation = self.get(channel, chat_id)
        if conversation is None:  # pragma: no cover - the row was just inserted or already there
            raise ConcurrencyError(f"conversation {channel}:{chat_id} vanished")
        if created:
            self._remember(conversation.id, 1, state, now)
        return conversation, created

    def save(
        self,
        conversation: Conversation,
        state: dict[str, Any],
        now: datetime,
        *,
        campaign_id: int | _Keep | None = KEEP,
        unit_id: int | _Keep | None = KEEP,
    ) -> int:
        """Store a new state and return the new ``state_version``.

        Raises :class:`ConcurrencyError` when the row's version is no longer the one ``conversation``
        was read at (another worker saved first): nothing is written then.
        """
        old = conversation.state_version
        values: dict[str, Any] = {"state": state, "state_version": old + 1, "updated_at": now}
        if campaign_id is not KEEP:
            values["campaign_id"] = campaign_id
        if unit_id is not KEEP:
            values["unit_id"] = unit_id
        _take_pending_links(conversation, values)
        # One conditional UPDATE is both the write and the optimistic check; its SET clause is the
        # keys of ``values``.
        result = self.session.execute(_SAVE, {**values, "_id": conversation.id, "_old": old})
        if rowcount(result) != 1:
            raise ConcurrencyError(
                f"conversation {conversation.channel}:{conversation.chat_id} changed since version {old}"
            )
        for key, value in values.items():
            set_committed_value(conversation, key, value)
        self._remember(conversation.id, old + 1, state, now)
        return old + 1

    def history(self, conversation_id: int) -> list[ConversationState]:
        """Every saved state of a conversation, oldest first (empty if history is off)."""
        query = (
            select(ConversationState)
            .where(ConversationState.conversation_id == conversation_id)
            .order_by(ConversationState.state_version)
        )
        return list(self.session.scalars(query))

    def for_unit(self, unit_id: int) -> list[Conversation]:
        """The conversations bound to a unit (e.g. to remind its reporters)."""
        query = select(Conversation).where(Conversation.unit_id == unit_id).order_by(Conversation.id)
        return list(self.session.scalars(query))

    def for_person(self, person_id: int) -> list[Conversation]:
        """The conversations of a person, on every channel."""
        query = select(Conversation).where(Conversation.person_id == person_id).order_by(Conversation.id)
        return list(self.session.scalars(query))

    def _remember(self, conversation_id: int, version: int, state: dict[str, Any], now: datetime) -> None:
        if self.keep_history:
            values = {"conversation_id": conversation_id, "state_version": version, "state": state, "saved_at": now}
            self.session.execute(_REMEMBER, values)


def _take_pending_links(conversation: Conversation, values: dict[str, Any]) -> None:
    # The caller may have set conv.campaign_id (etc.) as attributes: write them with the same UPDATE
    # instead of a second one at flush time.
    state = inspect(conversation)
    if not state.modified:
        return
    for key in _LINKS:
        added = state.attrs[key].history.added
        if added and key not in values:
            values[key] = added[0]


class UpdateRepository:
    """Ids of incoming updates already handled, per channel (a redelivered update is ignored)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def claim(self, channel: str, update_id: str | int, now: datetime) -> bool:
        """Record the update as processed; False if it already was (by anyone, committed or not).

        On PostgreSQL a concurrent claim of the same id waits for the first transaction: it fails if
        that one commits and succeeds if it rolls back, so two claims can never both succeed.
        """
        values = {"channel": channel, "update_id": str(update_id), "processed_at": now}
        return inserted(self.session, _UPDATES, values)

    def seen(self, channel: str, update_id: str | int) -> bool:
        """Whether this update was already processed."""
        key = (channel, str(update_id))
        return self.session.get(ProcessedUpdate, key) is not None

    def forget_before(self, cutoff: datetime) -> int:
        """Drop records older than ``cutoff`` (channels do not redeliver that late); returns how many."""
        result = self.session.execute(
            delete(ProcessedUpdate)
            .where(ProcessedUpdate.processed_at < cutoff)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result)
