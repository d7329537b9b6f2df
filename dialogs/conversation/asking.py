"""Putting the question the conversation waits for: a field, a group's column or "another one?", a question
asked back, the review, the submit confirmation, or the receipt of a submitted report.
"""

from __future__ import annotations

from typing import Any

from dialogs.conversation import cursor, flow, proposals, wording
from dialogs.conversation.context import Turn
from dialogs.conversation.state import Wait
from dialogs.effects import Button
from dialogs.messages import ref
from dialogs.template.model import Field


def ask_current(turn: Turn, brief: bool = False) -> None:
    """Ask for what the state waits for."""
    wait = turn.state.wait
    if turn.report.submitted and wait.kind not in ("pick_field",):
        already_submitted(turn)
        return
    field = turn.current()
    if wait.kind in ("answer", "text") and field is not None:
        ask_field(turn, field, brief)
    elif wait.kind in ("column", "more") and field is not None and field.type == "group":
        ask_group(turn, field)
    elif wait.kind == "choose" and field is not None:
        turn.ask(field.id if not wait.column else f"{field.id}.{wait.column}", "engine.choose_again",
                 wording.choice_buttons(wait.choices),
                 choices=[f"{i}. {c['label']}" for i, c in enumerate(wait.choices, start=1)])
    elif wait.kind == "pick_field":
        turn.say("engine.edit_which", wording.edit_buttons([f for c in wait.choices
                                                                 if (f := turn.field(str(c["value"])))]),
                 items=[f"{i}. {c['label']}" for i, c in enumerate(wait.choices, start=1)])
    elif wait.kind == "maybe_command" and wait.choices:
        turn.ask(wait.field, "engine.maybe_command", wording.yesno_buttons(wait.field),
                 command=str(wait.choices[0]["label"]), text=wait.raw)
    elif wait.kind == "diacritics" and wait.choices:
        proposals.ask(turn)
    elif wait.kind == "confirm":
        turn.say("engine.confirm_submit", wording.confirm_buttons(), title=turn.template.meta.title)
    elif wait.kind == "review":
        review(turn)
    else:
        # "start", or a wait whose field the template no longer has: the first question that needs an answer.
        from_start(turn)


def from_start(turn: Turn) -> None:
    """Ask the first question that needs an answer (or show the review)."""
    nxt = flow.next_field(turn.template, turn.answers, turn.state.deferred)
    if nxt is None:
        turn.state.wait = Wait("review")
        review(turn)
        return
    cursor.go_to(turn, nxt)
    turn.asking = None
    ask_current(turn)


def ask_field(turn: Turn, field: Field, brief: bool = False) -> None:
    """The question for ``field``, with help, an example, and the current answer if any."""
    params = wording.question(turn.template, turn.answers, field, brief=brief)
    buffer = turn.state.buffer if turn.state.wait.kind == "text" else []
    params["typed"] = ref("engine.ask.typed", parts=len(buffer), chars=sum(map(len, buffer))) if buffer else ""
    buttons = wording.buttons(field, turn.answers.get(field.id))
    if buffer:
        buttons = (Button("cmd:done", msg="engine.button.done"), *buttons)
    turn.ask(field.id, "engine.question", buttons, **params)


def ask_group(turn: Turn, field: Field) -> None:
    """A group's next column, or whether there is another record."""
    st = turn.state
    data = st.group
    items = data.items if data is not None and data.field == field.id else []
    item = data.item if data is not None and data.field == field.id else {}
    if st.wait.kind == "more":
        records = [f"{n}. {wording.record_line(field, item)}" for n, item in enumerate(items, start=1)]
        turn.ask(field.id, "engine.group.more", wording.yesno_buttons(field.id), count=len(items),
                 noun=field.unit or ref("engine.group.record"), records=records,
                 change=ref("engine.group.how_to_change") if items else "")
        return
    column = next((c for c in field.fields if c.id == st.wait.column), None)
    if column is None:
        column = field.fields[0]
    intro: Any = ""
    if not items and not item and column.id == field.fields[0].id:
        intro = ref("engine.question", **wording.question(turn.template, turn.answers, field))
    buttons: list[Button] = []
    if field.allow_none and not items and not item:
        buttons.append(Button("cmd:none", msg="engine.button.none"))
    if not column.required:
        buttons.append(Button("cmd:skip", msg="engine.button.skip"))
    editing = data is not None and data.field == field.id and data.editing is not None
    current: Any = ""
    if editing and data is not None and column.id in data.old:
        current = ref("engine.group.column_current", value=wording.short(str(data.old[column.id] or "—"), 200))
        buttons.append(Button("cmd:keep", msg="engine.button.keep"))
    number = (data.editing + 1) if editing and data is not None and data.editing is not None else len(items) + 1
    turn.ask(f"{field.id}.{column.id}", "engine.group.column", tuple(buttons), intro=intro, index=number,
             prompt=column.prompt, example=column.example or "—", current=current)


def review(turn: Turn) -> None:
    """The summary, and what to do next: submit, or answer what is still missing."""
    turn.say("engine.review", **wording.review(turn.template, turn.answers, turn.report.version))
    missing = flow.missing_required(turn.template, turn.answers)
    if missing:
        turn.say("engine.review_missing", wording.edit_buttons(missing[:5]), count=len(missing))
    else:
        turn.say("engine.review_ready", (Button("cmd:submit", msg="engine.button.submit"),
                                             Button("cmd:review", msg="engine.button.review")))


def already_submitted(turn: Turn) -> None:
    """The report's current version is submitted: say so, and how to open a revision."""
    turn.say("engine.already_submitted", ref=turn.report.ref or "—")
    turn.asking = None
