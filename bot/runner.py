"""The runner: one update = one transaction (dedupe, lock, engine, answers, outbox), commit, then deliver.

Updates of several chats may share one commit (group commit), each in its own savepoint so that one
failing update never takes the others with it. No reply leaves before its commit: replies go to the
outbox inside the transaction and are delivered after it, each marked sent in its own commit, so a
crash at any point loses nothing acknowledged and sends nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot import department, faults
from bot.outbox import LIMITS, pack
from dialogs.answers import AnswerRecord
from dialogs.conversation.engine import resume
from dialogs.conversation.recognise import recognise
from dialogs.effects import AnswerSaved, ContactRequested, Effect, Say, Submitted, VersionOpened
from dialogs.errors import ReportbotError
from dialogs.events import Event, Start, Text
from dialogs.messages import t
from dialogs.template.loader import load_template_text
from dialogs.template.model import Template
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


@dataclass(frozen=True)
class Binding:
    """The campaign and unit a new conversation reports for when no invite code binds it (console chat)."""

    campaign_id: int
    unit_id: int


class Runner:
    """Processes updates durably and delivers what they produce."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        clock: Callable[[], datetime],
        *,
        binding: Binding | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.clock = clock
        self.binding = binding
        self._templates: dict[int, Template] = {}
        #: campaign id → template version id (immutable once the campaign exists).
        self._campaign_versions: dict[int, int] = {}
        #: (channel, user id) → person id (people are never deleted); new ones wait for the commit.
        self._people: dict[tuple[str, str], int] = {}
        self._new_people: dict[tuple[str, str], int] = {}
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
        self._new_people = {}
        try:
            with UnitOfWork(self.session_factory, keep_state_history=False) as uow:
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
        self._people.update(self._new_people)
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
            self._delivered.append(message.id)
            faults.point("after_send")
        if failed:
            now = self.clock()
            with UnitOfWork(self.session_factory) as uow:
                for outbox_id, error in failed:
                    uow.outbox.mark_failed(outbox_id, error, now, now + RETRY_AFTER)
                uow.commit()
        return len(messages) - len(failed)

    def flush(self) -> None:
        """Record the replies delivered since the last commit as sent (call before stopping)."""
        if not self._delivered:
            return
        with UnitOfWork(self.session_factory) as uow:
            uow.outbox.mark_sent_many(self._delivered, self.clock())
            uow.commit()
        self._delivered = []

    def _failed(self, update: Update, exc: Exception, now: datetime) -> Handled:
        """An update that could not be processed: mark it done and apologise (no crash reaches a user)."""
        log.error("update %s/%s failed: %s", update.channel, update.update_id, exc, exc_info=exc)
        kind = "bot.error.known" if isinstance(exc, ReportbotError) else "bot.error.internal"
        with UnitOfWork(self.session_factory) as uow:
            if not uow.updates.claim(update.channel, update.update_id, now):
                return Handled(update, duplicate=True)
            payload = {"text": t(kind, reason=str(exc)), "buttons": []}
            outgoing = [self._reply(uow, update.channel, update.chat_id, payload, now, None)]
            uow.commit()
        return Handled(update, error=str(exc), outgoing=outgoing)

    def _one(self, uow: UnitOfWork, update: Update, now: datetime) -> Handled:
        if not uow.updates.claim(update.channel, update.update_id, now):
            return Handled(update, duplicate=True)
        person_id = self._person(uow, update, now)
        conv, _ = uow.conversations.get_or_create(update.channel, update.chat_id, person_id=person_id, state={},
                                                  now=now)
        event = update.event
        notes: list[Effect] = []
        code = _start_code(event)
        if code:
            invite = uow.invites.use(code, person_id, now)
            person = uow.people.get(person_id)
            if invite.unit_id is not None:
                uow.people.attach_unit(person, invite.unit_id)
            uow.people.set_role(person, invite.role)
            conv.unit_id = invite.unit_id
            conv.campaign_id = invite.campaign_id or _open_campaign(uow, invite.unit_id)
            notes.append(Say(t("bot.invite_accepted")))
            event = Start()
        if conv.campaign_id is None and self.binding is not None:
            conv.campaign_id, conv.unit_id = self.binding.campaign_id, self.binding.unit_id
        staff = self._department_reply(uow, person_id, conv, event, notes)
        if staff is not None:
            outgoing = self._send(uow, update, staff, now, conv.id)
            uow.conversations.save(conv, conv.state or {}, now)
            return Handled(update, effects=staff, outgoing=outgoing)
        if conv.campaign_id is None or conv.unit_id is None:
            outgoing = self._send(uow, update, [Say(t("bot.need_invite"))], now, conv.id)
            uow.conversations.save(conv, conv.state or {}, now)
            return Handled(update, outgoing=outgoing)
        template = self.template_for(uow, conv.campaign_id)
        step = resume(template, conv.state, event, now)
        effects = notes + step.effects
        self._apply(uow, update, person_id, conv.campaign_id, conv.unit_id, effects, now)
        uow.conversations.save(conv, step.state, now)
        outgoing = self._send(uow, update, effects, now, conv.id)
        return Handled(update, effects=effects, campaign_id=conv.campaign_id, unit_id=conv.unit_id,
                       outgoing=outgoing)

    def _department_reply(self, uow: UnitOfWork, person_id: int, conv: Any, event: Event,
                          notes: list[Effect]) -> list[Effect] | None:
        """Department staff's commands (/tiendo, /tonghop) and welcome; None for anyone else."""
        command = recognise(event.text) if isinstance(event, Text) else None
        asks_progress = command is not None and command.name in {"progress", "compile"}
        if not asks_progress and conv.unit_id is not None:
            return None
        if not department.is_department(uow, person_id):
            return None
        campaign_id = conv.campaign_id
        zone = self.clock().tzinfo or UTC
        if command is not None and command.name == "progress":
            return [*notes, Say(department.progress_text(uow, campaign_id, zone))]
        if command is not None and command.name == "compile":
            ids = [campaign_id] if campaign_id else [c.id for c in uow.campaigns.all(status="open")]
            return [*notes, *(Say(t("bot.dept.compile_cli", id=i)) for i in ids)] or [Say(t("bot.dept.no_campaign"))]
        return [*notes, Say(t("bot.dept.welcome"))]

    def _person(self, uow: UnitOfWork, update: Update, now: datetime) -> int:
        """The id of the person writing (created on first contact; remembered per process)."""
        key = (update.channel, update.user_id)
        known = self._people.get(key) or self._new_people.get(key)
        if known is None:
            known = uow.people.get_or_create(update.channel, update.user_id, update.display_name, now).id
            self._new_people[key] = known  # remembered only once the transaction commits
        return known

    def _apply(self, uow: UnitOfWork, update: Update, person_id: int, campaign_id: int, unit_id: int,
               effects: Iterable[Effect], now: datetime) -> None:
        """Store what the engine decided: answers (append-only), submissions, versions, requests for help."""
        for effect in effects:
            if isinstance(effect, AnswerSaved):
                uow.answers.append(
                    campaign_id=campaign_id, unit_id=unit_id, submission_version=effect.version,
                    field_id=effect.field_id, record=AnswerRecord.from_json(effect.record),
                    person_id=person_id, channel=update.channel, now=now,
                )
            elif isinstance(effect, Submitted):
                draft = uow.submissions.open_draft(campaign_id, unit_id, now)
                uow.submissions.submit(draft, effect.answers, effect.ref, person_id, now)
            elif isinstance(effect, VersionOpened):
                uow.submissions.open_draft(campaign_id, unit_id, now)
            elif isinstance(effect, ContactRequested):
                text = t("bot.contact_request", unit=uow.units.get(unit_id).name, field=effect.field_id)
                for staff in uow.people.with_role("department"):
                    for identity in uow.people.identities(staff.id):
                        uow.outbox.add(identity.channel, identity.external_id, {"text": text, "buttons": []}, now)

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

    def template_for(self, uow: UnitOfWork, campaign_id: int) -> Template:
        """The template version a campaign uses (loaded once per process)."""
        version_id = self._campaign_versions.get(campaign_id)
        if version_id is None:
            version_id = uow.campaigns.get(campaign_id).template_version_id
            self._campaign_versions[campaign_id] = version_id
        cached = self._templates.get(version_id)
        if cached is None:
            row = uow.templates.get(version_id)
            cached = load_template_text(row.text, source=f"{row.template_id}@{row.version}")
            self._templates[version_id] = cached
        return cached

    # ---- delivery ----------------------------------------------------------------------------------
    def claim(self, channel: str | None = None, limit: int = 100) -> list[Outgoing]:
        """Take pending messages for sending: each is marked as being sent, in one commit.

        A message claimed but not confirmed (the process died while sending) is never sent again:
        nothing goes out twice, and the conversation state is already committed, so the user's next
        message gets the right question.
        """
        with UnitOfWork(self.session_factory) as uow:
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
    return Outgoing(outbox_id, channel, chat_id, str(payload.get("text", "")), buttons)


def _start_code(event: Event) -> str:
    """The invite code of ``/start CODE``, if the event is one."""
    if isinstance(event, Text) and event.text.lstrip().startswith("/"):
        command = recognise(event.text)
        if command is not None and command.name == "start" and command.arg:
            return command.arg.strip()
    return ""


def _open_campaign(uow: UnitOfWork, unit_id: int | None) -> int | None:
    """The newest open campaign a unit is invited to (for invites that name no campaign)."""
    if unit_id is None:
        return None
    campaigns = uow.campaigns.open_for_unit(unit_id)
    return campaigns[-1].id if campaigns else None
