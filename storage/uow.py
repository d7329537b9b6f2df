"""The unit of work: one session, one transaction, every repository; rolls back unless committed.

>>> from storage.db import make_engine, make_session_factory, migrate
>>> engine = make_engine("sqlite://")
>>> migrate(engine)
>>> from datetime import datetime, timezone
>>> now = datetime(2025, 8, 6, tzinfo=timezone.utc)
>>> with UnitOfWork(make_session_factory(engine)) as uow:
...     unit = uow.units.add("Xã Khúc Thừa Dụ", now=now)
...     uow.commit()
>>> with UnitOfWork(make_session_factory(engine)) as uow:
...     [u.name for u in uow.units.find("khuc thua du")]
['Xã Khúc Thừa Dụ']
>>> engine.dispose()
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Self

from sqlalchemy.orm import Session, sessionmaker

from .repositories import (
    AnswerRepository,
    CampaignRepository,
    ConversationRepository,
    InboxRepository,
    InviteRepository,
    OutboxRepository,
    PersonRepository,
    ReminderRepository,
    ReportRepository,
    SubmissionRepository,
    TemplateRepository,
    UnitRepository,
)


class UnitOfWork:
    """``with UnitOfWork(factory) as uow: …; uow.commit()``: nothing is kept without ``commit()``."""

    session: Session
    units: UnitRepository
    people: PersonRepository
    invites: InviteRepository
    templates: TemplateRepository
    campaigns: CampaignRepository
    reports: ReportRepository
    submissions: SubmissionRepository
    answers: AnswerRepository
    conversations: ConversationRepository
    inbox: InboxRepository
    outbox: OutboxRepository
    reminders: ReminderRepository

    def __init__(self, session_factory: sessionmaker[Session], *, keep_state_history: bool = True) -> None:
        self._session_factory = session_factory
        self._keep_state_history = keep_state_history

    def __enter__(self) -> Self:
        session = self._session_factory()
        self.session = session
        self.units = UnitRepository(session)
        self.people = PersonRepository(session)
        self.invites = InviteRepository(session)
        self.templates = TemplateRepository(session)
        self.campaigns = CampaignRepository(session)
        self.reports = ReportRepository(session)
        self.submissions = SubmissionRepository(session)
        self.answers = AnswerRepository(session)
        self.conversations = ConversationRepository(session, keep_history=self._keep_state_history)
        self.inbox = InboxRepository(session)
        self.outbox = OutboxRepository(session)
        self.reminders = ReminderRepository(session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Whatever was not committed is dropped, error or not (commit is always explicit): close()
        # rolls the transaction back. Unlike rollback() it leaves loaded objects readable, so values
        # read in the block can be used after it (objects written but not committed must not be).
        self.session.close()

    def commit(self) -> None:
        """Make everything done so far durable (the session stays usable for more work)."""
        self.session.commit()

    def rollback(self) -> None:
        """Drop everything done since the last commit."""
        if self.session.in_transaction():
            self.session.rollback()

    def flush(self) -> None:
        """Send pending writes now (e.g. to see constraint errors before going on)."""
        self.session.flush()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: an error inside undoes only what was done inside, then propagates.

        Used for group commit: several updates share one commit, each in its own savepoint, so one
        failing update loses nothing of the others.
        """
        with self.session.begin_nested():
            yield
