"""Test helpers for whole conversations: turn a facts file into what a person would type, question by question.

``script_for`` plays the pure engine with an "answerer" that looks up each asked field in the facts, so
the script follows the template's real order, conditions and groups.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from dialogs.conversation import flow
from dialogs.conversation.engine import resume
from dialogs.conversation.report import Report, apply
from dialogs.effects import Ask
from dialogs.events import Start, Text
from dialogs.template.model import Template

NOW = datetime.fromisoformat("2025-08-06T09:00:00+07:00")


def _lines_for(
    template: Template, field_id: str, facts: Mapping[str, Any], group_progress: dict[str, int]
) -> list[str]:
    """What a person types in answer to the question for ``field_id`` (a group column is ``group.column``)."""
    if "." in field_id:
        group_id, column = field_id.split(".", 1)
        items = facts.get(group_id)
        if not isinstance(items, list):
            return ["không có"]
        index = group_progress.setdefault(group_id, 0)
        value = items[index].get(column)
        return ["bỏ qua" if value in (None, "") else str(value)]
    value = facts.get(field_id)
    field = template.field(field_id)
    if field.type == "group" and isinstance(value, list):
        # "Còn … nào nữa không?" after a record.
        group_progress[field_id] = group_progress.get(field_id, 0) + 1
        return ["có" if group_progress[field_id] < len(value) else "không"]
    if value is None:
        if field.required and not field.allow_none:
            raise AssertionError(f"the facts have no answer for required field {field_id}")
        return ["bỏ qua" if not field.required else "không có"]
    if flow.is_long_text(field) and isinstance(value, str) and value.strip().lower() not in {"không có", "khong co"}:
        return [p.strip() for p in value.split("\n") if p.strip()] + ["xong"]
    if isinstance(value, bool):
        return ["có" if value else "không"]
    return [str(value)]


def script_for(template: Template, facts: Mapping[str, Any], submit: bool = True,
               proposal: str = "không") -> list[str]:
    """The lines a person types to fill ``template`` with ``facts`` (and submit), in order; «Dùng bản có dấu
    này?» after a text typed without diacritics is answered ``proposal`` ("không": the facts as they are)."""
    return [line for line, _ in script_with_questions(template, facts, submit, proposal)]


def script_with_questions(template: Template, facts: Mapping[str, Any], submit: bool = True,
                          proposal: str = "không") -> list[tuple[str, str]]:
    """Like :func:`script_for`, each line with the id of the question it answers."""
    lines: list[tuple[str, str]] = []
    state: dict[str, Any] | None = None
    report = Report()
    group_progress: dict[str, int] = {}
    step = resume(template, report, state, Start(), NOW)
    report = apply(report, step.effects)
    for _ in range(2000):
        asks = [e for e in step.effects if isinstance(e, Ask)]
        state = step.state
        if not asks:
            break
        if asks[-1].msg == "engine.diacritics.ask":
            answer = [proposal]
        else:
            answer = _lines_for(template, asks[-1].field_id, facts, group_progress)
        for line in answer:
            lines.append((line, asks[-1].field_id))
            step = resume(template, report, state, Text(line), NOW)
            state, report = step.state, apply(report, step.effects)
        if (state.get("wait") or {}).get("kind") == "review":
            break
    else:  # pragma: no cover - a loop means the facts don't fit the template
        raise AssertionError("the facts never finish the report")
    missing = flow.missing_required(template, report.answers)
    assert not missing, f"facts leave required fields unanswered: {[f.id for f in missing]}"
    if submit:
        lines += [("nộp", ""), ("đồng ý", "")]
    return lines

