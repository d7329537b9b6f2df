"""File fields: the engine takes real files and photos; a typed answer is refused with a pointer."""

from __future__ import annotations

from datetime import date

from dialogs.fields.base import ParseResult, ParseSpec
from dialogs.fields.common import example_for, quote, refuse
from dialogs.messages import t

TODAY = date(2025, 8, 6)
EXAMPLE = t("parse.example.file")


def parse_file(text: str, spec: ParseSpec, today: date) -> ParseResult:
    """Refuse typed text: this field needs a file or a photo, which the engine receives directly.

    >>> from dialogs.fields.base import ParseSpec
    >>> parse_file("đã gửi rồi", ParseSpec(), TODAY).error.startswith("Mục này cần một tệp hoặc ảnh")
    True
    """
    return refuse("parse.file.typed", text=quote(text) or "…", example=example_for(spec, EXAMPLE))
