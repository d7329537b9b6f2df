"""Answers given in a file (field id → text), parsed exactly as if typed in the chat; all problems at once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dialogs.answers import AnswerRecord
from dialogs.conversation import flow
from dialogs.conversation.checks import check_answer
from dialogs.conversation.recognise import recognise
from dialogs.conversation.wording import group_display
from dialogs.fields import ParseResult, parse
from dialogs.messages import t
from dialogs.template.model import Field, Template
from dialogs.vietnamese.matching import Candidate, match


@dataclass(frozen=True)
class ImportProblem:
    """Why the answer to one field could not be taken."""

    field_id: str
    message: str


def import_answers(
    template: Template, raw: Mapping[str, Any], now: datetime
) -> tuple[dict[str, AnswerRecord], list[ImportProblem]]:
    """Parse every answer in ``raw``; the records, and every problem found (import nothing if any)."""
    records: dict[str, AnswerRecord] = {}
    problems: list[ImportProblem] = []
    for key, value in raw.items():
        field_id = str(key)
        if not template.has_field(field_id):
            problems.append(ImportProblem(field_id, _unknown(template, field_id)))
            continue
        field = template.field(field_id)
        record, problem = _one(field, value, now)
        if problem:
            problems.append(ImportProblem(field_id, problem))
        elif record is not None:
            records[field_id] = record
    values = {k: (r.value if r.status == "answered" else None) for k, r in records.items()}
    for field_id, record in records.items():
        if record.status == "answered":
            problem = check_answer(template.field(field_id), record.value, values)
            if problem:
                problems.append(ImportProblem(field_id, problem))
    return records, problems


def _text_of(value: Any) -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, (date, datetime)):
        return f"{value.day}/{value.month}/{value.year}"
    return str(value)


def _one(field: Field, value: Any, now: datetime) -> tuple[AnswerRecord | None, str | None]:
    at = now.isoformat()
    if field.type == "group" and isinstance(value, list):
        items, problems = [], []
        for index, item in enumerate(value, start=1):
            parsed, problem = _group_item(field, item, now)
            if problem:
                problems.append(t("bot.import.group_item", index=index, problem=problem))
            else:
                items.append(parsed)
        if problems:
            return None, "; ".join(problems)
        display = group_display(field, items)
        return AnswerRecord("answered", items, raw=str(value), display=display, at=at), None
    text = _text_of(value) if value is not None else "không có"
    command = recognise(text)
    if command is not None and command.name == "none" and field.type != "yesno":
        if not field.allow_none:
            return None, t("engine.none_refused", example=field.example or "—")
        return AnswerRecord("none", raw=text, at=at), None
    if command is not None and command.name == "skip":
        if field.required:
            return None, t("engine.skip_required", later="để sau")
        return AnswerRecord("skipped", raw=text, at=at), None
    result = parse(field.type, text, flow.spec_of(field), now.date())
    return _record(result, text, at)


def _record(result: ParseResult, text: str, at: str) -> tuple[AnswerRecord | None, str | None]:
    if result.ask is not None:
        return None, t("bot.import.needs_question", question=result.ask)
    if not result.ok:
        return None, result.error or t("engine.not_understood")
    return AnswerRecord("answered", result.value, raw=text, display=result.display,
                        approximate=result.approximate, qualifier=result.qualifier, at=at), None


def _group_item(field: Field, item: Any, now: datetime) -> tuple[dict[str, Any], str | None]:
    if not isinstance(item, Mapping):
        return {}, t("bot.import.group_shape", columns=", ".join(c.id for c in field.fields))
    out: dict[str, Any] = {}
    for column in field.fields:
        if column.id not in item or item[column.id] in (None, ""):
            if column.required:
                return {}, t("bot.import.group_missing", column=column.id)
            out[column.id] = None
            continue
        text = _text_of(item[column.id])
        record, problem = _record(parse(column.type, text, flow.spec_of(column), now.date()), text, "")
        if problem or record is None:
            return {}, f"{column.id}: {problem}"
        out[column.id] = record.value
    return out, None


def _unknown(template: Template, field_id: str) -> str:
    found = match(field_id.replace("_", " "), [Candidate(f.id, (f.id.replace("_", " "),)) for f in template.fields()])
    suggestion = found.key if found.kind == "one" else (found.keys[0] if found.keys else "")
    if suggestion:
        return t("bot.import.unknown_field_suggest", field=field_id, suggestion=suggestion)
    return t("bot.import.unknown_field", field=field_id)
