"""Conversations: one per person and report, locked, versioned, with history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, insert, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..errors import ConcurrencyError
from ..models import Conversation, ConversationState
from ._sql import KEEP, Keep, adopted, inserted_key, rowcount, table_of

__all__ = ["KEEP", "ConversationRepository"]

_CONVERSATIONS = table_of(Conversation)
#: Columns the caller may also set as attributes before ``save``: written by the same UPDATE.
_LINKS = ("channel", "chat_id")
_WITH_REPORT = select(Conversation).where(
    Conversation.person_id == bindparam("person_id"), Conversation.report_id == bindparam("report_id")
)
_WITHOUT_REPORT = select(Conversation).where(
    Conversation.person_id == bindparam("person_id"), Conversation.report_id.is_(None)
)


def _locked(query: Select[Conversation]) -> Select[Conversation]:
    # populate_existing: after waiting for the lock, take the row as committed by the other worker, not
    # a copy this session may already hold.
    return query.with_for_update().execution_options(populate_existing=True)


_SELECTS = {
    (True, False): _WITH_REPORT,
    (True, True): _locked(_WITH_REPORT),
    (False, False): _WITHOUT_REPORT,
    (False, True): _locked(_WITHOUT_REPORT),
}
_SAVE = update(_CONVERSATIONS).where(
    _CONVERSATIONS.c.id == bindparam("_id"), _CONVERSATIONS.c.state_version == bindparam("_old")
)
_REMEMBER = insert(table_of(ConversationState))


class ConversationRepository:
    """One row per (person, report); every save bumps ``state_version`` and refuses a stale one."""

    def __init__(self, session: Session, *, keep_history: bool = True) -> None:
        self.session = session
        self.keep_history = keep_history

    def get(self, person_id: int, report_id: int | None, *, for_update: bool = True) -> Conversation | None:
        """The person's conversation on the report (None: the report-less one); locked with ``for_update``."""
        query = _SELECTS[(report_id is not None, for_update)]
        params: dict[str, Any] = {"person_id": person_id}
        if report_id is not None:
            params["report_id"] = report_id
        return self.session.scalars(query, params).first()

    def by_id(self, conversation_id: int) -> Conversation | None:
        """The conversation with this id, if any (not locked)."""
        return self.session.get(Conversation, conversation_id)

    def get_or_create(
        self,
        person_id: int,
        report_id: int | None,
        *,
        channel: str | None,
        chat_id: str | None,
        state: dict[str, Any],
        now: datetime,
    ) -> tuple[Conversation, bool]:
        """The person's conversation on the report, locked (created with ``state`` if new); and whether it was.

        Safe when two workers start it at once: both end up holding the same, locked row. An existing
        conversation keeps its channel and chat until the next :meth:`save` names new ones.
        """
        found = self.get(person_id, report_id)
        if found is not None:
            return found, False
        values = {
            "person_id": person_id,
            "report_id": report_id,
            "channel": channel,
            "chat_id": chat_id,
            "state": state,
            "state_version": 1,
            "created_at": now,
            "updated_at": now,
        }
        key = inserted_key(self.session, _CONVERSATIONS, values)
        if key is not None:  # new, and held by this transaction until it ends
            self._remember(key, 1, state, now)
            return adopted(self.session, Conversation, {"id": key, **values}), True
        conversation = self.get(person_id, report_id)  # another worker's, made meanwhile
        if conversation is None:  # pragma: no cover - the row was just inserted or already there
            raise ConcurrencyError(f"conversation of person #{person_id} on report #{report_id} vanished")
        return conversation, False

    def save(
        self,
        conversation: Conversation,
        state: dict[str, Any],
        now: datetime,
        *,
        channel: str | Keep | None = KEEP,
        chat_id: str | Keep | None = KEEP,
    ) -> int:
        """Store a new state (and the chat the person wrote from) and return the new ``state_version``.

        Raises :class:`ConcurrencyError` when the row's version is no longer the one ``conversation``
        was read at (another worker saved first): nothing is written then.
        """
        old = conversation.state_version
        values: dict[str, Any] = {"state": state, "state_version": old + 1, "updated_at": now}
        if channel is not KEEP:
            values["channel"] = channel
        if chat_id is not KEEP:
            values["chat_id"] = chat_id
        _take_pending_links(conversation, values)
        # One conditional UPDATE is both the write and the optimistic check; its SET clause is the
        # keys of ``values``.
        result = self.session.execute(_SAVE, {**values, "_id": conversation.id, "_old": old})
        if rowcount(result) != 1:
            raise ConcurrencyError(
                f"conversation #{conversation.id} (person #{conversation.person_id}, report "
                f"#{conversation.report_id}) changed since version {old}"
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

    def count(self) -> int:
        """How many conversations there are."""
        return int(self.session.scalar(select(func.count()).select_from(Conversation)) or 0)

    def for_report(self, report_id: int) -> list[Conversation]:
        """The conversations on a report: one per person working on it (e.g. to remind them)."""
        query = select(Conversation).where(Conversation.report_id == report_id).order_by(Conversation.id)
        return list(self.session.scalars(query))

    def for_person(self, person_id: int) -> list[Conversation]:
        """The conversations of a person, one per report (and at most one without)."""
        query = select(Conversation).where(Conversation.person_id == person_id).order_by(Conversation.id)
        return list(self.session.scalars(query))

    def _remember(self, conversation_id: int, version: int, state: dict[str, Any], now: datetime) -> None:
        if self.keep_history:
            values = {"conversation_id": conversation_id, "state_version": version, "state": state, "saved_at": now}
            self.session.execute(_REMEMBER, values)


def _take_pending_links(conversation: Conversation, values: dict[str, Any]) -> None:
    # The caller may have set conv.channel (etc.) as attributes: write them with the same UPDATE
    # instead of a second one at flush time.
    state = inspect(conversation)
    if not state.modified:
        return
    for key in _LINKS:
        added = state.attrs[key].history.added
        if added and key not in values:
            values[key] = added[0]
