"""The conversation engine: ``resume(template, state, event, now) -> Step(state, effects)``, with no I/O.

A conversation runs until it waits for the user, then is resumed by the next event. The engine reads
no clock (``now`` is an argument), touches no database or network, and never resets a state: answers
are keyed by field id and survive template changes and restarts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dialogs.answers import AnswerRecord
from dialogs.conversation import flow, picks, submission
from dialogs.conversation import wording as summary
from dialogs.conversation.checks import check_answer
from dialogs.conversation.groups import GroupFlow
from dialogs.conversation.recognise import Command, recognise
from dialogs.conversation.state import ASKING, CONFIRM_SUBMIT, PAUSED, REVIEW, SUBMITTED, State, adopt_template
from dialogs.effects import (
    AnswerSaved,
    Ask,
    Button,
    ContactRequested,
    Effect,
    Say,
)
from dialogs.events import Event, FileReceived, Pick, ReminderDue, Start, Text, Timeout
from dialogs.fields import ParseResult, parse
from dialogs.messages import t
from dialogs.template.model import Field, Template

#: After this many failed answers to one question, offer help, "để sau" and the department's contact.
MAX_FAILURES = 3


@dataclass(frozen=True)
class Step:
    """The result of one resume: the new state (JSON) and the effects to carry out, in order."""

    state: dict[str, Any]
    effects: list[Effect]


def resume(template: Template, state: dict[str, Any] | None, event: Event, now: datetime) -> Step:
    """Advance a conversation by one event."""
    turn = Turn(template, State.from_json(state), now)
    turn.handle(event)
    return Step(turn.state.to_json(), turn.effects)


class Turn:
    """One resume: the template, the state being changed, the clock reading and the effects so far."""

    def __init__(self, template: Template, state: State, now: datetime) -> None:
        self.template = template
        self.state = state
        self.now = now
        self.effects: list[Effect] = []
        self.groups = GroupFlow(self)

    # ---- plumbing -----------------------------------------------------------------------------------
    def say(self, text: str, buttons: tuple[Button, ...] = ()) -> None:
        """Queue a message composed elsewhere (a parser's error, a summary)."""
        self.effects.append(Say(text, buttons))

    def tell(self, key: str, buttons: tuple[Button, ...] = (), **params: Any) -> None:
        """Queue message ``key`` of :mod:`dialogs.messages`, rendered with ``params``."""
        self.effects.append(Say(t(key, **params), buttons, key=key))

    def in_group(self) -> bool:
        """Whether the question being asked is a column of the repeated group being filled."""
        group = self.state.group
        return group is not None and group.get("field") == self.state.cursor

    def current(self) -> Field | None:
        """The field being asked, if it still exists."""
        cursor = self.state.cursor
        return self.template.field(cursor) if cursor and self.template.has_field(cursor) else None

    def save(self, field: Field, record: AnswerRecord, field_type: str | None = None) -> None:
        """Record an answer in the state and emit it for storage."""
        self.state.answers[field.id] = record
        self.state.types[field.id] = field_type or field.type
        if field.id in self.state.deferred:
            self.state.deferred.remove(field.id)
        self.state.failures = 0
        self.effects.append(AnswerSaved(field.id, record.to_json(), self.state.version))

    def record(self, status: str, result: ParseResult | None = None, raw: str = "") -> AnswerRecord:
        """Build an answer record stamped with the turn's time."""
        if result is None:
            return AnswerRecord(status=status, raw=raw, at=self.now.isoformat())  # type: ignore[arg-type]
        return AnswerRecord(
            status="answered",
            value=result.value,
            raw=raw,
            display=result.display,
            approximate=result.approximate,
            qualifier=result.qualifier,
            at=self.now.isoformat(),
        )

    # ---- entry --------------------------------------------------------------------------------------
    def handle(self, event: Event) -> None:
        """Dispatch one event."""
        self.sync_template()
        if isinstance(event, Start):
            self.start()
        elif isinstance(event, Text):
            self.on_text(event.text)
        elif isinstance(event, Pick):
            self.on_pick(event.data)
        elif isinstance(event, FileReceived):
            self.on_file(event)
        elif isinstance(event, ReminderDue):
            self.on_reminder(event)
        elif isinstance(event, Timeout):
            self.state.mode = PAUSED if self.state.mode == ASKING else self.state.mode

    def sync_template(self) -> None:
        """Adopt the template's version, keeping every answer (see :func:`.state.adopt_template`)."""
        if adopt_template(self.state, self.template):
            self.tell("engine.template_changed", version=self.template.version)

    def start(self) -> None:
        """Begin, or pick up where the user left off."""
        st = self.state
        if st.mode == PAUSED:
            st.mode = ASKING
        if not st.started:
            st.started = True
            count = len(flow.applicable(self.template, st))
            self.tell("engine.welcome", title=self.template.meta.title, count=count)
            self.advance()
            return
        if st.mode == SUBMITTED:
            self.tell("engine.already_submitted", ref=st.submitted[-1]["ref"] if st.submitted else "")
            return
        self.tell("engine.welcome_back")
        self.ask_current()

    # ---- text and buttons --------------------------------------------------------------------------
    def on_text(self, text: str) -> None:
        """Handle a typed message: a pending question back, a command, or an answer."""
        st = self.state
        if not st.started:
            self.start()
            return
        if st.mode == PAUSED:
            st.mode = ASKING
            self.tell("engine.welcome_back")
        command = recognise(text)
        if st.pending and self.resolve_pending(text):
            return
        if (command is not None and self.expects_yesno() and command.name not in {"submit", "confirm"}
                and parse("yesno", text, None, self.now.date()).ok):
            command = None
        if command is not None and self.command_applies(command):
            self.flush_buffer()
            self.run(command)
            return
        if st.mode == SUBMITTED:
            self.tell("engine.already_submitted", ref=st.submitted[-1]["ref"] if st.submitted else "")
            return
        if st.mode == CONFIRM_SUBMIT:
            self.confirm_submit(text)
            return
        self.answer(text)

    def expects_yesno(self) -> bool:
        """Whether the question waiting is a yes/no one ("không" then answers it, it is no command)."""
        st = self.state
        if st.mode == CONFIRM_SUBMIT:
            return True
        if self.in_group():
            return st.group is not None and st.group.get("phase") == "more"
        field = self.current()
        return field is not None and field.type == "yesno" and st.mode == ASKING

    def command_applies(self, command: Command) -> bool:
        """Whether a recognised command is meant as one here ("không có" answers a yes/no question)."""
        field = self.current()
        if command.name == "none" and field is not None and field.type == "yesno" and not self.in_group():
            return False
        if command.name == "done" and self.in_group():
            return True
        if command.name in {"confirm", "cancel"} and self.state.mode != CONFIRM_SUBMIT:
            return False
        if command.name == "keep" and (field is None or not flow.is_done(field.id, self.state)):
            return False
        # "xong" closes a long text (or a group); elsewhere it is just a word.
        return not (command.name == "done" and not self.state.buffer and field is not None
                    and not flow.is_long_text(field))

    def on_pick(self, data: str) -> None:
        """Handle a button press (see :mod:`dialogs.conversation.picks`)."""
        picks.on_pick(self, data)

    def resolve_pending(self, text: str, by_index: bool = False) -> bool:
        """Answer a question asked back; True if ``text`` did (see :mod:`dialogs.conversation.picks`)."""
        return picks.resolve_pending(self, text, by_index)

    # ---- answers -----------------------------------------------------------------------------------
    def answer(self, text: str) -> None:
        """Treat ``text`` as the answer to the current question."""
        st = self.state
        if self.in_group():
            self.groups.answer(text)
            return
        field = self.current()
        if field is None:
            self.ask_current()
            return
        if flow.is_long_text(field):
            st.buffer.append(text.strip())
            chars = sum(len(part) for part in st.buffer)
            self.tell("engine.text_part", part=len(st.buffer), chars=chars,
                      buttons=(Button(t("engine.button.done"), "cmd:done"),))
            return
        result = parse(field.type, summary.option_by_number(field, text), flow.spec_of(field), self.now.date())
        self.consider(field, result, text)

    def consider(self, field: Field, result: ParseResult, raw: str) -> None:
        """Store a good answer, ask back about an ambiguous one, or explain a bad one and ask again."""
        if result.ask is not None:
            self.state.pending = {
                "field": field.id,
                "raw": raw,
                "choices": [{"label": c.label, "value": c.value} for c in result.choices],
            }
            buttons = tuple(Button(c.label, f"opt:{i}") for i, c in enumerate(result.choices))
            self.effects.append(Ask(field.id, result.ask, buttons))
            return
        if not result.ok:
            self.fail(field, result.error or t("engine.not_understood"))
            return
        problem = self.validate(field, result)
        if problem:
            self.fail(field, problem)
            return
        self.accept(field, result, raw)

    def accept(self, field: Field, result: ParseResult, raw: str) -> None:
        """Save a parsed answer, confirm what was understood, and move on."""
        self.save(field, self.record("answered", result, raw))
        self.tell("engine.saved", display=summary.short(result.display or str(result.value)))
        self.advance()

    def validate(self, field: Field, result: ParseResult) -> str | None:
        """Check the field's pattern and cross-field expression; a message if they fail."""
        return check_answer(field, result.value, flow.values(self.state))

    def fail(self, field: Field, message: str) -> None:
        """Explain a refused answer; after :data:`MAX_FAILURES` offer help, "để sau" and the department."""
        st = self.state
        st.failures += 1
        if st.failures >= MAX_FAILURES:
            buttons = [Button(t("engine.button.help"), "cmd:help")]
            buttons.append(Button(t("engine.button.skip" if not field.required else "engine.button.later"),
                                  "cmd:skip" if not field.required else "cmd:later"))
            buttons.append(Button(t("engine.button.contact"), "cmd:contact"))
            self.tell("engine.too_many_failures", error=message, example=field.example or "—", buttons=tuple(buttons))
            return
        self.say(message)
        self.ask(field, brief=True)

    def flush_buffer(self) -> None:
        """Close a long text sent in several messages and save it."""
        st = self.state
        field = self.current()
        if not st.buffer or field is None:
            return
        text = "\n".join(st.buffer)
        st.buffer = []
        result = parse("text", text, flow.spec_of(field), self.now.date())
        if not result.ok:
            st.buffer = [text]
            self.say(result.error or t("engine.not_understood"))
            return
        problem = self.validate(field, result)
        if problem:
            st.buffer = [text]
            self.say(problem)
            return
        self.save(field, self.record("answered", result, text))
        self.tell("engine.text_saved", chars=len(text))
        self.move_on()

    def on_file(self, event: FileReceived) -> None:
        """Store a file or photo for a file field; otherwise say one isn't expected here."""
        field = self.current()
        if field is None or field.type != "file":
            self.tell("engine.file_unexpected")
            self.ask_current()
            return
        value = {"file_id": event.file_id, "name": event.name, "mime": event.mime}
        display = event.name or t("engine.file_default_name")
        self.accept(field, ParseResult(ok=True, value=value, display=display), event.name)

    def on_reminder(self, event: ReminderDue) -> None:
        """Remind the user of the deadline, with what is still missing."""
        if self.state.mode == SUBMITTED:
            return
        missing = len(flow.missing_required(self.template, self.state))
        self.tell("engine.reminder", deadline=event.deadline, days=event.days_left, missing=missing)
        self.ask_current()

    # ---- moving around -----------------------------------------------------------------------------
    def move_on(self) -> Field | None:
        """Point the cursor at the next question without asking it: back to where the user was after an
        edit, else the first unanswered one; None when everything is answered."""
        st = self.state
        st.failures = 0
        target = st.return_to
        st.return_to = None
        nxt = flow.next_field(self.template, st)
        unfinished = bool(st.group) and st.group is not None and st.group.get("field") == target
        if target and self.template.has_field(target) and (unfinished or not flow.is_done(target, st)):
            field = self.template.field(target)
            if flow.applies(field, st):
                if nxt is not None and flow.comes_before(self.template, nxt.id, target):
                    # The edit made an earlier question apply: ask it first, then go back.
                    st.return_to = target
                    st.cursor = nxt.id
                    return nxt
                st.cursor = field.id
                return field
        st.cursor = nxt.id if nxt is not None else None
        return nxt

    def advance(self) -> None:
        """Ask the next question, or show the review when everything is answered."""
        field = self.move_on()
        if field is not None:
            self.ask(field)
        else:
            self.enter_review()

    def ask_current(self) -> None:
        """Ask the current question again (or show the review when everything is answered)."""
        st = self.state
        if st.mode == SUBMITTED:
            self.tell("engine.already_submitted", ref=st.submitted[-1]["ref"] if st.submitted else "")
            return
        field = self.current()
        if field is None:
            self.advance()
        elif self.in_group():
            self.groups.ask()
        else:
            self.ask(field)

    def ask(self, field: Field, brief: bool = False) -> None:
        """Emit the question for ``field`` (with help, an example, and the current answer if any)."""
        st = self.state
        st.mode = ASKING
        if field.type == "group":
            self.groups.begin(field)
            return
        number, total = flow.position(self.template, st, field.id)
        text = summary.question(field, number, total, st.answers.get(field.id), brief=brief)
        self.effects.append(Ask(field.id, text, summary.buttons(field, st.answers.get(field.id))))

    def enter_review(self) -> None:
        """Everything is answered (or deferred): show the summary and how to submit."""
        st = self.state
        st.mode = REVIEW
        self.say(summary.review(self.template, st))
        missing = flow.missing_required(self.template, st)
        if missing:
            self.tell("engine.review_missing", count=len(missing), buttons=summary.edit_buttons(missing[:5]))
        else:
            self.tell("engine.review_ready", buttons=(Button(t("engine.button.submit"), "cmd:submit"),
                                                Button(t("engine.button.review"), "cmd:review")))

    def edit_field(self, field: Field) -> None:
        """Jump to ``field`` to change its answer; afterwards return to where the user was."""
        st = self.state
        if st.mode == SUBMITTED:
            self.open_new_version()
        if st.mode == CONFIRM_SUBMIT:
            st.mode = REVIEW
        if st.cursor and st.cursor != field.id and st.return_to is None and not flow.is_done(st.cursor, st):
            st.return_to = st.cursor
        st.cursor = field.id
        st.buffer = []
        st.failures = 0
        if field.type == "group":
            st.group = None
        self.ask(field)

    def open_new_version(self) -> None:
        """Editing after submission: a new draft version; the submitted one stays as it was."""
        submission.open_new_version(self)

    # ---- commands ----------------------------------------------------------------------------------
    def run(self, command: Command) -> None:
        """Carry out a command."""
        from dialogs.conversation import commands as command_handlers

        command_handlers.run(self, command)

    def confirm_submit(self, text: str) -> None:
        """The user answers "Nộp báo cáo?" (see :func:`dialogs.conversation.submission.confirm`)."""
        submission.confirm(self, text)

    def submit_now(self) -> None:
        """Freeze the answers as a submitted version and give the receipt."""
        submission.submit_now(self)

    def contact(self) -> None:
        """Pass the user's request for help to the department."""
        field = self.current()
        note = self.state.buffer[-1] if self.state.buffer else ""
        self.effects.append(ContactRequested(field.id if field else "", note=note))
        self.tell("engine.contact_sent")
        self.ask_current()

