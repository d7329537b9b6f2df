"""Format values the Vietnamese way: "." groups thousands, "," marks decimals, dates in words.

>>> format_number(1234567.5)
'1.234.567,5'
>>> format_number(75)
'75'
>>> format_money(570_000_000)
'570.000.000 đồng'
>>> format_percent(85.5)
'85,5%'
>>> format_date_long(date(2025, 8, 6))
'ngày 06 tháng 8 năm 2025'
>>> format_date_long(date(2020, 1, 5))
'ngày 05 tháng 01 năm 2020'
>>> format_date_short(date(2025, 8, 5))
'05/8/2025'
>>> format_deadline(date(2026, 12, 15), time(17, 0)), format_deadline(date(2026, 12, 15))
('17:00 ngày 15/12/2026', '15/12/2026')
>>> format_decimal(2.125)
'2,125'
>>> format_docref({"number": "337", "symbol": "KH-UBND", "kind": "Kế hoạch", "date": "2023-12-29"})
'Kế hoạch số 337/KH-UBND ngày 29/12/2023'
>>> docref_code("34", "CT/TW")
'34-CT/TW'
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from decimal import Decimal
from typing import Any


def format_number(value: float | Decimal, max_decimals: int = 2) -> str:
    """Group thousands with "." and write decimals after "," (trailing zeros dropped)."""
    if isinstance(value, bool):
        raise TypeError("a yes/no value is not a number")
    if isinstance(value, int):  # the common case, without Decimal arithmetic
        return f"{value:,}".replace(",", ".")
    dec = Decimal(str(value))
    sign = "-" if dec < 0 else ""
    dec = abs(dec).quantize(Decimal(1).scaleb(-max_decimals)) if max_decimals else abs(dec)
    whole, _, frac = f"{dec:f}".partition(".")
    frac = frac.rstrip("0")
    groups = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{groups},{frac}" if frac else f"{sign}{groups}"


def format_money(value: float | Decimal) -> str:
    """Write an amount of đồng: ``570.000.000 đồng``."""
    return f"{format_number(value, max_decimals=0)} đồng"


def format_percent(value: float | Decimal, max_decimals: int = 2) -> str:
    """Write a percentage: ``85,5%``."""
    return f"{format_number(value, max_decimals)}%"


def format_decimal(value: float | Decimal) -> str:
    """Write a decimal number with every significant decimal (up to 6): ``1.234,125``."""
    return format_number(value, max_decimals=6)


def _day(d: date) -> str:
    return f"{d.day:02d}"


def _month(d: date) -> str:
    # NĐ 30/2020: a leading zero for days 1–9 and for months 1 and 2 only.
    return f"{d.month:02d}" if d.month < 3 else str(d.month)


def format_date_long(d: date) -> str:
    """Write a date as in a document's place-and-date line: ``ngày 06 tháng 8 năm 2025``."""
    return f"ngày {_day(d)} tháng {_month(d)} năm {d.year}"


def format_date_short(d: date) -> str:
    """Write a date as in a reference: ``05/8/2025``."""
    return f"{_day(d)}/{_month(d)}/{d.year}"


def format_deadline(day: date, at: time | None = None) -> str:
    """Write a deadline as people read it: ``17:00 ngày 15/12/2026`` with a time, ``15/12/2026`` without one."""
    return format_date_short(day) if at is None else f"{at:%H:%M} ngày {format_date_short(day)}"


def docref_code(number: str, symbol: str) -> str:
    """Join a document's number and symbol: "337/KH-UBND"; a party document's with "-": "34-CT/TW"."""
    # Party documents (symbol "CT/TW", "NQ/TU") put a hyphen after the number (Hướng dẫn 36-HD/VPTW).
    return f"{number}-{symbol}" if "/" in symbol else f"{number}/{symbol}"


def format_docref(ref: Mapping[str, Any]) -> str:
    """Write a document reference: "Kế hoạch số 337/KH-UBND ngày 29/12/2023 của Ủy ban nhân dân thành phố".

    Kind, date and issuer are optional; the issuer follows the date, as NĐ 30 cites a document.
    """
    text = docref_code(str(ref["number"]), str(ref["symbol"]))
    if ref.get("kind"):
        text = f"{ref['kind']} số {text}"
    if ref.get("date"):
        text = f"{text} ngày {format_date_short(date.fromisoformat(str(ref['date'])))}"
    if ref.get("issuer"):
        text = f"{text} của {ref['issuer']}"
    return text


def roman_value(text: str) -> int:
    """The value of a Roman numeral in capitals ("IV" → 4), as sections are numbered."""
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for i, ch in enumerate(text):
        v = values[ch]
        total += -v if i + 1 < len(text) and values[text[i + 1]] > v else v
    return total


def roman(n: int) -> str:
    """``n`` in Roman numerals (the numbers of top-level sections).

    >>> roman(4), roman(19), roman_value(roman(1994))
    ('IV', 'XIX', 1994)
    """
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                       (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + sym, n - value
    return out
