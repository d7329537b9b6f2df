"""Where the conversation goes next: which fields apply (conditions), what is missing, what comes before.

Pure functions over a template and a state; the engine uses them after every answer.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from dialogs.conversation.state import State
from dialogs.fields import Choice, ParseSpec
from dialogs.template.expr import Expr, compile_expr
from dialogs.template.model import Field, Template

ANSWERED = frozenset({"answered", "none"})


@lru_cache(maxsize=1024)
def expression(source: str) -> Expr:
    """Compile an expression once (templates are validated on load, so this does not fail in use)."""
    return compile_expr(source)


def values(state: State) -> dict[str, Any]:
    """Field id → value for expressions: answered values, and None for "không có" or skipped."""
    out: dict[str, Any] = {}
    for key, record in state.answers.items():
        out[key] = record.value if record.status == "answered" else None
    return out


def applies(field: Field, state: State, vals: dict[str, Any] | None = None) -> bool:
    """Whether ``field`` is to be asked: it has no condition, or its condition holds."""
    if not field.when:
        return True
    return expression(field.when).evaluate(values(state) if vals is None else vals) is True


def applicable(template: Template, state: State) -> list[Field]:
    """The fields to ask, in order, given the answers so far."""
    vals = values(state)
    return [f for f in template.fields() if applies(f, state, vals)]


def is_done(field_id: str, state: State) -> bool:
    """Whether the field has an answer (a value or "không có") given for its current type."""
    record = state.answers.get(field_id)
    return record is not None and record.status in ANSWERED


def next_field(template: Template, state: State) -> Field | None:
    """The first applicable field with no answer, not skipped and not deferred; None when all are done."""
    for f in applicable(template, state):
        record = state.answers.get(f.id)
        if record is None and f.id not in state.deferred:
            return f
    return None


def missing_required(template: Template, state: State) -> list[Field]:
    """Applicable required fields that still have no answer (what blocks submission)."""
    return [f for f in applicable(template, state) if f.required and not is_done(f.id, state)]


def previous_field(template: Template, state: State, current: str | None) -> Field | None:
    """The applicable field asked just before ``current`` (or the last one when ``current`` is None)."""
    fields = applicable(template, state)
    ids = [f.id for f in fields]
    if current is None or current not in ids:
        return fields[-1] if fields else None
    index = ids.index(current)
    return fields[index - 1] if index > 0 else None


def position(template: Template, state: State, field_id: str) -> tuple[int, int]:
    """(1-based number of ``field_id`` among applicable fields, how many there are)."""
    ids = [f.id for f in applicable(template, state)]
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
