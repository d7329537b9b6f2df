"""The runner: one update = one transaction (dedupe, person, report, lock, engine, answers, outbox), commit,
then deliver.

An update comes from a person's account on a channel; it goes to the report (campaign × unit) that account
works on (:mod:`bot.choosing`), through that person's conversation on the report. The report row is
locked for the turn, so two staff of one unit answering at once take turns; the last answer wins and
both are kept. Updates of several chats may share one commit (group commit); if anything fails the batch
is replayed update by update, so that one failing update never takes the others with it.

No reply leaves before its commit: replies go to the outbox inside the transaction and are delivered
after it, each marked sent in its own commit, so a crash at any point loses nothing acknowledged and
sends nothing twice.
"""

from __future__ import annotations

import errno
import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot import department, faults, invites
from bot.choosing import choose_report
from bot.outbox import LIMITS, pack
from bot.reporting import apply_effects, campaign_template, report_view
from dialogs.conversation.engine import resume
from dialogs.conversation.recognise import recognise
from dialogs.effects import Effect, Say
from dialogs.errors import StateError
from dialogs.events import Event, Start, Text
from dialogs.messages import t
from dialogs.template.model import Template
from dialogs.vietnamese.cleaning import clean
from storage.models import Identity, Person
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Update:
    """One incoming update from a channel, already turned into an engine event."""

    channel: str
    update_id: str
    chat_id: str
    user_id: str
    event: Event
    display_name: str = ""


@dataclass
class Handled:
    """What processing one update did (for the channel and for tests)."""

    update: Update
    duplicate: bool = False
    effects: list[Effect] = field(default_factory=list)
    campaign_id: int | None = None
    unit_id: int | None = None
    error: str | None = None
    #: Replies to this update, committed and claimed for sending by the caller right after the commit.
    outgoing: list[Outgoing] = field(default_factory=list)


@dataclass(frozen=True)
class Outgoing:
    """A message waiting in the outbox."""

    id: int
    channel: str
    chat_id: str
    text: str
    buttons: tuple[tuple[str, str], ...] = ()
    #: The ids of the messages the text was rendered from (tests assert these, not prose).
    msgs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Binding:
    """The campaign and unit a new conversation reports for when no invite code binds it (console chat)."""

    campaign_id: int
    unit_id: int


class Runner:
    """Processes updates durably and delivers what they produce."""

    def __init__(
        self,
        session_factory: sessionmaker[Session] | None,
        clock: Callable[[], datetime],
        *,
        binding: Binding | None = None,
        codes: Callable[[], str] | None = None,
        uow: Callable[..., UnitOfWork] | None = None,
    ) -> None:
        self.session_factory = session_factory
        #: Makes the unit of work of each transaction (a fake one in fast tests: :mod:`tests.fakes.uow`).
        if uow is None:
            if session_factory is None:
                raise ValueError("a Runner needs a session factory or a unit-of-work factory")
            factory = session_factory

            def uow(**options: Any) -> UnitOfWork:
                return UnitOfWork(factory, **options)

        self.uow: Callable[..., UnitOfWork] = uow
        self.clock = clock
        self.binding = binding
        #: Draws the codes of ``/lienket`` (the engine and storage never make up randomness).
        self.codes = codes or new_code
        self._templates: dict[int, Template] = {}
        #: Replies delivered since the last commit: marked sent in the next transaction (bookkeeping only —
        #: a claimed reply is never sent again whether or not it is marked).
        self._delivered: list[int] = []

    # ---- processing --------------------------------------------------------------------------------
    def process(self, update: Update) -> Handled:
        """Process one update in one transaction."""
        return self.process_batch([update])[0]

    def process_batch(self, updates: Sequence[Update]) -> list[Handled]:
        """Process several updates (of different chats) in one commit, each still atomic.

        The common case costs one transaction and no savepoints. If anything fails, the batch is rolled
        back and each update is processed again alone — the engine is deterministic, so the others give
        the same result — and the failing one is answered with an apology instead of a crash.
        """
        now = self.clock()
        try:
            with self.uow(keep_state_history=False) as uow:
                if self._delivered:
                    uow.outbox.mark_sent_many(self._delivered, now)
                results = []
                for update in updates:
                    results.append(self._one(uow, update, now))
                    faults.point("after_update")
                faults.point("before_commit")
                uow.commit()
        except Exception as exc:  # no crash reaches a user: replay alone, or apologise
            if len(updates) > 1:
                return [handled for update in updates for handled in self.process_batch([update])]
            results = [self._failed(updates[0], exc, now)]
        self._delivered = []
        faults.point("after_commit")
        return results

    def send_replies(self, handled: Sequence[Handled], send: Callable[[Outgoing], Any]) -> int:
        """Send the replies of processed updates (claimed by their own transaction)."""
        return self._send_all([message for item in handled for message in item.outgoing], send)

    def _send_all(self, messages: Sequence[Outgoing], send: Callable[[Outgoing], Any]) -> int:
        """Send claimed messages; those that went out are marked sent with the next commit, failures are
        queued for a retry at once."""
        failed: list[tuple[int, str]] = []
        for message in messages:
            try:
                send(message)
            except Exception as exc:  # a channel failure is retried later, never fatal
                log.warning("sending outbox #%s failed: %s", message.id, type(exc).__name__)
                failed.append((message.id, f"{type(exc).__name__}: {exc}"))
                continue
            if message.id:  # 0: said directly, never stored (the database could not take it)
                self._delivered.append(message.id)
            faults.point("after_send")
        if failed:
            now = self.clock()
            with self.uow() as uow:
                for outbox_id, error in failed:
                    uow.outbox.mark_failed(outbox_id, error, now, now + RETRY_AFTER)
                uow.commit()
        return len(messages) - len(failed)

    def flush(self) -> None:
        """Record the replies delivered since the last commit as sent (call before stopping)."""
        if not self._delivered:
            return
        with self.uow() as uow:
            uow.outbox.mark_sent_many(self._delivered, self.clock())
            uow.commit()
        self._delivered = []

    def _failed(self, update: Update, exc: Exception, now: datetime) -> Handled:
        """An update that could not be processed: apologise, saying what happened (no crash reaches a user).

        When the database cannot store anything (disk full, server gone), nothing is kept — the update is
        not marked done, so the user's message (or the channel's redelivery) is taken once it is back — and
        the apology goes out directly. Otherwise the update is marked done and the apology goes through the
        outbox like any reply.
        """
        problem = storage_problem(exc)
        if problem is not None:
            log.error("update %s/%s not stored: %s", update.channel, update.update_id, problem)
            return Handled(update, error=problem, outgoing=[_direct(update, problem)])
        log.error("update %s/%s failed: %s", update.channel, update.update_id, exc, exc_info=exc)
        try:
            with self.uow() as uow:
                if not uow.updates.claim(update.channel, update.update_id, now):
                    return Handled(update, duplicate=True)
                outgoing = self._send(uow, update, [Say("bot.error.internal")], now, None)
                uow.commit()
        except Exception as second:  # the database failed too: say so without it
            reason = storage_problem(second) or "bot.error.storage_down"
            log.error("update %s/%s: the apology could not be stored either: %s", update.channel,
                      update.update_id, type(second).__name__)
            return Handled(update, error=reason, outgoing=[_direct(update, reason)])
        return Handled(update, error=str(exc), outgoing=outgoing)

    def _one(self, uow: UnitOfWork, update: Update, now: datetime) -> Handled:
        if not uow.updates.claim(update.channel, update.update_id, now):
            return Handled(update, duplicate=True)
        person, identity = self._person(uow, update, now)
        event, notes = update.event, list[Effect]()
        code = _start_code(event)
        if code:
            accepted = invites.accept(uow, person, code, now)
            notes.extend(accepted.notes)
            if not accepted.ok:
                return self._reply_only(uow, update, notes, now)
            if accepted.person_id is not None:  # a link code: this account is now someone else's
                person = uow.people.get(accepted.person_id)
            event = Start()
        if _command(event) == "link":
            return self._reply_only(uow, update, invites.link_code(uow, person, identity, self.codes(), now), now)
        if self.binding is not None and identity.report_id is None and not code:
            # The console chat reports for one unit in one campaign.
            if person.unit_id is None:
                uow.people.attach_unit(person, self.binding.unit_id)
            bound = uow.reports.get_or_create(self.binding.campaign_id, self.binding.unit_id, now)
            uow.people.set_active_report(identity, bound.id)
        staff = department.reply(uow, person, event, self.clock().tzinfo or UTC)
        if staff is not None:
            return self._reply_only(uow, update, [*notes, *staff], now)
        chosen = choose_report(uow, person, identity, event, now)
        notes.extend(chosen.notes)
        if chosen.report is None or chosen.campaign is None:
            return self._reply_only(uow, update, notes, now)
        row, event = chosen.report, chosen.event
        conv, _ = uow.conversations.get_or_create(person.id, row.id, channel=update.channel, chat_id=update.chat_id,
                                                  state={}, now=now)
        template = self.template_for(uow, chosen.campaign.template_version_id)
        step = resume(template, report_view(uow, row), conv.state, event, now)
        contact = chosen.campaign.contact or template.meta.department or t("bot.contact.department_default")
        said = apply_effects(uow, row, step.effects, now, person_id=person.id, channel=update.channel,
                             contact=contact)
        effects = notes + said
        uow.conversations.save(conv, step.state, now, channel=update.channel, chat_id=update.chat_id)
        outgoing = self._send(uow, update, effects, now, conv.id)
        return Handled(update, effects=effects, campaign_id=row.campaign_id, unit_id=row.unit_id, outgoing=outgoing)

    def _reply_only(self, uow: UnitOfWork, update: Update, effects: Sequence[Effect], now: datetime) -> Handled:
        """Answer an update that reaches no report (an invite, department staff, no report open)."""
        return Handled(update, effects=list(effects), outgoing=self._send(uow, update, effects, now, None))

    def _person(self, uow: UnitOfWork, update: Update, now: datetime) -> tuple[Person, Identity]:
        """The person writing and their account on this channel (created on first contact).

        Nothing is cached across transactions: a person created in a batch that is rolled back is gone,
        and the next update creates (or finds) the right one.
        """
        found = uow.people.lookup(update.channel, update.user_id)
        if found is None:
            uow.people.get_or_create(update.channel, update.user_id, clean(update.display_name, limit=200), now)
            found = uow.people.lookup(update.channel, update.user_id)
            if found is None:  # pragma: no cover - just created
                raise StateError(f"no account {update.channel}:{update.user_id}")
        return found

    def _send(self, uow: UnitOfWork, update: Update, effects: Sequence[Effect], now: datetime,
              conversation_id: int | None) -> list[Outgoing]:
        """Put the replies in the outbox, claimed: the caller sends them right after the commit."""
        limit = LIMITS.get(update.channel, 2000)
        return [self._reply(uow, update.channel, update.chat_id, message, now, conversation_id)
                for message in pack(effects, limit)]

    @staticmethod
    def _reply(uow: UnitOfWork, channel: str, chat_id: str, payload: dict[str, Any], now: datetime,
               conversation_id: int | None) -> Outgoing:
        outbox_id = uow.outbox.add(channel, chat_id, payload, now, conversation_id=conversation_id, claimed=True)
        return _outgoing_of(outbox_id, channel, chat_id, payload)

    def template_for(self, uow: UnitOfWork, version_id: int) -> Template:
        """A template version (immutable, so loaded once per process)."""
        cached = self._templates.get(version_id)
        if cached is None:
            cached = self._templates[version_id] = campaign_template(uow, version_id)
        return cached

    # ---- delivery ----------------------------------------------------------------------------------
    def claim(self, channel: str | None = None, limit: int = 100) -> list[Outgoing]:
        """Take pending messages for sending: each is marked as being sent, in one commit.

        A message claimed but not confirmed (the process died while sending) is never sent again:
        nothing goes out twice, and the conversation state is already committed, so the user's next
        message gets the right question.
        """
        with self.uow() as uow:
            rows = uow.outbox.pending(self.clock(), limit=limit, channel=channel)
            for row in rows:
                row.attempts += 1
                row.last_error = None
            claimed = [_outgoing(row) for row in rows]
            uow.commit()
        return claimed

    def deliver(self, send: Callable[[Outgoing], Any], channel: str | None = None, limit: int = 100) -> int:
        """Send messages waiting in the outbox (e.g. to other chats): claim them, send them, mark them."""
        count = self._send_all(self.claim(channel, limit), send)
        self.flush()
        return count


#: How long a message that failed to send waits before it is tried again.
RETRY_AFTER = timedelta(seconds=30)


def _outgoing(row: Any) -> Outgoing:
    return _outgoing_of(row.id, row.channel, row.chat_id, row.payload or {})


def _outgoing_of(outbox_id: int, channel: str, chat_id: str, payload: dict[str, Any]) -> Outgoing:
    buttons = tuple((b["label"], b["data"]) for b in payload.get("buttons") or [])
    msgs = tuple(str(m) for m in payload.get("msgs") or [])
    return Outgoing(outbox_id, channel, chat_id, str(payload.get("text", "")), buttons, msgs)


def storage_problem(exc: BaseException) -> str | None:
    """The message for an error that means the database cannot store anything now (None for other errors)."""
    text = f"{exc} {getattr(exc, 'orig', '')}".lower()
    full = ("disk is full", "no space left", "database or disk is full", "could not extend file", "disk full")
    if any(word in text for word in full) or getattr(exc, "errno", None) == errno.ENOSPC:
        return "bot.error.storage_full"
    if isinstance(exc, (OperationalError, InterfaceError)):
        return "bot.error.storage_down"
    return None


def _direct(update: Update, msg: str) -> Outgoing:
    """A reply sent without the outbox (id 0): when the database cannot store it."""
    return Outgoing(0, update.channel, update.chat_id, t(msg), (), (msg,))


def _command(event: Event) -> str:
    """The name of the command a typed message is ("" for an answer)."""
    command = recognise(event.text) if isinstance(event, Text) else None
    return command.name if command is not None else ""


def new_code() -> str:
    """A fresh code for an invite or a link: 8 letters and digits, easy to type."""
    return secrets.token_urlsafe(6).replace("-", "x").replace("_", "y").upper()[:8]


def _start_code(event: Event) -> str:
    """The invite code of ``/start CODE``, if the event is one."""
    if isinstance(event, Text) and event.text.lstrip().startswith("/"):
        command = recognise(event.text)
        if command is not None and command.name == "start" and command.arg:
            return command.arg.strip()
    return ""
