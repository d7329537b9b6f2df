"""Percent fields: "85,5%", "85.5 %", "85,5 phần trăm", "tám mươi lăm phần trăm"; value 85.5."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from dialogs.fields.base import ParseResult, ParseSpec
from dialogs.fields.numeric import Kind, parse_numeric
from dialogs.vietnamese.format import format_percent

TODAY = date(2025, 8, 6)

PERCENT = Kind(
    "percent",
    False,
    lambda v: format_percent(v, max_decimals=6),
    float,
    Decimal("85.5"),
    "parse.percent.not_percent",
)


def parse_percent(text: str, spec: ParseSpec, today: date) -> ParseResult:
    """A percentage, with or without the % sign; value is a float (85,5% → 85.5).

    >>> from dialogs.fields.base import ParseSpec
    >>> parse_percent("85,5%", ParseSpec(), TODAY).value
    85.5
    >>> parse_percent("85.5 %", ParseSpec(), TODAY).display
    '85,5%'
    >>> parse_percent("đạt 85,5 phần trăm kế hoạch", ParseSpec(), TODAY).value
    85.5
    """
    return parse_numeric(text, spec, PERCENT)
