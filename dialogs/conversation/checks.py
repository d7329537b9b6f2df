"""Checks beyond parsing: a field's pattern and its cross-field expression (``so_ca_nhan >= so_tap_the``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from dialogs.conversation import flow
from dialogs.messages import t
from dialogs.template.model import Field


def check_answer(field: Field, value: Any, values: Mapping[str, Any]) -> str | None:
    """A message saying why ``value`` does not fit ``field`` given the other answers, or None if it fits."""
    if field.pattern and isinstance(value, str) and not re.fullmatch(field.pattern, value):
        return field.pattern_message or t("engine.pattern_failed", example=field.example or "—")
    if field.check:
        merged = dict(values)
        merged[field.id] = value
        if flow.expression(field.check).evaluate(merged) is False:
            return field.check_message or t("engine.check_failed", check=field.check)
    return None
