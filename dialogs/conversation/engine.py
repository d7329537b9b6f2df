"""The conversation engine: ``resume(template, report, state, event, now) -> Step(state, effects)``, no I/O.

A conversation runs until it waits for the user, then is resumed by the next event. The engine reads
no clock (``now`` is an argument), touches no database or network, and never resets a state. It is given
the report's current answers (shared by every staff member of the unit) and one person's conversation
state; it returns that person's new state and the effects (answers saved, submitted …) for storage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from dialogs.answers import AnswerRecord
from dialogs.conversation import answering, asking, commands, evolution, flow, waits
from dialogs.conversation.context import Turn
from dialogs.conversation.recognise import Command
from dialogs.conversation.report import Report
from dialogs.conversation.state import State
from dialogs.effects import Button, Effect
from dialogs.events import Event, FileReceived, Pick, ReminderDue, Start, Text, Timeout
from dialogs.messages import ref
from dialogs.template.model import Template
from dialogs.vietnamese.cleaning import clean, index
from dialogs.vietnamese.format import format_deadline

#: How many missing sections a reminder names (then «…»).
MISSING_SHOWN = 8


@dataclass(frozen=True)
class Step:
    """The result of one resume: the conversation's new state (JSON) and the effects, in order."""

    state: dict[str, Any]
    effects: list[Effect]


def resume(template: Template, report: Report | Mapping[str, AnswerRecord] | None, state: dict[str, Any] | None,
           event: Event, now: datetime) -> Step:
    """Advance one conversation by one event. ``report`` is the report's current answers and status (a bare
    mapping of answers means a draft, version 1); it is not changed."""
    report = report.copy() if isinstance(report, Report) else Report.of(report)
    turn = Turn(template, report, State.from_json(state), now)
    handle(turn, cleaned(event))
    if turn.asking is not None:
        asking.ask_current(turn, brief=turn.asking == "brief")
    return Step(turn.state.to_json(), turn.effects)


def cleaned(event: Event) -> Event:
    """The event with its text made safe to store and print (:func:`dialogs.vietnamese.cleaning.clean`)."""
    if isinstance(event, Text):
        return Text(clean(event.text))
    if isinstance(event, Pick):
        return Pick(clean(event.data, limit=200))
    if isinstance(event, FileReceived):
        return FileReceived(clean(event.file_id, 500), clean(event.name, 255), clean(event.mime, 100), event.size)
    return event


def handle(turn: Turn, event: Event) -> None:
    """Dispatch one event."""
    evolution.adopt(turn)
    st = turn.state
    if isinstance(event, Start):
        commands.start(turn)
        return
    if isinstance(event, Timeout):
        st.paused = st.started  # the host says the user went quiet: the next message welcomes them back
        return
    if isinstance(event, ReminderDue):
        remind(turn, event)
        return
    if not st.started:
        commands.start(turn)
        return
    if st.paused:
        st.paused = False
        turn.say("engine.welcome_back")
    if isinstance(event, Text):
        waits.on_text(turn, event.text)
    elif isinstance(event, Pick):
        pick(turn, event.data)
    elif isinstance(event, FileReceived):
        answering.file(turn, event)


def pick(turn: Turn, data: str) -> None:
    """A button press: ``cmd:<command>``, ``field:<id>`` (edit it), ``opt:<field>:<value>``, ``pick:<n>``."""
    kind, _, value = data.partition(":")
    if kind == "cmd" and value:
        waits.on_command(turn, Command(value))
    elif kind == "field" and turn.template.has_field(value):
        if turn.state.wait.kind == "text":
            answering.flush(turn)
        if turn.state.wait.kind == "diacritics":
            waits.settle(turn, turn.state.wait.raw)  # another field's button: the text is kept as typed
        commands.run(turn, Command("edit", value))
    elif kind == "opt":
        field_id, _, option = value.rpartition(":")
        waits.on_option(turn, field_id, option)
    elif kind == "pick" and index(value) is not None:
        waits.on_pick(turn, index(value) or 0)
    else:
        turn.say("engine.unknown_button")
        turn.reask()


def remind(turn: Turn, event: ReminderDue) -> None:
    """Remind of the deadline, naming the sections still missing and how to continue; the question waiting
    stays the same (the next answer still answers it: only the question is shown again, briefly)."""
    if turn.report.submitted:
        return
    missing = flow.missing_required(turn.template, turn.answers)
    sections = list(dict.fromkeys(f.section or f.id for f in missing))
    shown = ", ".join(sections[:MISSING_SHOWN]) + ("…" if len(sections) > MISSING_SHOWN else "")
    what = ref("engine.reminder_missing", sections=shown, count=len(missing)) if missing \
        else ref("engine.reminder_ready")
    days = event.days_left
    key = "engine.reminder" if days > 0 else "engine.reminder_late" if days < 0 else \
        "engine.reminder_passed" if event.passed else "engine.reminder_today"
    deadline = format_deadline(date.fromisoformat(event.deadline), time.fromisoformat(event.at) if event.at else None)
    if turn.state.started:
        turn.say(key, deadline=deadline, days=abs(days), missing=what, how=ref("engine.reminder_answer"))
        turn.reask(brief=True)
        return
    how = ref("engine.reminder_submit" if not missing else "engine.reminder_continue")
    buttons = (Button("cmd:submit", msg="engine.button.submit") if not missing
               else Button("cmd:resume", msg="engine.button.continue"),)
    turn.say(key, buttons, deadline=deadline, days=abs(days), missing=what, how=how)
