"""What each command does: xem lại, sửa, quay lại, bỏ qua, để sau, tạm dừng, không có, xong, nộp …

One handler per command, in one literal table. Whether a command is taken as one at all is decided by
the wait (:mod:`dialogs.conversation.waits`); a handler then acts on what the conversation waits for.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from dialogs.conversation import answering, cursor, flow, groups, submission, wording
from dialogs.conversation.context import Turn
from dialogs.conversation.recognise import Command
from dialogs.conversation.state import Wait
from dialogs.effects import ContactRequested
from dialogs.template.model import Field
from dialogs.vietnamese.cleaning import index
from dialogs.vietnamese.format import roman
from dialogs.vietnamese.matching import Candidate, match
from dialogs.vietnamese.text import fold

Handler = Callable[[Turn, Command], None]


def run(turn: Turn, command: Command) -> None:
    """Carry out ``command``."""
    HANDLERS.get(command.name, _unknown)(turn, command)


def start(turn: Turn, command: Command | None = None) -> None:
    """Begin, or pick up where the user left off."""
    st = turn.state
    st.paused = False
    if not st.started:
        st.started = True
        count = len(flow.applicable(turn.template, turn.answers))
        turn.say("engine.welcome", title=turn.template.meta.title, count=count)
        cursor.move_on(turn)
        return
    if not turn.report.submitted:
        turn.say("engine.welcome_back")
    here = turn.current()
    if here is not None and st.wait.kind in ("answer", "text") and not st.buffer and flow.is_done(here, turn.answers):
        # A colleague answered this question meanwhile: go on to what still needs an answer.
        cursor.move_on(turn)
    turn.reask()


def _unknown(turn: Turn, command: Command) -> None:
    turn.say("engine.unknown_command", text=command.arg or command.name)
    turn.reask()


def _review(turn: Turn, command: Command) -> None:
    if turn.state.wait.kind in ("review", "start") and not turn.report.submitted:
        cursor.review(turn)
        return
    turn.say("engine.review", **wording.review(turn.template, turn.answers, turn.report.version))
    turn.reask(brief=True)


def _help(turn: Turn, command: Command) -> None:
    field = turn.current()
    if field is not None:
        turn.say("engine.help.field", section=field.section, prompt=field.prompt, help=field.help or "—",
                 example=field.example or "—")
    turn.say("engine.help.commands")
    turn.reask(brief=True)


def _pause(turn: Turn, command: Command) -> None:
    turn.state.paused = True
    turn.say("engine.paused")


def _contact(turn: Turn, command: Command) -> None:
    field = turn.current()
    note = turn.state.buffer[-1] if turn.state.buffer else ""
    # The host knows whether anyone at the department can be told: it says so right after this effect.
    turn.effects.append(ContactRequested(field.id if field else "", note=note))
    turn.reask(brief=True)


def _department_only(turn: Turn, command: Command) -> None:
    turn.say("engine.department_only")
    turn.reask(brief=True)


def _keep(turn: Turn, command: Command) -> None:
    field = turn.current()
    if field is not None and turn.state.wait.kind == "column":
        if not groups.keep_column(turn, field):
            turn.reask()
        return
    if field is None or not answering.keep(turn, field):
        turn.reask()


def _delete(turn: Turn, command: Command) -> None:
    group = _group_here(turn)
    number = index(command.arg)
    if group is None or number is None:
        turn.say("engine.delete_where")
        turn.reask()
        return
    groups.delete_record(turn, group, number)


def _group_here(turn: Turn) -> Field | None:
    """The group being filled, when the wait is one of its columns or "another one?"."""
    field = turn.current()
    return field if field is not None and turn.state.wait.kind in ("column", "more") else None


def _done(turn: Turn, command: Command) -> None:
    group = _group_here(turn)
    if group is not None:
        groups.done(turn, group)
        return
    # A long text was just closed by the dispatcher (the wait moved on), or there was nothing to close.
    turn.reask()


def _none(turn: Turn, command: Command) -> None:
    group = _group_here(turn)
    if group is not None:
        if not groups.none(turn, group):
            turn.say("engine.group.none_too_late" if group.allow_none else "engine.none_refused",
                     example=group.example or "—")
            turn.reask()
        return
    field = turn.current()
    if field is None or turn.state.wait.kind not in ("answer", "text"):
        turn.reask()
        return
    answering.none(turn, field)


def _skip(turn: Turn, command: Command) -> None:
    group = _group_here(turn)
    if group is not None and groups.skip_column(turn, group):
        return
    field = turn.current()
    if field is None:
        turn.reask()
        return
    answering.skip(turn, field)


def _later(turn: Turn, command: Command) -> None:
    field = turn.current()
    if field is None:
        turn.reask()
        return
    answering.later(turn, field)


def _on_paragraph(action: Callable[[Turn, Field], None]) -> Handler:
    """A command about the paragraph being typed ("làm lại", "viết tiếp"): elsewhere, the question again."""

    def handler(turn: Turn, command: Command) -> None:
        field = turn.current()
        if field is None or turn.state.wait.kind != "text":
            turn.reask()
            return
        action(turn, field)

    return handler


def _back(turn: Turn, command: Command) -> None:
    st = turn.state
    group = _group_here(turn)
    if group is not None and groups.back(turn, group):
        return
    here = turn.current()
    previous = flow.previous_field(turn.template, turn.answers, here.id if here else None)
    if previous is None:
        turn.say("engine.at_first")
        turn.reask()
        return
    if here is not None:
        # Come back here once the earlier answer is given again (or kept).
        st.return_to = here.id
    if previous.type == "group":
        st.group = None
    cursor.go_to(turn, previous)


def _edit(turn: Turn, command: Command) -> None:
    target = command.arg.strip()
    group = _group_here(turn)
    number = index(fold(target).replace("thu ", "").strip())
    if group is not None and turn.state.wait.kind == "more" and number is not None:
        groups.edit_record(turn, group, number)  # "sửa 2" under the list of records: record 2
        return
    if not target:
        sections = [s for s in turn.template.all_sections() if "." not in s.path]
        turn.say("engine.edit_how", sections=[f"{s.path}. {wording.short(s.title, 60)}" for s in sections])
        turn.reask(brief=True)
        return
    fields = resolve_target(turn, target)
    if len(fields) == 1:
        cursor.edit(turn, fields[0])
    elif fields:
        choices = tuple({"label": wording.short(f"{f.section} {f.name}", 60), "value": f.id} for f in fields)
        turn.state.wait = Wait("pick_field", choices=choices)
        turn.reask()
    else:
        turn.say("engine.edit_not_found", target=target)
        turn.reask(brief=True)


_ROMAN = re.compile(r"^[ivxlc]+$")


def resolve_target(turn: Turn, target: str) -> list[Field]:
    """The fields "sửa <target>" names: a summary number, a section path (IV.2), a field id, or words."""
    template = turn.template
    applicable = flow.applicable(template, turn.answers)
    folded = fold(target).replace(" ", ".").rstrip(".")
    head, dot, tail = folded.partition(".")
    section = index(head)
    if dot and section is not None and 0 < section < 40:
        folded = f"{roman(section).lower()}.{tail}"  # "4.2" is how many type section IV.2
    number = index(folded)
    if number is not None:
        return [applicable[number - 1]] if 1 <= number <= len(applicable) else []
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
        item = index(last)
        if parents and item is not None:
            # "II.1" where section II has no sub-sections: its first item.
            items = [f for f in applicable if f.id in {g.id for g in parents[0].fields()}]
            return [items[item - 1]] if 1 <= item <= len(items) else []
    candidates = [Candidate(f.id, (fold(f.name), fold(f.id.replace("_", " ")))) for f in applicable]
    candidates += [Candidate(f"§{s.path}", (fold(s.title),)) for s in template.all_sections()]
    found = match(fold(target), candidates)
    keys = [found.key] if found.kind == "one" and found.key else list(found.keys)
    if not keys:
        # "sửa số tiền": every field whose name (or id) holds these words, in order.
        words = f" {fold(target)} "
        keys = [f.id for f in applicable
                if words in f" {fold(f.name)} " or words in f" {fold(f.id.replace('_', ' '))} "]
    out: list[Field] = []
    for key in keys:
        if key.startswith("§"):
            ids = {f.id for f in template.section(key[1:]).fields()}
            out.extend(f for f in applicable if f.id in ids and f not in out)
        elif template.has_field(key):
            out.append(template.field(key))
    return out


def _submit(turn: Turn, command: Command) -> None:
    if turn.state.wait.kind == "confirm" and not turn.report.submitted:
        submission.submit_now(turn)
    else:
        submission.request(turn)


def _cancel(turn: Turn, command: Command) -> None:
    st = turn.state
    if st.wait.kind == "confirm":
        submission.confirm(turn, False)
        return
    if st.wait.kind in ("choose", "pick_field"):
        here = turn.current()
        if here is not None:
            cursor.go_to(turn, here)
        else:
            cursor.move_on(turn)
        return
    turn.reask()


#: command name → what it does.
HANDLERS: dict[str, Handler] = {
    "start": start,
    "resume": start,
    "review": _review,
    "help": _help,
    "pause": _pause,
    "contact": _contact,
    "progress": _department_only,
    "compile": _department_only,
    "unknown": _unknown,
    "keep": _keep,
    "done": _done,
    "none": _none,
    "skip": _skip,
    "later": _later,
    "back": _back,
    "edit": _edit,
    "submit": _submit,
    "confirm": _submit,
    "cancel": _cancel,
    "redo": _on_paragraph(answering.redo),
    "delete": _delete,
    "append": _on_paragraph(answering.append),
}
