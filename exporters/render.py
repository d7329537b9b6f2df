"""How one answer reads in a report: values written the Vietnamese way and sentence templates filled in.

>>> from dialogs.template.model import Field
>>> from dialogs.answers import AnswerRecord
>>> money = Field("kinh_phi", "money", "Tổng số tiền thưởng?", render="Tổng số tiền thưởng {value}.")
>>> sentence(money, AnswerRecord("answered", 570_000_000, approximate=True, qualifier="hơn"), {})
'Tổng số tiền thưởng hơn 570.000.000 đồng.'
>>> format_value(Field("d", "date", "Ngày?"), AnswerRecord("answered", "2023-12-29"))
'29/12/2023'
>>> ref = {"number": "337", "symbol": "KH-UBND", "kind": "Kế hoạch", "date": "2023-12-29"}
>>> format_value(Field("r", "docref", "Văn bản?"), AnswerRecord("answered", ref))
'Kế hoạch số 337/KH-UBND ngày 29/12/2023'
>>> field_label(Field("n", "integer", "Số tập thể được khen thưởng?", unit="tập thể"))
'Số tập thể được khen thưởng'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from dialogs.answers import AnswerRecord
from dialogs.template.model import Field
from dialogs.vietnamese.format import format_date_short, format_money, format_number, format_percent
from dialogs.vietnamese.text import nfc, squash

#: Printed where a required answer is missing (a draft), so the gap is visible rather than silent.
MISSING = "(chưa có số liệu)"
#: The approximation word when a figure is marked approximate without one.
DEFAULT_QUALIFIER = "khoảng"

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_TRAILING = re.compile(r"[\s?:：]+$")


def field_label(field: Field) -> str:
    """A short label for a field (column headers, default sentences): its prompt without the question mark."""
    label = _TRAILING.sub("", squash(nfc(field.prompt))) or field.id
    return label[0].upper() + label[1:]


def format_plain(field: Field, value: Any) -> str:
    """Write a stored value the Vietnamese way, without any approximation word."""
    kind = field.type
    if value is None:
        return ""
    if kind in ("integer", "decimal"):
        return format_number(value)
    if kind == "money":
        return format_money(value)
    if kind == "percent":
        return format_percent(value)
    if kind == "date":
        return format_date_short(date.fromisoformat(str(value)))
    if kind == "docref":
        return _docref(value)
    if kind == "yesno":
        return "có" if value else "không"
    if kind == "choice":
        return _option_label(field, value)
    if kind == "multichoice":
        return ", ".join(_option_label(field, v) for v in value)
    if kind == "file":
        return str(value.get("name", "")) if isinstance(value, dict) else str(value)
    if kind == "group":
        return format_number(len(value))
    return nfc(str(value))


def format_value(field: Field, record: AnswerRecord) -> str:
    """The answer as it reads in a sentence: ``hơn 570.000.000 đồng``, ``29/12/2023``, an option's label."""
    text = format_plain(field, record.value)
    if record.approximate and field.type != "text":
        return f"{record.qualifier or DEFAULT_QUALIFIER} {text}"
    return text


def fill(pattern: str, values: Mapping[str, str]) -> str:
    """Replace ``{name}`` placeholders that ``values`` knows; leave any other braces as written."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), pattern)


def sentence(field: Field, record: AnswerRecord, others: Mapping[str, str]) -> str:
    """The report text of one answered or "không có" field (``others``: formatted answers by field id).

    ``render: ""`` means the field is never printed on its own (another field's sentence quotes it).
    """
    if record.status == "none":
        if field.render_none:
            return fill(field.render_none, others)
        return "" if field.render == "" else f"{field_label(field)}: không có."
    value = format_value(field, record)
    if field.render is not None:
        return fill(field.render, {**others, "value": value, "unit": field.unit})
    if field.type == "text":
        return value
    unit = f" {field.unit}" if field.unit and field.type in ("integer", "decimal") else ""
    return f"{field_label(field)}: {value}{unit}."


def placeholder_text(field: Field, record: AnswerRecord | None) -> str:
    """What ``{field_id}`` becomes in another field's sentence, whatever the state of the answer."""
    if record is None or record.status == "skipped":
        return MISSING
    if record.status == "none":
        return "0" if field.type in ("integer", "decimal", "money", "percent") else "không có"
    return format_value(field, record)


def _docref(value: Any) -> str:
    if not isinstance(value, dict):
        return str(value)
    number, symbol = value.get("number") or "", value.get("symbol") or ""
    ref = f"{number}/{symbol}" if number and symbol else number or symbol
    parts = [value.get("kind") or "", f"số {ref}" if ref else ""]
    if value.get("date"):
        parts.append("ngày " + format_date_short(date.fromisoformat(str(value["date"]))))
    return " ".join(p for p in parts if p)


def _option_label(field: Field, value: Any) -> str:
    for option in field.options:
        if option.value == value:
            return option.label
    return str(value)
