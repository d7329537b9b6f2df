"""Free-text fields: the answer in NFC, ends stripped, inner line breaks kept, length checked."""

from __future__ import annotations

from datetime import date

from dialogs.fields.base import ParseResult, ParseSpec
from dialogs.fields.common import example_for, refuse
from dialogs.messages import t
from dialogs.vietnamese.text import nfc

TODAY = date(2025, 8, 6)
EXAMPLE = t("parse.example.text")


def parse_text(text: str, spec: ParseSpec, today: date) -> ParseResult:
    """Any text within the field's length limits; value is the NFC text.

    >>> from dialogs.fields.base import ParseSpec
    >>> parse_text("  Đã tổ chức 3 hội nghị.\\nKết quả tốt.  ", ParseSpec(), TODAY).value
    'Đã tổ chức 3 hội nghị.\\nKết quả tốt.'
    >>> parse_text("ngắn", ParseSpec(min_length=10), TODAY).ok
    False
    """
    ex = example_for(spec, EXAMPLE)
    value = "\n".join(line.rstrip() for line in nfc(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    value = value.strip()
    if not value:
        return refuse("parse.text.empty", example=ex)
    if spec.min_length is not None and len(value) < spec.min_length:
        return refuse("parse.text.too_short", length=len(value), min=spec.min_length, example=ex)
    if spec.max_length is not None and len(value) > spec.max_length:
        return refuse("parse.text.too_long", length=len(value), max=spec.max_length, example=ex)
    return ParseResult(ok=True, value=value, display=value)
