"""Integer and decimal fields: "75", "1.234.567,5", "bảy mươi lăm", "được 650 cá nhân", "hơn 650"."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from dialogs.fields.base import ParseResult, ParseSpec
from dialogs.fields.numeric import Kind, parse_numeric
from dialogs.vietnamese.format import format_decimal, format_number

TODAY = date(2025, 8, 6)


def _int(v: Decimal) -> int:
    return int(v)


def _float(v: Decimal) -> float:
    return float(v)


INTEGER = Kind("integer", True, lambda v: format_number(int(v)), _int, Decimal(75), "parse.number.not_a_number")
DECIMAL = Kind("decimal", False, format_decimal, _float, Decimal("12.5"), "parse.number.not_a_number")


def parse_integer(text: str, spec: ParseSpec, today: date) -> ParseResult:
    """A whole number, in digits or words, possibly inside a sentence; value is an int.

    >>> from dialogs.fields.base import ParseSpec
    >>> spec = ParseSpec()
    >>> parse_integer("75 tập thể", spec, TODAY).value
    75
    >>> parse_integer("bay muoi lam", spec, TODAY).value
    75
    >>> parse_integer("1.000", spec, TODAY).value
    1000
    >>> parse_integer("1,000", spec, TODAY).ask
    'Ý anh/chị là 1.000 hay 1?'
    >>> parse_integer("1,000", ParseSpec(max=100), TODAY).value
    1
    >>> parse_integer("hơn 650", ParseSpec(approximate=True), TODAY).qualifier
    'hơn'
    >>> parse_integer("2,5", spec, TODAY).ok
    False
    """
    return parse_numeric(text, spec, INTEGER)


def parse_decimal(text: str, spec: ParseSpec, today: date) -> ParseResult:
    """A number with an optional decimal part ("12,5"); value is a float.

    >>> from dialogs.fields.base import ParseSpec
    >>> spec = ParseSpec()
    >>> parse_decimal("1.234.567,5", spec, TODAY).value
    1234567.5
    >>> parse_decimal("85.5", spec, TODAY).display
    '85,5'
    """
    return parse_numeric(text, spec, DECIMAL)
