"""Which fields apply (conditions), what is missing, what needs checking again, and what comes before what.

Pure functions over a template and a report's answers (and a person's deferred fields).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import lru_cache
from typing import Any

from dialogs.answers import AnswerRecord
from dialogs.fields import Choice, ParseSpec
from dialogs.template.expr import Expr, compile_expr
from dialogs.template.model import NUMERIC_TYPES, Field, Template

ANSWERED = frozenset({"answered", "none"})
Answers = Mapping[str, AnswerRecord]


@lru_cache(maxsize=1024)
def expression(source: str) -> Expr:
    """Compile an expression once (templates are checked when a campaign opens)."""
    return compile_expr(source)


def values(answers: Answers) -> dict[str, Any]:
    """Field id → value for expressions: answered values, and None for "không có" or skipped."""
    return {key: (record.value if record.status == "answered" else None) for key, record in answers.items()}


def applies(field: Field, vals: Mapping[str, Any]) -> bool:
    """Whether ``field`` is to be asked: it has no condition, or its condition holds."""
    if not field.when:
        return True
    try:
        return expression(field.when).evaluate(dict(vals)) is True
    except Exception:  # a stored template's broken condition: ask rather than hide the question
        return True


def applicable(template: Template, answers: Answers) -> list[Field]:
    """The fields to ask, in order, given the answers so far."""
    vals = values(answers)
    return [f for f in template.fields() if applies(f, vals)]


def flag(field: Field, record: AnswerRecord | None) -> str:
    """Why an answer given for an earlier version of the template must be checked again ("" when it fits).

    >>> from dialogs.template.model import Option
    >>> f = Field("muc_do", "choice", "Mức độ?", options=(Option("tot", "Tốt"),))
    >>> flag(f, AnswerRecord("answered", "kha", field_type="choice"))
    'option_removed'
    >>> flag(Field("n", "integer", "Số?", max=100), AnswerRecord("answered", 120))
    'out_of_range'
    """
    if record is None or record.status == "skipped":
        return ""
    if record.field_type and record.field_type != field.type:
        return "type_changed"
    if record.status == "none":
        return "" if field.allow_none or field.type in ("yesno", "group") else "none_refused"
    value = record.value
    if field.type in ("choice", "multichoice") and field.options:
        known = {o.value for o in field.options}
        chosen = value if isinstance(value, list) else [value]
        return "" if all(v in known for v in chosen) else "option_removed"
    if field.type in NUMERIC_TYPES and isinstance(value, (int, float)) and not isinstance(value, bool):
        low = field.min if isinstance(field.min, (int, float)) else None
        high = field.max if isinstance(field.max, (int, float)) else None
        if (low is not None and value < low) or (high is not None and value > high):
            return "out_of_range"
    if field.type == "text" and isinstance(value, str) and field.max_length and len(value) > field.max_length:
        return "out_of_range"
    if field.type == "group" and isinstance(value, list):
        if field.max_items is not None and len(value) > field.max_items:
            return "out_of_range"
        if field.min_items and len(value) < field.min_items:
            return "out_of_range"
    return ""


def is_done(field: Field, answers: Answers) -> bool:
    """Whether the field has an answer (a value or "không có") that fits the template as it is now."""
    record = answers.get(field.id)
    return record is not None and record.status in ANSWERED and not flag(field, record)


def next_field(template: Template, answers: Answers, deferred: Collection[str] = ()) -> Field | None:
    """The first applicable field with no answer (or one to check again), not deferred; None when all are."""
    for f in applicable(template, answers):
        record = answers.get(f.id)
        if f.id in deferred:
            continue
        if record is None or (record.status != "skipped" and flag(f, record)):
            return f
    return None


def missing_required(template: Template, answers: Answers) -> list[Field]:
    """Applicable required fields with no fitting answer (what blocks submission)."""
    return [f for f in applicable(template, answers) if f.required and not is_done(f, answers)]


def flagged(template: Template, answers: Answers) -> list[Field]:
    """Applicable fields whose answer must be checked again (it blocks submission too)."""
    return [f for f in applicable(template, answers) if flag(f, answers.get(f.id))]


def previous_field(template: Template, answers: Answers, current: str | None) -> Field | None:
    """The applicable field asked just before ``current`` (or the last one when ``current`` is None)."""
    fields = applicable(template, answers)
    ids = [f.id for f in fields]
    if current is None or current not in ids:
        return fields[-1] if fields else None
    index = ids.index(current)
    return fields[index - 1] if index > 0 else None


def position(template: Template, answers: Answers, field_id: str) -> tuple[int, int]:
    """(1-based number of ``field_id`` among applicable fields, how many there are)."""
    ids = [f.id for f in applicable(template, answers)]
    return (ids.index(field_id) + 1 if field_id in ids else 0, len(ids))


def comes_before(template: Template, first: str, second: str) -> bool:
    """Whether field ``first`` is asked before field ``second``."""
    order = {f.id: i for i, f in enumerate(template.fields())}
    return order.get(first, 0) < order.get(second, 0)


def spec_of(field: Field) -> ParseSpec:
    """The parser's view of a field: range, lengths, options, whether approximations may be kept."""
    return ParseSpec(
        min=field.min,
        max=field.max,
        min_length=field.min_length,
        max_length=field.max_length,
        approximate=field.approximate,
        options=tuple(Choice(o.label, o.value, o.aliases) for o in field.options),
        example=field.example,
        unit=field.unit,
    )


#: Text fields longer than this may be sent in several messages, closed by "xong" or the next command.
SHORT_TEXT = 300


def is_long_text(field: Field) -> bool:
    """Whether the field collects a long text over several messages."""
    return field.type == "text" and (field.max_length is None or field.max_length > SHORT_TEXT)
