"""How one answer reads in a report: values written the Vietnamese way and sentence templates filled in.

>>> from dialogs.template.model import NUMERIC_TYPES, Field
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
from dialogs.messages import t
from dialogs.template.model import NUMERIC_TYPES, Field
from dialogs.vietnamese.format import docref_code, format_date_short, format_money, format_number, format_percent
from dialogs.vietnamese.text import nfc, squash

#: Printed where a required answer is missing (a draft), so the gap is visible rather than silent.
MISSING = "(chưa có số liệu)"
#: A "không có" answer under a heading that already names what there is none of.
NONE_SENTENCE = "Không có."
#: The approximation word when a figure is marked approximate without one.
DEFAULT_QUALIFIER = "khoảng"

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
#: An optional part of a render sentence: ``[ với số tiền {so_tien}]`` (no nesting).
_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
_SPACES = re.compile(r"[ \t]+")
_SPACE_BEFORE_STOP = re.compile(r" +([.,;:])")
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
        if not isinstance(value, dict):
            return str(value)
        unnamed = "engine.photo_default_name" if str(value.get("mime", "")).startswith("image/") else \
            "engine.file_default_name"
        return str(value.get("name") or t(unnamed))  # a photo has no file name: «ảnh chụp»
    if kind == "group":
        return format_number(len(value))
    return nfc(str(value))


def format_value(field: Field, record: AnswerRecord) -> str:
    """The answer as it reads in a sentence: ``hơn 570.000.000 đồng``, ``29/12/2023``, an option's label."""
    text = format_plain(field, record.value)
    if record.approximate and field.type != "text":
        return f"{record.qualifier or DEFAULT_QUALIFIER} {text}"
    return text


class Gap(str):
    """What a placeholder reads as when its field has no value ("không có", skipped, not asked).

    A plain placeholder prints the text (``(chưa có số liệu)``); an optional part ``[…]`` naming it is left out.
    """

    __slots__ = ()


def fill(pattern: str, values: Mapping[str, str]) -> str:
    """Replace ``{name}`` placeholders that ``values`` knows; leave any other braces as written.

    A part in square brackets is printed only when every placeholder in it has a value; ``[A|B]`` prints
    the first alternative whose placeholders all have one (or nothing); ``[[`` and ``]]`` print brackets.

    >>> fill("cho [{a} tập thể, {b} cá nhân|{a} tập thể|{b} cá nhân][ với số tiền {c}].",
    ...      {"a": "75", "b": Gap("(chưa có số liệu)"), "c": "1 đồng"})
    'cho 75 tập thể với số tiền 1 đồng.'
    """
    text = pattern.replace("[[", "\x00").replace("]]", "\x01")
    text = _OPTIONAL.sub(lambda m: _choose(m.group(1), values), text)
    text = PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
    return text.replace("\x00", "[").replace("\x01", "]")


def _choose(alternatives: str, values: Mapping[str, str]) -> str:
    for option in alternatives.split("|"):
        names = [m.group(1) for m in PLACEHOLDER.finditer(option)]
        if all(name in values and not isinstance(values[name], Gap) for name in names):
            return option
    return ""


def filled_names(pattern: str, values: Mapping[str, str]) -> set[str]:
    """The placeholders ``fill(pattern, values)`` prints (those of the optional parts it keeps)."""
    text = pattern.replace("[[", "").replace("]]", "")
    text = _OPTIONAL.sub(lambda m: _choose(m.group(1), values), text)
    return {m.group(1) for m in PLACEHOLDER.finditer(text)}


def tidy(text: str) -> str:
    """A filled sentence cleaned of what left-out parts leave behind: double spaces, a space before a stop;
    its first letter in capitals ("{unit_kind} đã …" → "Xã đã …")."""
    text = _SPACE_BEFORE_STOP.sub(r"\1", squash_lines(text))
    return text[:1].upper() + text[1:]


def squash_lines(text: str) -> str:
    """Collapse runs of spaces within each line, keeping the line breaks of multi-line answers."""
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def field_name(field: Field) -> str:
    """What the report calls a field in its own words: the template's ``short`` name, else its label."""
    name = squash(nfc(field.short)) if field.short else field_label(field)
    return name[0].upper() + name[1:]


def none_sentence(field: Field, *, alone: bool = True) -> str:
    """The default sentence of a "không có" answer: "Không có." under a heading that names it, else with its name.

    Never the prompt: prompts are questions to the commune ("… Nếu không nêu, gõ “không có”.").

    >>> none_sentence(Field("nn", "text", "Nguyên nhân? Nếu không nêu, gõ “không có”.", short="Nguyên nhân"))
    'Không có.'
    >>> none_sentence(Field("hd", "text", "Hội đồng hoạt động thế nào?", short="Hoạt động của Hội đồng"), alone=False)
    'Hoạt động của Hội đồng: không có.'
    """
    if alone or not field.short:
        return NONE_SENTENCE
    return f"{field_name(field)}: không có."


def sentence(field: Field, record: AnswerRecord, others: Mapping[str, str], *, alone: bool = True) -> str:
    """The report text of one answered or "không có" field (``others``: formatted answers by field id).

    ``render: ""`` means the field is never printed on its own (another field's sentence quotes it);
    ``alone``: the field is the only one printed in its section (a "không có" then reads "Không có.").
    """
    if record.status == "none":
        if field.render_none is not None:
            return tidy(fill(field.render_none, others)) if field.render_none else ""
        return "" if field.render == "" else none_sentence(field, alone=alone)
    value = format_value(field, record)
    if field.render is not None:
        return tidy(fill(field.render, {**others, "value": value, "unit": field.unit}))
    if field.type == "text":
        return value
    return figure_sentence(field, value)


def figure_sentence(field: Field, value: str) -> str:
    """A value printed on its own: ``Số tiền khen thưởng: hơn 570.000.000 đồng.``"""
    unit = f" {field.unit}" if field.unit and field.type in ("integer", "decimal") else ""
    return f"{field_name(field)}: {value}{unit}."


def has_value(record: AnswerRecord | None) -> bool:
    """Whether a record holds a value (not "không có", not skipped, not missing)."""
    return record is not None and record.status == "answered"


def placeholder_text(field: Field, record: AnswerRecord | None) -> str:
    """What ``{field_id}`` becomes in another field's sentence, whatever the state of the answer.

    No data is not zero: a figure answered "không có" reads as a :class:`Gap` ("chưa có số liệu"), which an
    optional part of a sentence leaves out.
    """
    if record is None or record.status == "skipped":
        return Gap(MISSING)
    if record.status == "none":
        return Gap(MISSING if field.type in NUMERIC_TYPES else "không có")
    return format_value(field, record)


def _docref(value: Any) -> str:
    if not isinstance(value, dict):
        return str(value)
    number, symbol = value.get("number") or "", value.get("symbol") or ""
    ref = docref_code(str(number), str(symbol)) if number and symbol else number or symbol
    parts = [value.get("kind") or "", f"số {ref}" if ref else ""]
    if value.get("date"):
        parts.append("ngày " + format_date_short(date.fromisoformat(str(value["date"]))))
    if value.get("issuer"):
        parts.append(f"của {value['issuer']}")
    return " ".join(p for p in parts if p)


def _option_label(field: Field, value: Any) -> str:
    for option in field.options:
        if option.value == value:
            return option.label
    return str(value)
