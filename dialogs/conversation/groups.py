"""Repeated groups: a list of records (e.g. điển hình tiên tiến: họ tên, chức vụ, thành tích) asked column by column.

Progress (:class:`~dialogs.conversation.state.GroupProgress`) keeps values by column id, so a user can
leave mid-record and come back, and a template that reorders or removes columns never strands them.
The whole list is saved as one answer when the user says there are no more.
"""

from __future__ import annotations

from typing import Any

from dialogs.conversation import answering, cursor, flow, proposals, wording
from dialogs.conversation.context import Turn
from dialogs.conversation.state import GroupProgress, Wait
from dialogs.fields import ParseResult, parse
from dialogs.template.model import Field


def progress(turn: Turn, field: Field) -> GroupProgress:
    """The progress of ``field`` (started when missing)."""
    st = turn.state
    if st.group is None or st.group.field != field.id:
        st.group = GroupProgress(field.id)
    return st.group


def column_of(field: Field, column_id: str) -> Field | None:
    """The column with this id, if the group still has it."""
    return next((c for c in field.fields if c.id == column_id), None)


def answer_column(turn: Turn, field: Field, text: str) -> None:
    """Take ``text`` as the answer to the column being asked."""
    column = column_of(field, turn.state.wait.column)
    if column is None:
        cursor.go_to(turn, field)
        return
    if column.type == "text" and column.max_length is None and text.strip():
        result = ParseResult(ok=True, value=text.strip(), display=text.strip())
    else:
        result = parse(column.type, text, flow.spec_of(column), turn.now.date())
    if result.ask is not None:
        choices = tuple({"label": c.label, "value": c.value} for c in result.choices)
        turn.state.wait = Wait("choose", field.id, column=column.id, raw=text, choices=choices)
        turn.ask(f"{field.id}.{column.id}", result.code, wording.choice_buttons(choices), **result.params)
        return
    if not result.ok:
        turn.state.failures += 1
        turn.say_problem(answering.parse_problem(result))
        turn.reask()
        return
    if column.type == "text" and proposals.offer(turn, field, text, column):
        return
    put(turn, field, column, result.value)


def put(turn: Turn, field: Field, column: Field, value: Any) -> None:
    """Store one column of the record being typed; then the next column, or "another one?"."""
    data = progress(turn, field)
    data.item[column.id] = value
    turn.state.failures = 0
    missing = [c for c in field.fields if c.id not in data.item]
    if missing:
        turn.state.wait = Wait("column", field.id, missing[0].id)
        turn.reask()
        return
    record = {c.id: data.item.get(c.id) for c in field.fields}
    if data.editing is not None:  # a record changed in place: back where it was, then the list again
        data.items.insert(data.editing, record)
        data.item, data.editing, data.old = {}, None, {}
        turn.say("engine.group.record_changed")
        turn.state.wait = Wait("more", field.id)
        turn.reask()
        return
    data.items.append(record)
    data.item = {}
    if data.todo:  # a record typed before the template added a column: complete it next
        data.item = data.todo.pop(0)
        turn.state.wait = Wait("column", field.id, cursor.next_column(field, data))
        turn.reask()
        return
    if field.max_items is not None and len(data.items) >= field.max_items:
        turn.say("engine.group.full", max=field.max_items)
        finish(turn, field)
        return
    turn.state.wait = Wait("more", field.id)
    turn.reask()


def _new_record(turn: Turn, field: Field) -> None:
    """Ask the first column of a record (a new one, or one typed again)."""
    turn.state.wait = Wait("column", field.id, field.fields[0].id if field.fields else "")
    turn.reask()


def edit_record(turn: Turn, field: Field, number: int) -> None:
    """"sửa mục 2": type record 2 again, one column at a time, each showing its value ("giữ nguyên" keeps it)."""
    data = progress(turn, field)
    if not 1 <= number <= len(data.items):
        turn.say("engine.group.no_such_record", number=number, count=len(data.items))
        turn.reask()
        return
    data.old = data.items.pop(number - 1)
    data.editing, data.item = number - 1, {}
    _new_record(turn, field)


def delete_record(turn: Turn, field: Field, number: int) -> None:
    """"xoá mục 2": take record 2 out of the list (kept aside, never lost)."""
    data = progress(turn, field)
    if not 1 <= number <= len(data.items):
        turn.say("engine.group.no_such_record", number=number, count=len(data.items))
    else:
        removed = data.items.pop(number - 1)
        turn.state.orphans[f"group_deleted:{field.id}@{turn.now.isoformat()}"] = removed
        turn.say("engine.group.record_deleted", number=number)
    turn.state.wait = Wait("more", field.id)
    turn.reask()


def keep_column(turn: Turn, field: Field) -> bool:
    """"giữ nguyên" on a column of a record being changed: its value stays; False when there is none."""
    data = progress(turn, field)
    column = column_of(field, turn.state.wait.column)
    if data.editing is None or column is None or column.id not in data.old:
        return False
    put(turn, field, column, data.old[column.id])
    return True


def answer_more(turn: Turn, field: Field, yes: bool) -> None:
    """The answer to "another record?"."""
    if yes:
        _new_record(turn, field)
    else:
        finish(turn, field)


def skip_column(turn: Turn, field: Field) -> bool:
    """"bỏ qua" on an optional column; False if the column is required (or no column is asked)."""
    column = column_of(field, turn.state.wait.column)
    if column is None or column.required or turn.state.wait.kind != "column":
        return False
    put(turn, field, column, None)
    return True


def back(turn: Turn, field: Field) -> bool:
    """"quay lại" inside a record: the previous column; False at the record's first column."""
    data = progress(turn, field)
    ids = [c.id for c in field.fields]
    here = turn.state.wait.column
    if turn.state.wait.kind != "column" or here not in ids or ids.index(here) == 0:
        return False
    previous = ids[ids.index(here) - 1]
    data.item.pop(previous, None)
    turn.state.wait = Wait("column", field.id, previous)
    turn.reask()
    return True


def done(turn: Turn, field: Field) -> None:
    """"xong": close the list if it has enough records, else say how many are needed."""
    data = progress(turn, field)
    if data.item:
        turn.state.orphans[f"group_item:{field.id}@{turn.now.isoformat()}"] = dict(data.item)
        data.item = {}
        turn.say("engine.group.partial_dropped")
    if not data.items and not field.allow_none:
        turn.say("engine.group.need_one")
        _new_record(turn, field)
        return
    finish(turn, field)


def finish(turn: Turn, field: Field) -> None:
    """Save the list as the field's answer and move on."""
    data = progress(turn, field)
    if field.min_items and len(data.items) < field.min_items:
        turn.say("engine.group.too_few", min=field.min_items)
        _new_record(turn, field)
        return
    items = data.items
    turn.state.group = None
    if not items:
        answering.none(turn, field)
        return
    display = wording.group_display(field, items)
    answering.accept(turn, field, ParseResult(ok=True, value=items, display=display), "")


def none(turn: Turn, field: Field) -> bool:
    """"không có" before the first record of a group that allows it: saved as nothing to report."""
    data = progress(turn, field)
    if not field.allow_none or data.items or data.item:
        return False
    turn.state.group = None
    answering.none(turn, field)
    return True
