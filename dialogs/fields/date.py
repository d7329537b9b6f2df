"""Date fields: day before month, as Vietnamese write it; impossible dates refused with the reason."""

from __future__ import annotations

from datetime import date
from typing import Any

from dialogs.fields.base import Choice, ParseResult, ParseSpec
from dialogs.fields.common import ask, example_for, join_or, quote, refuse
from dialogs.fields.grammar.dates import MAX_ANCHORS, scan_dates
from dialogs.messages import ref, t
from dialogs.vietnamese.format import format_date_short

EXAMPLE = t("parse.example.date")
#: Words a range bound may use for the day the answer is given.
_TODAY_WORDS = ("today", "hôm nay")


def _bound(value: float | str | None, today: date) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if str(value).strip().lower() in _TODAY_WORDS:
        return today
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _range_text(lo: date | None, hi: date | None) -> dict[str, Any]:
    if lo and hi:
        return ref("parse.range.date_between", min=format_date_short(lo), max=format_date_short(hi))
    if lo:
        return ref("parse.range.date_from", min=format_date_short(lo))
    return ref("parse.range.date_until", max=format_date_short(hi))  # type: ignore[arg-type]


def check_dates(text: str, spec: ParseSpec, today: date, example: str) -> ParseResult:
    """Find the one date in ``text`` and check it against the field's range (shared with docref)."""
    hits, places = scan_dates(text, today)
    if places > MAX_ANCHORS:
        return refuse("parse.too_long", length=len(text), example=example)
    if not hits:
        return refuse("parse.date.not_a_date", text=quote(text), example=example)
    good: list[date] = []
    first_error: ParseResult | None = None
    for hit in hits:
        value, key, params = hit.check()
        if value is None:
            first_error = first_error or refuse(key or "parse.date.not_a_date", **params, example=example)
        elif value not in good:
            good.append(value)
    if not good:
        assert first_error is not None
        return first_error
    if len(good) > 1:
        choices = [Choice(format_date_short(d), d.isoformat()) for d in good]
        return ask("parse.date.several", choices, dates=join_or(c.label for c in choices))
    value = good[0]
    lo, hi = _bound(spec.min, today), _bound(spec.max, today)
    if (lo and value < lo) or (hi and value > hi):
        return refuse(
            "parse.date.out_of_range",
            understood=format_date_short(value),
            range=_range_text(lo, hi),
            example=example,
        )
    return ParseResult(ok=True, value=value.isoformat(), display=format_date_short(value))


def parse_date(text: str, spec: ParseSpec, today: date) -> ParseResult:
    """A date: d/m/y, d-m-y, d.m.y, "ngày 5 tháng 8 năm 2025", "hôm nay"; value is "YYYY-MM-DD".

    >>> from dialogs.fields.base import ParseSpec
    >>> spec, today = ParseSpec(), date(2025, 8, 6)
    >>> parse_date("5/8/2025", spec, today).value
    '2025-08-05'
    >>> parse_date("ngày 5 tháng 8 năm 2025", spec, today).display
    '05/8/2025'
    >>> parse_date("5 thg 8 25", spec, today).value
    '2025-08-05'
    >>> parse_date("hôm qua", spec, today).value
    '2025-08-05'
    >>> parse_date("31/02/2025", spec, today).error
    'Tôi đọc được «31/02/2025», nhưng tháng 2 năm 2025 chỉ có 28 ngày, không có ngày 31. Hãy gõ lại, ví dụ: 05/8/2025.'
    """
    ex = example_for(spec, EXAMPLE)
    lo, hi = _bound(spec.min, today), _bound(spec.max, today)
    default = date(2025, 8, 5)
    if not spec.example and ((lo and default < lo) or (hi and default > hi)):
        ex = format_date_short(lo or hi)  # type: ignore[arg-type]
    if not text.strip():
        return refuse("parse.empty", example=ex)
    return check_dates(text, spec, today, ex)
