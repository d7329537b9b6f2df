"""Template evolution: a conversation written against an earlier template version (or an earlier state
schema) is moved to the current one without stranding the user or losing anything they typed.

Answers stay in the report (those of removed fields are simply no longer asked); answers the new version
would refuse are flagged by :func:`dialogs.conversation.flow.flag` and shown at review. What only the
conversation held — a half-typed long text, a record being typed in a group — is migrated or kept under
``orphans``.
"""

from __future__ import annotations

from dialogs.answers import AnswerRecord
from dialogs.conversation import cursor, flow
from dialogs.conversation.context import Turn
from dialogs.conversation.state import Wait
from dialogs.effects import AnswerSaved
from dialogs.template.model import Field


def adopt(turn: Turn) -> None:
    """Bring the conversation to the turn's template version (and hand legacy answers to the report)."""
    st, template = turn.state, turn.template
    _hand_over_legacy_answers(turn)
    if st.template_digest == template.digest and st.template_id == template.id and not st.wait.column.startswith("#"):
        return
    changed = bool(st.template_digest) and st.started and st.template_digest != template.digest
    old = st.template_version or "?"
    st.deferred = [d for d in st.deferred if template.has_field(d)]
    if st.return_to and not template.has_field(st.return_to):
        st.return_to = None
    _migrate_group(turn, old)
    _migrate_wait(turn, old)
    st.template_id, st.template_version, st.template_digest = template.id, template.version, template.digest
    if changed:
        turn.say("engine.template_changed", version=template.version)
        if st.wait.kind != "start":
            turn.reask()


def _hand_over_legacy_answers(turn: Turn) -> None:
    """Answers of a schema-1 state that the report lacks (or holds differently) are saved to it, once."""
    st = turn.state
    if not st.legacy_answers:
        return
    for field_id, raw in st.legacy_answers.items():
        try:
            record = AnswerRecord.from_json(raw)
        except (KeyError, TypeError, ValueError):
            st.orphans[f"answer:{field_id}"] = raw
            continue
        have = turn.answers.get(field_id)
        if have is not None and (have.status, have.value) == (record.status, record.value):
            continue
        if not turn.template.has_field(field_id):
            st.orphans[f"answer:{field_id}@{st.template_version or '?'}"] = raw
            continue
        # Not Turn.save: handing over is no new answer, and must not open a version of a submitted report.
        turn.answers[field_id] = record
        turn.effects.append(AnswerSaved(field_id, record.to_json(), turn.report.version))
    st.legacy_answers = {}


def _migrate_group(turn: Turn, old: str) -> None:
    """Group progress follows the group's columns by id: removed columns' values are kept aside."""
    st = turn.state
    data = st.group
    if data is None:
        return
    field = turn.field(data.field)
    if field is None or field.type != "group":
        st.orphans[f"group:{data.field}@{old}"] = data.to_json()
        st.group = None
        return
    ids = {c.id for c in field.fields}
    removed = {k: v for k, v in data.item.items() if k not in ids}
    removed_items = [{k: v for k, v in item.items() if k not in ids} for item in data.items]
    if removed or any(removed_items):
        st.orphans[f"group_columns:{data.field}@{old}"] = {"item": removed, "items": removed_items}
    data.item = {k: v for k, v in data.item.items() if k in ids}
    # A finished record lacking a new required column is completed again, before the one being typed.
    complete, todo = [], []
    for item in data.items:
        kept = {c.id: item[c.id] for c in field.fields if c.id in item}
        if all(c.id in kept or not c.required for c in field.fields):
            complete.append({c.id: kept.get(c.id) for c in field.fields})
        else:
            todo.append(kept)
    todo += [{k: v for k, v in item.items() if k in ids} for item in data.todo]
    if todo:
        if data.item:
            todo.append(data.item)
        data.item = todo.pop(0)
        turn.say("engine.group.columns_changed", count=len(todo) + 1)
    data.items, data.todo = complete, todo


def _migrate_wait(turn: Turn, old: str) -> None:
    """The wait follows its field: a removed field, a removed column or a changed type lead to the question
    that fits now, keeping a half-typed text as an orphan."""
    st = turn.state
    wait = st.wait
    if wait.kind in ("start", "review", "confirm", "pick_field"):
        return
    field = turn.field(wait.field)
    if field is None:
        _keep_buffer(turn, wait.field, old)
        st.wait = Wait("start")
        if st.started:
            cursor.move_on(turn)  # the question that needs an answer now
        return
    if wait.kind == "text" and not flow.is_long_text(field):
        _keep_buffer(turn, field.id, old)
    if wait.kind == "diacritics":  # the proposal was for the old field: its text is kept, the question asked anew
        st.orphans[f"text:{field.id}@{old}"] = wait.raw
        st.wait = Wait("answer", field.id)
    if wait.kind in ("column", "more") or field.type == "group":
        _fit_group_wait(turn, field)
        return
    if wait.kind == "choose" and wait.column:
        st.wait = Wait("answer", field.id)
    if wait.kind in ("answer", "text"):
        st.wait = Wait("text" if flow.is_long_text(field) else "answer", field.id)


def _fit_group_wait(turn: Turn, field: Field) -> None:
    st = turn.state
    if field.type != "group":
        st.wait = Wait("text" if flow.is_long_text(field) else "answer", field.id)
        return
    data = st.group
    if data is None or data.field != field.id:
        return
    column = st.wait.column
    if column.startswith("#"):  # a schema-1 index
        index = int(column[1:] or 0)
        column = field.fields[index].id if 0 <= index < len(field.fields) else ""
    ids = [c.id for c in field.fields]
    if st.wait.kind == "more" and not data.item:
        st.wait = Wait("more", field.id)
        return
    missing = [c for c in ids if c not in data.item]
    if column not in ids or column in data.item:
        column = missing[0] if missing else ids[0]
    if not missing:  # every column typed: the record is complete under the new columns
        data.items.append({c: data.item.get(c) for c in ids})
        data.item = {}
        st.wait = Wait("more", field.id)
        return
    st.wait = Wait("column", field.id, column)


def _keep_buffer(turn: Turn, field_id: str, old: str) -> None:
    st = turn.state
    if st.buffer:
        st.orphans[f"text:{field_id}@{old}"] = "\n".join(st.buffer)
        st.buffer = []
