"""Checks beyond parsing: a field's pattern and its cross-field expression (``so_ca_nhan >= so_tap_the``).

A problem is a message (:func:`dialogs.messages.ref`): the template's own wording when it has one. The
pattern is matched exactly as ``template check`` matched the field's example — under RE2, in time linear in
the answer (:mod:`dialogs.template.patterns`) — and the expression never raises, so a turn is always quick.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dialogs.conversation import flow
from dialogs.messages import ref
from dialogs.template.model import Field
from dialogs.template.patterns import PatternError, compile_pattern


def check_answer(field: Field, value: Any, values: Mapping[str, Any]) -> dict[str, Any] | None:
    """Why ``value`` does not fit ``field`` given the other answers (a message), or None if it fits."""
    if field.pattern and isinstance(value, str) and not _fits(field.pattern, value):
        if field.pattern_message:
            return ref("ui.text", text=field.pattern_message)
        return ref("engine.pattern_failed", example=field.example or "—")
    if field.check:
        merged = dict(values)
        merged[field.id] = value
        if flow.expression(field.check).evaluate(merged) is False:
            if field.check_message:
                return ref("ui.text", text=field.check_message)
            return ref("engine.check_failed", check=field.check)
    return None


def _fits(pattern: str, value: str) -> bool:
    # A pattern that cannot be used is left out of a stored template when it is loaded (T309, T315);
    # one that still reaches here constrains nothing rather than refusing every answer.
    try:
        return compile_pattern(pattern).fullmatch(value)
    except PatternError:
        return True
