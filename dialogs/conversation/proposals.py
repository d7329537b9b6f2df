"""Text typed without diacritics: propose it back with them, and let the user choose.

When a text answer (a paragraph, a line, a name) arrives mostly without diacritics, the conversation
shows the restored text (:mod:`dialogs.vietnamese.diacritics`) with the words it is unsure of marked,
and waits («Dùng bản có dấu này?»): yes saves the proposal, no saves the text as typed, and any other
text is the user's corrected version, saved as sent. The text as typed is the answer's ``raw`` in the
report's history whatever the choice; nothing is ever changed silently. A command sent meanwhile keeps
the text as typed (and says so), then runs.
"""

from __future__ import annotations

import re

from dialogs.conversation import cursor, flow, wording
from dialogs.conversation.checks import check_answer
from dialogs.conversation.context import Turn
from dialogs.conversation.state import Wait
from dialogs.fields import ParseResult, parse
from dialogs.messages import ref
from dialogs.template.model import Field
from dialogs.vietnamese.diacritics import Kind, Restoration, lacks_diacritics, restore

#: The most unsure words listed with their alternatives under the proposal.
LISTED = 8
_NAME_EXAMPLE = re.compile(r"^(?:[^\W\d_][^\W\d_]*\s+){1,5}[^\W\d_]+$")


def kind_of(turn: Turn, field: Field, column: Field | None = None) -> Kind:
    """How the answer is written: a person's name, a paragraph, or a line."""
    target = column or field
    if column is None and field.id == turn.template.meta.signer.name_field:
        return "name"
    example = target.example.strip()
    if _NAME_EXAMPLE.match(example) and example.istitle():
        return "name"
    if target.max_length is None or target.max_length > flow.SHORT_TEXT:
        return "paragraph"
    return "line"


def offer(turn: Turn, field: Field, text: str, column: Field | None = None) -> bool:
    """Propose ``text`` back with its diacritics when it was typed without them; False when there is nothing
    to propose (the caller then saves it as it is)."""
    if not turn.propose_diacritics or not lacks_diacritics(text):
        return False
    result = restore(text, kind_of(turn, field, column))
    if not result.changed:
        return False
    choice = {"value": result.text, "label": marked(result), "unsure": unsure_list(result),
              "more": max(0, len(result.uncertain) - LISTED)}
    turn.state.wait = Wait("diacritics", field.id, column.id if column else "", raw=text, choices=(choice,))
    turn.say("engine.diacritics.copy", text=result.text)
    turn.reask()
    return True


def marked(result: Restoration) -> str:
    """The proposal with its unsure words in brackets: "đã tổ chức [hội] nghị"."""
    out, at = [], 0
    for span in result.uncertain:
        out += [result.text[at:span.start], "[", result.text[span.start:span.end], "]"]
        at = span.end
    out.append(result.text[at:])
    return "".join(out)


def unsure_list(result: Restoration) -> list[str]:
    """"hội (hay: hỏi, hồi)" for the first unsure words."""
    return [f"{result.text[u.start:u.end]} ({', '.join(u.alternatives)})" for u in result.uncertain[:LISTED]]


def ask(turn: Turn) -> None:
    """Put the question of the wait again."""
    wait = turn.state.wait
    choice = wait.choices[0]
    unsure = list(choice.get("unsure") or [])
    question = wait.field if not wait.column else f"{wait.field}.{wait.column}"
    more = int(choice.get("more") or 0)
    listed = ref("engine.diacritics.unsure", words=", ".join(unsure),
                 more=ref("engine.diacritics.more", count=more) if more else "") if unsure else ""
    # The clean proposal went just before, on its own (to copy); it is shown again only with its unsure words marked.
    label = str(choice["label"])
    proposal = ref("engine.diacritics.marked", text=label) if label != choice["value"] else ""
    turn.ask(question, "engine.diacritics.ask", wording.yesno_buttons(wait.field), proposal=proposal, unsure=listed)


def settle(turn: Turn, text: str | None) -> tuple[Field, Field, str] | None:
    """Answer the proposal: ``None`` for yes (the proposal), the typed text for no, or a corrected version.

    Saves a field's answer itself; for a group's column it returns (group, column, value) for the caller to
    put in the record (None when saved, refused, or the field is gone)."""
    wait = turn.state.wait
    if text is None:
        text, msg = str(wait.choices[0]["value"]), "engine.diacritics.kept_proposal"
    elif text == wait.raw:
        msg = "engine.diacritics.kept_typed"
    else:
        msg = "engine.diacritics.kept_corrected"
    field = turn.field(wait.field)
    if field is None:
        cursor.move_on(turn)
        return None
    column = next((c for c in field.fields if c.id == wait.column), None) if wait.column else None
    result = parse("text", text.strip(), flow.spec_of(column or field), turn.now.date())
    problem = (ref(result.code, **result.params) if result.code else ref("engine.not_understood")) if not result.ok \
        else None
    if problem is None and column is None:
        problem = check_answer(field, result.value, flow.values(turn.answers))
    if problem:
        turn.say_problem(problem)
        turn.reask()
        return None
    turn.say(msg, text=wording.short(str(result.value), wording.TEXT_SNIPPET))
    if column is not None:
        turn.state.wait = Wait("column", field.id, column.id)
        return field, column, str(result.value)
    turn.state.wait = Wait("answer", field.id)
    turn.save(field, turn.record(field, "answered", ParseResult(ok=True, value=result.value, display=result.display),
                                 wait.raw))
    cursor.move_on(turn)
    return None
