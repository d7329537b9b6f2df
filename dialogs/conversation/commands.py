"""What each command does to a conversation: xem lại, sửa, quay lại, bỏ qua, để sau, tạm dừng, không có, xong, nộp …"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from dialogs.conversation import flow
from dialogs.conversation import wording as summary
from dialogs.conversation.recognise import Command, label
from dialogs.conversation.state import ASKING, CONFIRM_SUBMIT, PAUSED, REVIEW, SUBMITTED
from dialogs.template.model import NUMERIC_TYPES, Field
from dialogs.vietnamese.matching import Candidate, match
from dialogs.vietnamese.text import fold

if TYPE_CHECKING:
    from dialogs.conversation.engine import Turn

Handler = Callable[["Turn", Command], None]
_HANDLERS: dict[str, Handler] = {}


def handles(*names: str) -> Callable[[Handler], Handler]:
    """Register a handler for the named commands."""

    def wrap(func: Handler) -> Handler:
        for name in names:
            _HANDLERS[name] = func
        return func

    return wrap


def run(turn: Turn, command: Command) -> None:
    """Carry out ``command`` on ``turn``."""
    _HANDLERS.get(command.name, _unknown)(turn, command)


def _unknown(turn: Turn, command: Command) -> None:
    turn.tell("engine.unknown_command", text=command.arg or command.name)
    turn.ask_current()


@handles("start", "resume")
def _resume(turn: Turn, command: Command) -> None:
    turn.start()


@handles("review")
def _review(turn: Turn, command: Command) -> None:
    if turn.state.cursor is None and turn.state.mode != SUBMITTED:
        turn.enter_review()
        return
    turn.say(summary.review(turn.template, turn.state))
    turn.ask_current()


@handles("help")
def _help(turn: Turn, command: Command) -> None:
    field = turn.current()
    if field is not None:
        turn.tell("engine.help.field", section=field.section, prompt=field.prompt,
                   help=field.help or "—", example=field.example or "—")
    turn.tell("engine.help.commands")
    turn.ask_current()


@handles("pause")
def _pause(turn: Turn, command: Command) -> None:
    turn.state.mode = PAUSED
    turn.tell("engine.paused")


@handles("contact")
def _contact(turn: Turn, command: Command) -> None:
    turn.contact()


@handles("progress", "compile")
def _department_only(turn: Turn, command: Command) -> None:
    turn.tell("engine.department_only")
    turn.ask_current()


@handles("unknown")
def _unknown_slash(turn: Turn, command: Command) -> None:
    _unknown(turn, command)


@handles("keep")
def _keep(turn: Turn, command: Command) -> None:
    field = turn.current()
    if field is not None and flow.is_done(field.id, turn.state):
        turn.tell("engine.kept")
        turn.advance()
    else:
        turn.ask_current()


@handles("done")
def _done(turn: Turn, command: Command) -> None:
    if turn.in_group():
        turn.groups.done()
        return
    # A long text was just flushed (the cursor moved on), or there was nothing to close.
    turn.ask_current()


@handles("none")
def _none(turn: Turn, command: Command) -> None:
    if turn.in_group() and turn.groups.none():
        return
    field = turn.current()
    if field is None:
        turn.ask_current()
        return
    if not field.allow_none:
        key = "engine.none_numeric" if field.type in NUMERIC_TYPES else "engine.none_refused"
        turn.tell(key, example=field.example or "—")
        turn.ask(field, brief=True)
        return
    turn.save(field, turn.record("none", raw="không có"))
    turn.tell("engine.saved_none")
    turn.advance()


@handles("skip")
def _skip(turn: Turn, command: Command) -> None:
    st = turn.state
    if turn.in_group() and turn.groups.skip_column():
        return
    field = turn.current()
    if field is None:
        turn.ask_current()
        return
    if field.required:
        turn.tell("engine.skip_required", later=label("later"))
        turn.ask(field, brief=True)
        return
    st.group = None
    turn.save(field, turn.record("skipped", raw="bỏ qua"))
    turn.tell("engine.skipped")
    turn.advance()


@handles("later")
def _later(turn: Turn, command: Command) -> None:
    st = turn.state
    field = turn.current()
    if field is None:
        turn.ask_current()
        return
    if field.id not in st.deferred and not flow.is_done(field.id, st):
        st.deferred.append(field.id)
    st.group = None if st.group and st.group.get("field") == field.id and not st.group.get("items") else st.group
    turn.tell("engine.deferred")
    turn.advance()


@handles("back")
def _back(turn: Turn, command: Command) -> None:
    st = turn.state
    if turn.in_group() and st.group and int(st.group.get("col", 0)) > 0 and st.group.get("phase") == "col":
        st.group["col"] = int(st.group["col"]) - 1
        turn.groups.ask()
        return
    previous = flow.previous_field(turn.template, st, st.cursor)
    if previous is None:
        turn.tell("engine.at_first")
        turn.ask_current()
        return
    if st.cursor is not None:
        # Come back here once the earlier answer is given again (or kept); the first unanswered
        # question follows as usual.
        st.return_to = st.cursor
    st.cursor = previous.id
    st.failures = 0
    if previous.type == "group":
        st.group = None
    turn.ask(previous)


@handles("edit")
def _edit(turn: Turn, command: Command) -> None:
    target = command.arg.strip()
    if not target:
        _choose_section(turn)
        return
    fields = resolve_target(turn, target)
    if len(fields) == 1:
        turn.edit_field(fields[0])
    elif fields:
        turn.state.pending = {
            "kind": "edit",
            "choices": [{"label": summary.short(f"{f.section} {f.name}", 60), "value": f.id} for f in fields],
        }
        lines = [f"{i}. {summary.short(f.section + ' ' + f.name, 70)}" for i, f in enumerate(fields, 1)]
        turn.tell("engine.edit_which", items="\n".join(lines), buttons=summary.edit_buttons(fields))
    else:
        turn.tell("engine.edit_not_found", target=target)
        turn.ask_current()


def _choose_section(turn: Turn) -> None:
    sections = [s for s in turn.template.all_sections() if "." not in s.path]
    lines = [f"{s.path}. {summary.short(s.title, 60)}" for s in sections]
    turn.tell("engine.edit_how", sections="\n".join(lines))
    turn.ask_current()


_ROMAN = re.compile(r"^[ivxlc]+$")


def resolve_target(turn: Turn, target: str) -> list[Field]:
    """The fields "sửa <target>" names: a summary number, a section path (IV.2), a field id, or words."""
    template, st = turn.template, turn.state
    applicable = flow.applicable(template, st)
    folded = fold(target).replace(" ", ".").rstrip(".")
    if folded.isdigit():
        index = int(folded)
        return [applicable[index - 1]] if 1 <= index <= len(applicable) else []
    if template.has_field(target.strip()):
        return [template.field(target.strip())]
    head = folded.split(".")[0]
    if _ROMAN.match(head):
        sections = [s for s in template.all_sections() if fold(s.path) == folded]
        if sections:
            ids = {f.id for f in sections[0].fields()}
            return [f for f in applicable if f.id in ids]
        parent, _, last = folded.rpartition(".")
        parents = [s for s in template.all_sections() if fold(s.path) == parent]
        if parents and last.isdigit():
            # "II.1" where section II has no sub-sections: its first item.
            items = [f for f in applicable if f.id in {g.id for g in parents[0].fields()}]
            return [items[int(last) - 1]] if 1 <= int(last) <= len(items) else []
    candidates = [Candidate(f.id, (fold(f.name), fold(f.id.replace("_", " ")))) for f in applicable]
    candidates += [Candidate(f"§{s.path}", (fold(s.title),)) for s in template.all_sections()]
    found = match(fold(target), candidates)
    keys = [found.key] if found.kind == "one" and found.key else list(found.keys)
    out: list[Field] = []
    for key in keys:
        if key.startswith("§"):
            ids = {f.id for f in template.section(key[1:]).fields()}
            out.extend(f for f in applicable if f.id in ids and f not in out)
        elif template.has_field(key):
            out.append(template.field(key))
    return out


@handles("submit", "confirm")
def _submit(turn: Turn, command: Command) -> None:
    st = turn.state
    if st.mode == SUBMITTED:
        turn.tell("engine.already_submitted", ref=st.submitted[-1]["ref"] if st.submitted else "")
        return
    if st.mode == CONFIRM_SUBMIT:
        turn.submit_now()
        return
    missing = flow.missing_required(turn.template, st)
    if missing:
        lines = "\n".join(f"- {f.section} {summary.short(f.name, 60)}" for f in missing[:10])
        turn.tell("engine.submit_missing", count=len(missing), items=lines)
        first = missing[0]
        if first.id in st.deferred:
            st.deferred.remove(first.id)
        st.cursor = first.id
        turn.ask(first)
        return
    st.mode = CONFIRM_SUBMIT
    turn.tell("engine.confirm_submit", title=turn.template.meta.title, buttons=summary.confirm_buttons())


@handles("cancel")
def _cancel(turn: Turn, command: Command) -> None:
    st = turn.state
    st.pending = None
    if st.mode == CONFIRM_SUBMIT:
        st.mode = REVIEW
        turn.tell("engine.submit_cancelled")
        return
    st.mode = ASKING if st.mode != SUBMITTED else st.mode
    turn.ask_current()
