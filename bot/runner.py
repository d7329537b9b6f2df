"""The runner: updates go to the durable inbox; a worker takes the oldest waiting update of each chat and
processes a batch of them in one commit, each turn atomic (person, report, lock, engine, answers, outbox: when
one fails, the batch is done again with a savepoint per turn); then the replies are delivered, at least once.

An update comes from a person's account on a channel; it goes to the report (campaign × unit) that account
works on (:mod:`bot.choosing`), through that person's conversation on the report. The reports a batch works
on are locked up front in id order, so two workers never deadlock; two staff of one unit answering at once
take turns, the last answer wins and both are kept. An update that fails is retried; one that keeps failing
is set aside, answered once with an apology and logged for the operator.

No reply leaves before its commit: replies go to the outbox inside the transaction, leased to this runner,
and are sent after it. A reply whose sender died is sent again by whoever takes it once its lease ran out,
if it is still the chat's latest (:mod:`storage.repositories.outbox`): nothing acknowledged is lost and no
chat is left in silence.
"""

from __future__ import annotations

import errno
import logging
import os
import random
import secrets
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot import buttons, department, faults, invites, reminders, undelivered
from bot.channels.base import SendResult, Sent, Transient
from bot.choosing import choose_report
from bot.delivery import Decision, decide, describe
from bot.documents import unit_document, with_pdf
from bot.envelopes import Outgoing, Update
from bot.outbox import DOCUMENT_CHANNELS, LIMITS, DocumentDue, carried, pack
from bot.reporting import apply_effects, campaign_template
from dialogs.answers import AnswerRecord
from dialogs.conversation.engine import resume
from dialogs.conversation.recognise import recognise
from dialogs.conversation.report import Report
from dialogs.effects import Effect, Say, Submitted
from dialogs.events import Event, Pick, Start, Text, Unsupported
from dialogs.messages import ref, t
from dialogs.template.model import Template
from dialogs.vietnamese.cleaning import clean
from storage.models import Identity, Person
from storage.repositories import Working
from storage.repositories.inbox import NewUpdate
from storage.uow import UnitOfWork

__all__ = ["Binding", "Cycle", "CycleResult", "Handled", "Outgoing", "Runner", "Update", "new_code", "storage_problem"]

log = logging.getLogger(__name__)

#: How long a sender holds the messages it took; after that they are in doubt and anyone may take them.
LEASE = timedelta(seconds=float(os.environ.get("REPORTBOT_LEASE_SECONDS", "15")))
#: What a channel may say it could not read (:class:`dialogs.events.Unsupported`), each with its words.
UNSUPPORTED = ("sticker", "voice", "location", "edited", "other")
#: Attempts at processing one update before it is set aside with an apology.
MAX_ATTEMPTS = 3
#: Reports whose answers a runner keeps between turns (beyond that it starts again).
ANSWERS_KEPT = 20_000


_T = TypeVar("_T")


class _Redo(Exception):
    """A turn failed in a transaction run without savepoints: do the transaction again with them."""


@dataclass
class Handled:
    """What processing one update did (for the channel and for tests)."""

    update: Update
    duplicate: bool = False
    effects: list[Effect] = field(default_factory=list)
    campaign_id: int | None = None
    unit_id: int | None = None
    error: str | None = None
    #: Replies to this update, committed and leased to this runner: send them right after the commit.
    outgoing: list[Outgoing] = field(default_factory=list)
    #: The update's inbox row (None: duplicate, or not stored).
    inbox_id: int | None = None
    #: The report's answers after this turn, for the runner's cache once committed: (report id, their
    #: count and newest id, the answers).
    answers: tuple[int, tuple[int, int], dict[str, AnswerRecord]] | None = None


@dataclass
class Cycle:
    """What one cycle of the runtime does (see :meth:`Runner.cycle`)."""

    #: New updates from the channels, to keep in the inbox.
    updates: list[Update] = field(default_factory=list)
    #: Messages the senders sent since the last cycle (outbox id, provider id).
    sent: list[tuple[int, str | None]] = field(default_factory=list)
    #: Messages whose send failed: (outbox id, what to do, the failure in words).
    failures: list[tuple[int, Decision, str]] = field(default_factory=list)
    #: Messages the senders still hold in their queues (leases to extend).
    renew: list[int] = field(default_factory=list)
    #: How many waiting updates (one per chat) to process.
    limit: int = 50
    #: The channels whose due messages to take for sending, and how many at most.
    claim: tuple[str, ...] = ()
    claim_limit: int = 200


@dataclass
class CycleResult:
    """What a cycle did: the new updates' inbox ids (None: duplicate), what was processed, what to send."""

    inbox_ids: list[int | None]
    handled: list[Handled]
    claimed: list[Outgoing]
    #: The new end of the leases renewed (None: none were).
    renewed_until: datetime | None = None


@dataclass(frozen=True)
class Binding:
    """The campaign and unit a new conversation reports for when no invite code binds it (console chat)."""

    campaign_id: int
    unit_id: int


class Runner:
    """Keeps updates, processes them durably and delivers what they produce."""

    def __init__(
        self,
        session_factory: sessionmaker[Session] | None,
        clock: Callable[[], datetime],
        *,
        binding: Binding | None = None,
        codes: Callable[[], str] | None = None,
        uow: Callable[..., UnitOfWork] | None = None,
        owner: str | None = None,
        lease: timedelta = LEASE,
        seed: int | None = None,
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
        self.codes = codes or (lambda: new_code(LINK_CODE_LENGTH))
        #: Who holds the leases this runner takes (unique per process and runner).
        self.owner = owner or f"{socket.gethostname()[:20]}:{os.getpid()}:{secrets.token_hex(3)}"
        self.lease = lease
        self.rng = random.Random(seed)
        self._templates: dict[int, Template] = {}
        #: Report id → (count and newest id of its answers, its current answers), as of the last commit: a turn
        #: whose read of the report finds the same count and newest id takes them from here.
        self._answers: dict[int, tuple[tuple[int, int], dict[str, AnswerRecord]]] = {}
        #: Messages sent since the last commit (id, provider id): marked sent in the next transaction.
        self._delivered: list[tuple[int, str | None]] = []

    # ---- intake ------------------------------------------------------------------------------------
    @staticmethod
    def _keep(uow: UnitOfWork, updates: Sequence[Update], now: datetime) -> list[int | None]:
        """Keep updates in the inbox (in the caller's transaction, one statement); each one's row id, None for a
        duplicate."""
        return uow.inbox.add_many([NewUpdate(u.channel, u.update_id, u.chat_id, u.user_id, u.payload())
                                   for u in updates], now)

    # ---- the runtime's cycle ------------------------------------------------------------------------
    def cycle(self, work: Cycle) -> CycleResult:
        """One transaction of the runtime: record what the senders did, keep new updates, process the
        waiting heads, take messages to send; one commit for all of it.

        The turns run without savepoints first (two statements less each); when one fails, the transaction is
        dropped and done again with a savepoint per turn, so the failure loses nothing of the others.

        Raises on a database error (nothing of it is kept: the caller answers the webhooks 500, keeps the
        senders' records for the next cycle, waits and tries again).
        """
        return _savepoints_if_needed(lambda savepoints: self._cycle(work, savepoints=savepoints))

    def _cycle(self, work: Cycle, *, savepoints: bool) -> CycleResult:
        """:meth:`cycle`, its turns each in a savepoint or not (:class:`_Redo` when one fails without)."""
        now = self.clock()
        with self.uow(keep_state_history=False) as uow:
            if work.sent:
                uow.outbox.mark_sent_as(work.sent, now)
            for outbox_id, decision, reason in work.failures:
                self._apply(uow, outbox_id, decision, reason, now, keep=True)
            if work.renew:
                uow.outbox.renew(work.renew, self.owner, now + self.lease)
            ids = self._keep(uow, work.updates, now)
            # Older messages first: what is due (a dead process's leftovers, retries) is taken before this
            # cycle's turns add replies, so a worker that lives briefly still sends the oldest first; a
            # chat whose head is taken here gets its new reply queued behind it (see _busy).
            claimed: list[Outgoing] = []
            for channel in work.claim:
                rows = uow.outbox.claim(now, self.owner, now + self.lease, limit=work.claim_limit, channel=channel)
                claimed.extend(Outgoing.of(r.id, r.channel, r.chat_id, r.payload or {}, r.turn, r.lease_until)
                               for r in rows)
            done = self._work(uow, work.limit, now, savepoints=savepoints) if work.limit else {}
            faults.point("before_commit")
            uow.commit()
        self._keep_answers(done.values())
        faults.point("after_commit")
        return CycleResult(ids, list(done.values()), claimed, now + self.lease if work.renew else None)

    # ---- reminders ---------------------------------------------------------------------------------
    def remind(self, limit: int = 50, plan: bool = False) -> int:
        """One transaction of reminders, beside the cycles: (re)plan the open campaigns when ``plan``, claim up
        to ``limit`` due reminders and put their messages in the outbox; returns how many messages."""
        now = self.clock()
        with self.uow(keep_state_history=False) as uow:
            if plan:
                reminders.plan_open(uow, now)
            queued = reminders.fire(uow, now, limit=limit, templates=self._templates)
            uow.commit()
        return queued

    # ---- processing --------------------------------------------------------------------------------
    def process(self, update: Update) -> Handled:
        """Keep one update and process it, in one transaction."""
        return self.process_batch([update])[0]

    def process_batch(self, updates: Sequence[Update]) -> list[Handled]:
        """Keep several updates (of different chats) and process them in one commit, each still atomic.

        An update whose chat has an older one still waiting is kept and processed after it (by
        :meth:`work`). When the database cannot take anything (disk full, server gone) nothing is kept
        and each user is told so directly.
        """
        now = self.clock()
        try:
            ids, done = _savepoints_if_needed(lambda savepoints: self._batch(updates, now, savepoints=savepoints))
        except Exception as exc:  # no crash reaches a user
            return [self._failed(update, exc) for update in updates]
        self._keep_answers(done.values())
        self._delivered = []
        faults.point("after_commit")
        return [done.get(i, Handled(u, inbox_id=i)) if i is not None else Handled(u, duplicate=True)
                for u, i in zip(updates, ids, strict=True)]

    def _batch(self, updates: Sequence[Update], now: datetime, *, savepoints: bool
               ) -> tuple[list[int | None], dict[int, Handled]]:
        """:meth:`process_batch`'s transaction: the updates' inbox ids and what processing them did."""
        with self.uow(keep_state_history=False) as uow:
            self._mark_delivered(uow, now)
            ids = self._keep(uow, updates, now)
            fresh = [i for i in ids if i is not None]
            done = self._work(uow, len(fresh), now, only=fresh, savepoints=savepoints) if fresh else {}
            faults.point("before_commit")
            uow.commit()
        return ids, done

    def _work(self, uow: UnitOfWork, limit: int, now: datetime, *, channel: str | None = None,
              only: Sequence[int] | None = None, savepoints: bool = True) -> dict[int, Handled]:
        """Process the waiting heads (of ``only`` when given) in this transaction, each in a savepoint: at most
        ``limit`` updates in all. Later rounds retry the updates that failed (and, among ``only``, take the
        heads that came next) so that an update failing for good is set aside within one call.

        Without ``savepoints`` the first update that fails raises :class:`_Redo` (the caller drops the
        transaction and does it again with them)."""
        results: dict[int, Handled] = {}
        among = only
        for _ in range(MAX_ATTEMPTS):
            if len(results) >= limit:
                break
            rows = uow.inbox.take(limit - len(results), channel=channel, ids=among)
            rows = [row for row in rows if row.id not in results]
            if not rows:
                break
            failed_ids: list[int] = []
            uow.reports.lock_for_accounts((row.channel, row.user_id) for row in rows)
            busy = self._busy(uow, rows)
            processed: list[int] = []
            for row in rows:
                update = Update.from_row(row.channel, row.update_id, row.chat_id, row.user_id, row.payload)
                lease = None if (row.channel, row.chat_id) in busy else (self.owner, now + self.lease)
                try:
                    if savepoints:
                        with uow.savepoint():
                            handled = self._one(uow, update, now, row.id, lease)
                    else:
                        handled = self._one(uow, update, now, row.id, lease)
                except Exception as exc:
                    if transient(exc):
                        raise
                    if not savepoints:
                        raise _Redo from exc
                    failed = self._set_aside_maybe(uow, update, row.id, exc, now)
                    if failed is not None:
                        results[row.id] = failed
                    else:
                        failed_ids.append(row.id)
                    continue
                handled.inbox_id = row.id
                results[row.id] = handled
                processed.append(row.id)
                faults.point("after_update")
            uow.inbox.done(processed, now)
            if only is None:  # later rounds only retry what failed: their reports are locked already
                if not failed_ids:
                    break
                among = failed_ids
        return results

    def _mark_delivered(self, uow: UnitOfWork, now: datetime) -> bool:
        """Record, in this transaction, the messages sent since the last commit (False: there were none)."""
        if not self._delivered:
            return False
        uow.outbox.mark_sent_as(self._delivered, now)
        return True

    def _busy(self, uow: UnitOfWork, rows: Sequence[Any]) -> set[tuple[str, str]]:
        """The chats of these rows whose pending messages someone else holds (or nobody): new replies wait
        behind them; behind messages this runner holds, a reply is taken at once and sent after them."""
        chats: dict[str, set[str]] = {}
        for row in rows:
            chats.setdefault(row.channel, set()).add(row.chat_id)
        return {(channel, chat) for channel, ids in chats.items()
                for chat, owners in uow.outbox.busy_chats(channel, ids).items() if owners != {self.owner}}

    def _set_aside_maybe(self, uow: UnitOfWork, update: Update, inbox_id: int, exc: Exception,
                         now: datetime) -> Handled | None:
        """Count a failed attempt; after the last one set the update aside and apologise (once)."""
        attempts = uow.inbox.failed(inbox_id, f"{type(exc).__name__}: {exc}", now, max_attempts=MAX_ATTEMPTS)
        if attempts < MAX_ATTEMPTS:
            log.warning("update %s/%s failed (attempt %s): %s", update.channel, update.update_id, attempts,
                        type(exc).__name__)
            return None
        log.error("update %s/%s set aside after %s attempts: %s", update.channel, update.update_id, MAX_ATTEMPTS,
                  exc, exc_info=exc)
        lease = (self.owner, now + self.lease)
        outgoing = self._send(uow, update, [Say("bot.error.internal")], now, None, inbox_id, lease)
        return Handled(update, error=str(exc), outgoing=outgoing, inbox_id=inbox_id)

    def _failed(self, update: Update, exc: Exception) -> Handled:
        """A batch the database could not take: nothing is kept (the channel redelivers, or the user writes
        again once it is back); the user is told directly (no crash reaches a user)."""
        problem = storage_problem(exc) or "bot.error.storage_down"
        if storage_problem(exc) is None:
            log.error("update %s/%s failed: %s", update.channel, update.update_id, exc, exc_info=exc)
        else:
            log.error("update %s/%s not stored: %s", update.channel, update.update_id, problem)
        return Handled(update, error=problem, outgoing=[_direct(update, problem)])

    def _one(self, uow: UnitOfWork, update: Update, now: datetime, turn: int,
             lease: tuple[str, datetime] | None) -> Handled:
        person, identity, working = self._person(uow, update, now)
        event, notes = update.event, list[Effect]()
        code = _start_code(event)
        if code:  # the code may bind this account to another unit, or to someone else
            working = None
        reply = self._replier(uow, update, now, turn, lease)
        if isinstance(event, Unsupported):  # a sticker, a voice message…: say what the bot can read
            what = event.what if event.what in UNSUPPORTED else "other"
            return reply([Say("bot.unsupported", {"what": ref(f"bot.unsupported.{what}")})], None)
        if isinstance(event, Pick) and event.data.startswith(buttons.PREFIX):
            data = buttons.resolve(uow, update.channel, update.chat_id, event.data)
            if data is None:  # a keyboard that is no longer the chat's latest
                return reply([Say("bot.button_stale")], None)
            event = Pick(data)
        if code:
            accepted = invites.accept(uow, person, code, now, identity)
            notes.extend(accepted.notes)
            if not accepted.ok:
                return reply(notes, None)
            if accepted.person_id is not None:  # a link code: this account is now someone else's
                person = uow.people.get(accepted.person_id)
            event = Start()
        if _command(event) == "link":
            return reply(invites.link_code(uow, person, identity, self.codes(), now), None)
        if self.binding is not None and identity.report_id is None and not code:
            # The console chat reports for one unit in one campaign.
            if person.unit_id is None:
                uow.people.attach_unit(person, self.binding.unit_id)
            bound = uow.reports.get_or_create(self.binding.campaign_id, self.binding.unit_id, now)
            uow.people.set_active_report(identity, bound.id)
        staff = department.reply(uow, person, identity, event, self.clock().tzinfo or UTC, now, update.channel)
        if staff is not None:
            return reply([*notes, *staff], None)
        chosen = choose_report(uow, person, identity, event, now,
                               current=None if working is None else (working.report, working.campaign))
        notes.extend(chosen.notes)
        if chosen.report is None or chosen.campaign is None:
            return reply(notes, None)
        row, event = chosen.report, chosen.event
        if working is not None and working.report.id == row.id:
            conv = working.conversation
        else:
            conv, _ = uow.conversations.get_or_create(person.id, row.id, channel=update.channel,
                                                      chat_id=update.chat_id, state={}, now=now)
        template = self.template_for(uow, chosen.campaign.template_version_id)
        known = working.answers if working is not None and working.report.id == row.id else None
        answers = self._answers_of(uow, row, known)
        view = Report.of(answers, version=row.version, status=row.status, ref=row.ref or "")
        step = resume(template, view, conv.state, event, now)
        contact = chosen.campaign.contact or template.meta.department or t("bot.contact.department_default")
        appended: list[tuple[str, int, AnswerRecord]] = []
        said = apply_effects(uow, row, step.effects, now, person_id=person.id, channel=update.channel,
                             contact=contact, appended=appended)
        uow.conversations.save(conv, step.state, now, channel=update.channel, chat_id=update.chat_id)
        documents: list[DocumentDue] = []
        if update.channel in DOCUMENT_CHANNELS:  # the submitted report, as the document a văn thư files
            documents = [DocumentDue("bot.document.unit", {"version": e.version, "ref": e.ref},
                                     unit_document(row.campaign_id, row.unit_id, e.version))
                         for e in step.effects if isinstance(e, Submitted)]
        handled = reply([*notes, *said, *documents], conv.id)
        handled.campaign_id, handled.unit_id = row.campaign_id, row.unit_id
        if known is not None:
            after = dict(answers)
            after.update((field_id, record) for field_id, _, record in appended)
            newest = max([known[1], *(answer_id for _, answer_id, _ in appended)])
            handled.answers = (row.id, (known[0] + len(appended), newest), after)
        return handled

    def _answers_of(self, uow: UnitOfWork, row: Any, known: tuple[int, int] | None) -> dict[str, AnswerRecord]:
        """A report's current answers: kept from the last turn on it when its answers are still those (same count,
        same newest id: answers are only added), else read."""
        kept = self._answers.get(row.id) if known is not None else None
        if kept is not None and kept[0] == known:
            return kept[1]
        return uow.answers.current_records(row.campaign_id, row.unit_id)

    def _keep_answers(self, handled: Iterable[Handled]) -> None:
        """After a commit: keep the answers of the reports its turns worked on."""
        if len(self._answers) > ANSWERS_KEPT:
            self._answers.clear()
        for item in handled:
            if item.answers is not None:
                report_id, key, answers = item.answers
                self._answers[report_id] = (key, answers)

    def _replier(self, uow: UnitOfWork, update: Update, now: datetime, turn: int,
                 lease: tuple[str, datetime] | None) -> Callable[[Sequence[Effect | DocumentDue], int | None], Handled]:
        """Answers this update with effects: their messages go to the outbox as the turn's replies."""

        def reply(effects: Sequence[Effect | DocumentDue], conversation_id: int | None) -> Handled:
            outgoing = self._send(uow, update, effects, now, conversation_id, turn, lease)
            said = [e for e in effects if not isinstance(e, DocumentDue)]
            return Handled(update, effects=said, outgoing=outgoing if lease else [])

        return reply

    def _person(self, uow: UnitOfWork, update: Update, now: datetime) -> tuple[Person, Identity, Working | None]:
        """The person writing and their account on this channel (created on first contact); in the common
        case, in the same read, the report the account works on and the person's conversation on it.

        Nothing is cached across transactions: a person created in a batch that is rolled back is gone,
        and the next update creates (or finds) the right one.
        """
        working = uow.people.working(update.channel, update.user_id)
        if working is not None:
            return working.person, working.identity, working
        person, identity = uow.people.register(update.channel, update.user_id,
                                               clean(update.display_name, limit=200), now)
        return person, identity, None

    @staticmethod
    def _send(uow: UnitOfWork, update: Update, effects: Sequence[Effect | DocumentDue], now: datetime,
              conversation_id: int | None, turn: int, lease: tuple[str, datetime] | None) -> list[Outgoing]:
        """Put the replies in the outbox (leased to this runner unless the chat has older ones pending)."""
        limit = LIMITS.get(update.channel, 2000)
        out = []
        # Each .docx followed by its PDF where LibreOffice is; only what the channel carries.
        for payload in pack(carried(update.channel, with_pdf(effects)), limit):
            outbox_id = uow.outbox.add(update.channel, update.chat_id, payload, now, conversation_id=conversation_id,
                                       turn=turn, lease=lease)
            out.append(Outgoing.of(outbox_id, update.channel, update.chat_id, payload, turn,
                                   lease[1] if lease else None))
        return out

    def stats(self) -> tuple[int, float, int]:
        """The gauges: messages not sent yet, the oldest one's age in seconds, updates waiting."""
        with self.uow() as uow:
            depth = uow.outbox.unsent_count()
            oldest = uow.outbox.oldest_unsent()
            waiting = uow.inbox.waiting()
        age = 0.0 if oldest is None else max(0.0, (self.clock() - oldest).total_seconds())
        return depth, age, waiting

    def forget(self, days: float) -> int:
        """Drop the inbox rows processed more than ``days`` ago; how many."""
        with self.uow() as uow:
            dropped = uow.inbox.forget_before(self.clock() - timedelta(days=days))
            uow.commit()
        return dropped

    def warm(self) -> None:
        """Load the templates of the open campaigns now (before the first turn needs one)."""
        with self.uow() as uow:
            for campaign in uow.campaigns.all(status="open"):
                self.template_for(uow, campaign.template_version_id)

    def template_for(self, uow: UnitOfWork, version_id: int) -> Template:
        """A template version (immutable, so loaded once per process)."""
        cached = self._templates.get(version_id)
        if cached is None:
            cached = self._templates[version_id] = campaign_template(uow, version_id)
        return cached

    # ---- delivery (synchronous: the console and tests; the runtime has its async sender) -------------
    def send_replies(self, handled: Sequence[Handled], send: Callable[[Outgoing], SendResult | None]) -> int:
        """Send the replies of processed updates (leased to this runner by their own transaction)."""
        return self._send_all([message for item in handled for message in item.outgoing], send)

    def _send_all(self, messages: Sequence[Outgoing], send: Callable[[Outgoing], SendResult | None]) -> int:
        """Send messages this runner holds, each chat's in order; a chat stops at its first failure (its
        later messages are released to wait behind it). Sent ones are marked with the next commit."""
        stopped: set[tuple[str, str]] = set()
        failures: list[tuple[Outgoing, SendResult]] = []
        released: list[int] = []
        count = 0
        for message in messages:
            chat = (message.channel, message.chat_id)
            if chat in stopped:
                released.append(message.id)
                continue
            try:
                result = send(message) or Sent()
            except Exception as exc:  # a channel failure is retried later, never fatal
                result = Transient(f"{type(exc).__name__}: {exc}")
            if not isinstance(result, Sent):
                log.warning("sending outbox #%s failed: %s", message.id, describe(result))
                stopped.add(chat)
                if message.id:
                    failures.append((message, result))
                continue
            count += 1
            if message.id:  # 0: said directly, never stored (the database could not take it)
                self._delivered.append((message.id, result.provider_id))
            faults.point("after_send")
        if failures or released:
            now = self.clock()
            with self.uow() as uow:
                for message, result in failures:
                    self.record_failure(uow, message.id, result, now, keep=False)
                uow.outbox.release([i for i in released if i])
                uow.commit()
        return count

    def record_failure(self, uow: UnitOfWork, outbox_id: int, result: SendResult, now: datetime, *,
                       keep: bool) -> str | None:
        """Record a failed send: retry later, or give up for good (the reason is returned then).

        ``keep``: the sender keeps the message queued for the retry (its lease is extended past it);
        otherwise it is released, for whoever claims it once due.
        """
        row = uow.outbox.get(outbox_id)
        decision = decide(result, row.attempts + 1, now, self.rng)
        self._apply(uow, outbox_id, decision, describe(result), now, keep=keep)
        return decision.give_up

    def _apply(self, uow: UnitOfWork, outbox_id: int, decision: Decision, reason: str, now: datetime, *,
               keep: bool) -> None:
        """Write what a failed send's decision says: give up for good, or try again at its time."""
        if decision.give_up is not None:
            uow.outbox.give_up(outbox_id, decision.give_up, now)
            log.warning("outbox #%s given up: %s", outbox_id, decision.give_up)
            if undelivered.reroute(uow, uow.outbox.get(outbox_id), now):
                log.info("outbox #%s sent on the person's other channels instead", outbox_id)
        elif decision.retry_at is not None:
            lease_until = decision.retry_at + self.lease if keep else None
            uow.outbox.retry_later(outbox_id, reason, decision.retry_at, lease_until)

    def flush(self) -> None:
        """Record the messages sent since the last commit as sent (call before stopping)."""
        if not self._delivered:
            return
        with self.uow() as uow:
            uow.outbox.mark_sent_as(self._delivered, self.clock())
            uow.commit()
        self._delivered = []

    def claim(self, channel: str | None = None, limit: int = 100, *, take_over: bool = False) -> list[Outgoing]:
        """Take the chats' next messages for sending, leased to this runner (in one commit).

        ``take_over``: every lease counts as run out (the console, its channel's only sender, at start).
        """
        now = self.clock()
        with self.uow() as uow:
            if self._delivered:
                uow.outbox.mark_sent_as(self._delivered, now)
                self._delivered = []
            free = now + timedelta(days=365) if take_over else None
            rows = uow.outbox.claim(now, self.owner, now + self.lease, limit=limit, channel=channel, free_before=free)
            claimed = [Outgoing.of(row.id, row.channel, row.chat_id, row.payload or {}, row.turn, row.lease_until)
                       for row in rows]
            uow.commit()
        self._delivered = []
        return claimed

    def deliver(self, send: Callable[[Outgoing], SendResult | None], channel: str | None = None,
                limit: int = 100, *, take_over: bool = False) -> int:
        """Send what waits in the outbox (e.g. for other chats), each chat in order, until nothing is due."""
        count = 0
        while True:
            claimed = self.claim(channel, limit, take_over=take_over)
            if not claimed:
                break
            sent = self._send_all(claimed, send)
            count += sent
            self.flush()
            if sent == 0:
                break
        return count


def _savepoints_if_needed(transaction: Callable[[bool], _T]) -> _T:
    """Run a transaction of turns without savepoints; when a turn fails (:class:`_Redo`), again with them."""
    try:
        return transaction(False)
    except _Redo:
        return transaction(True)


def transient(exc: BaseException) -> bool:
    """Whether a database error may go away by itself (retry the whole batch later)."""
    if storage_problem(exc) is not None:
        return True
    return isinstance(exc, DBAPIError) and bool(getattr(exc, "connection_invalidated", False))


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


#: Link codes (``/lienket``) are shorter than invites: typed by hand, valid for hours, behind the lockout.
LINK_CODE_LENGTH = 12
#: The letters of codes: capitals and digits that do not look alike (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_code(length: int = 27) -> str:
    """A fresh invite code: 27 capitals and digits (≥ 128 bits), easy to read aloud and to type in any case.

    >>> code = new_code()
    >>> len(code), code == code.upper(), len(CODE_ALPHABET) ** 27 > 2 ** 128
    (27, True, True)
    """
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def _start_code(event: Event) -> str:
    """The invite code of ``/start CODE``, if the event is one."""
    if isinstance(event, Text) and event.text.lstrip().startswith("/"):
        command = recognise(event.text)
        if command is not None and command.name == "start" and command.arg:
            return command.arg.strip()
    return ""
