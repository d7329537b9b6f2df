"""Checks beyond parsing: a field's pattern and its cross-field expression (``so_ca_nhan >= so_tap_the``).

A problem is a message (:func:`dialogs.messages.ref`): the template's own wording when it has one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from dialogs.conversation import flow
from dialogs.messages import ref
from dialogs.template.model import Field


def check_answer(field: Field, value: Any, values: Mapping[str, Any]) -> dict[str, Any] | None:
    """Why ``value`` does not fit ``field`` given the other answers (a message), or None if it fits."""
    if field.pattern and isinstance(value, str) and not re.fullmatch(field.pattern, value):
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
