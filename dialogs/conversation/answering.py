"""Answering a field: parse, check, store (or ask back, or explain and ask again); "không có", "bỏ qua",
"để sau", "giữ nguyên"; long texts sent in several messages; files.
"""

from __future__ import annotations

import re
from typing import Any

from dialogs.conversation import cursor, flow, proposals, wording
from dialogs.conversation.checks import check_answer
from dialogs.conversation.context import Turn
from dialogs.conversation.recognise import label
from dialogs.conversation.state import Wait
from dialogs.effects import Button
from dialogs.events import FileReceived
from dialogs.fields import ParseResult, parse
from dialogs.messages import ref, t
from dialogs.template.model import NUMERIC_TYPES, Field
from dialogs.vietnamese.format import format_number

#: After this many failed answers to one question, offer help, "để sau" and the department's contact.
MAX_FAILURES = 3
#: The largest file a file field takes: what a Telegram bot can download (``getFile``), 20 MB.
MAX_FILE_BYTES = 20 * 2**20


def answer(turn: Turn, field: Field, text: str) -> None:
    """Take ``text`` as the answer to ``field``."""
    result = parse(field.type, text, flow.spec_of(field), turn.now.date())
    consider(turn, field, result, text)


def consider(turn: Turn, field: Field, result: ParseResult, raw: str) -> None:
    """Store a good answer, ask back about an ambiguous one, or explain a bad one and ask again."""
    if result.ask is not None:
        choices = tuple({"label": c.label, "value": c.value} for c in result.choices)
        turn.state.wait = Wait("choose", field.id, raw=raw, choices=choices)
        turn.ask(field.id, result.code, wording.choice_buttons(choices), **result.params)
        return
    if not result.ok:
        fail(turn, field, parse_problem(result))
        return
    problem = check_answer(field, result.value, flow.values(turn.answers))
    if problem and field.check_severity == "warn" and field.check:
        # "Usually" true, not a rule: say why it looks wrong and let the user confirm it.
        display = result.display or str(result.value)
        choice = {"label": t("parse.yes"), "value": result.value, "display": display,
                  "approximate": result.approximate, "qualifier": result.qualifier}
        turn.state.wait = Wait("choose", field.id, raw=raw, choices=(choice,))
        turn.ask(field.id, "engine.check_warn", wording.choice_buttons((choice,)), problem=problem, display=display)
        return
    if problem:
        fail(turn, field, problem)
        return
    if field.type == "text" and proposals.offer(turn, field, raw):
        return
    accept(turn, field, result, raw)


def parse_problem(result: ParseResult) -> dict[str, Any]:
    """A parser's refusal as a message."""
    return ref(result.code, **result.params) if result.code else ref("engine.not_understood")


def accept(turn: Turn, field: Field, result: ParseResult, raw: str) -> None:
    """Save a parsed answer, confirm what was understood, and move on."""
    turn.save(field, turn.record(field, "answered", result, raw))
    shown = result.display or str(result.value)
    turn.say("engine.saved", display=wording.short(shown, wording.TEXT_SNIPPET) if field.type == "text" else shown)
    cursor.move_on(turn)


def fail(turn: Turn, field: Field, problem: dict[str, Any]) -> None:
    """Explain a refused answer; after :data:`MAX_FAILURES` offer help, "để sau" and the department."""
    st = turn.state
    st.failures += 1
    if st.failures >= MAX_FAILURES:
        later = ("cmd:skip", "engine.button.skip") if not field.required else ("cmd:later", "engine.button.later")
        buttons = (Button("cmd:help", msg="engine.button.help"), Button(later[0], msg=later[1]),
                   Button("cmd:contact", msg="engine.button.contact"))
        turn.say("engine.too_many_failures", buttons, error=problem, example=field.example or "—")
        return
    turn.say_problem(problem)
    turn.reask(brief=True)


def none(turn: Turn, field: Field) -> None:
    """"không có": nothing to report, where the field allows it (on an optional field: skip it)."""
    if not field.allow_none and not field.required and field.type not in NUMERIC_TYPES:
        skip(turn, field)
        return
    if not field.allow_none:
        key = "engine.none_numeric" if field.type in NUMERIC_TYPES else "engine.none_refused"
        turn.say(key, example=field.example or "—")
        turn.reask(brief=True)
        return
    turn.state.buffer = []
    turn.save(field, turn.record(field, "none", raw=label("none")))
    turn.say("engine.saved_none")
    cursor.move_on(turn)


def skip(turn: Turn, field: Field) -> None:
    """"bỏ qua": leave an optional field unanswered."""
    if field.required:
        turn.say("engine.skip_required", later=label("later"))
        turn.reask(brief=True)
        return
    if turn.state.group is not None and turn.state.group.field == field.id:
        turn.state.group = None
    turn.save(field, turn.record(field, "skipped", raw=label("skip")))
    turn.say("engine.skipped")
    cursor.move_on(turn)


def later(turn: Turn, field: Field) -> None:
    """"để sau": come back to this field before submitting."""
    st = turn.state
    if field.id not in st.deferred and not flow.is_done(field, turn.answers):
        st.deferred.append(field.id)
    if st.group is not None and st.group.field == field.id and not st.group.items and not st.group.item:
        st.group = None
    turn.say("engine.deferred")
    cursor.move_on(turn)


def keep(turn: Turn, field: Field) -> bool:
    """"giữ nguyên": keep the answer the field has; False when there is none to keep."""
    if not flow.is_done(field, turn.answers):
        return False
    turn.say("engine.kept")
    cursor.move_on(turn)
    return True


def add_part(turn: Turn, field: Field, text: str) -> None:
    """One more message of a long text."""
    st = turn.state
    st.buffer.append(text.strip())
    chars = sum(len(part) for part in st.buffer)
    turn.say("engine.text_part", (Button("cmd:done", msg="engine.button.done"),), part=len(st.buffer), chars=chars)


def flush(turn: Turn) -> bool:
    """Close a long text sent in several messages and save it; False when it was refused (kept typed)."""
    st = turn.state
    field = turn.current()
    if not st.buffer or field is None or st.wait.kind != "text":
        return True
    text = join_parts(st.buffer)
    st.buffer = []
    result = parse("text", text, flow.spec_of(field), turn.now.date())
    problem = parse_problem(result) if not result.ok else check_answer(field, result.value, flow.values(turn.answers))
    if problem:
        st.buffer = [text]
        turn.say_problem(problem)
        turn.say("engine.text_refused_hint")
        return False
    if proposals.offer(turn, field, text):
        return True
    turn.save(field, turn.record(field, "answered", result, text))
    turn.say("engine.text_saved", chars=len(text))
    cursor.move_on(turn)
    return True


#: A part of a paragraph that ends like this ends a sentence: the next part starts a new line.
_SENTENCE_END = re.compile(r"[.!?:;…)»\"”]\s*$")


def join_parts(parts: list[str]) -> str:
    """The messages of a paragraph as one text: a part that stops mid-sentence (phones send "…kinh tế - xã
    hội. Cong" then "tac thi dua…") runs on with a space; one that ends a sentence starts a new line.

    >>> join_parts(["Đơn vị đã ban hành kế hoạch. Công", "tác thi đua được triển khai.", "Kết quả tốt."])
    'Đơn vị đã ban hành kế hoạch. Công tác thi đua được triển khai.\\nKết quả tốt.'
    """
    out = ""
    for part in parts:
        if not out:
            out = part
        else:
            out += ("\n" if _SENTENCE_END.search(out) else " ") + part
    return out


def redo(turn: Turn, field: Field) -> None:
    """"làm lại": drop what is being typed for this field (kept aside, never lost) and start again."""
    st = turn.state
    if not st.buffer:
        turn.say("engine.redo_nothing")
    else:
        st.orphans[f"text:{field.id}@{turn.now.isoformat()}"] = "\n".join(st.buffer)
        st.buffer = []
        turn.say("engine.redo_done")
    turn.reask(brief=True)


def append(turn: Turn, field: Field) -> None:
    """"viết tiếp": continue the saved text of this field (what is sent next is added to it)."""
    st = turn.state
    record = turn.answers.get(field.id)
    if st.buffer:  # already typing: what comes next is added anyway
        turn.reask(brief=True)
        return
    if record is None or record.status != "answered" or not isinstance(record.value, str):
        turn.say("engine.append_nothing")
        turn.reask(brief=True)
        return
    st.buffer = [record.value]
    turn.say("engine.append_ready", (Button("cmd:done", msg="engine.button.done"),), text=record.value)


def file(turn: Turn, event: FileReceived) -> None:
    """Store a file or photo for a file field; otherwise say one isn't expected here."""
    field = turn.current()
    if field is None or field.type != "file" or turn.state.wait.kind != "answer":
        turn.say("engine.file_unexpected")
        turn.reask()
        return
    if event.size > MAX_FILE_BYTES:  # the bot could never fetch it: refused, the question stays
        turn.say("engine.file_too_big", name=event.name or t("engine.file_default_name"),
                 size=format_number(round(event.size / 2**20, 1)), limit=format_number(MAX_FILE_BYTES // 2**20))
        turn.reask(brief=True)
        return
    value = {"file_id": event.file_id, "name": event.name, "mime": event.mime, "size": event.size}
    unnamed = "engine.photo_default_name" if event.mime.startswith("image/") else "engine.file_default_name"
    display = event.name or t(unnamed)
    accept(turn, field, ParseResult(ok=True, value=value, display=display), event.name)
