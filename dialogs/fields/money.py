"""Money fields (VND): "570 triệu", "570tr", "0,57 tỷ", "570.000.000đ", "1 tỷ 250 triệu", in words."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from dialogs.fields.base import ParseResult, ParseSpec
from dialogs.fields.numeric import Kind, parse_numeric
from dialogs.vietnamese.format import format_money

TODAY = date(2025, 8, 6)

MONEY = Kind("money", True, format_money, int, Decimal(570_000_000), "parse.money.not_money")


def parse_money(text: str, spec: ParseSpec, today: date) -> ParseResult:
    """An amount of đồng: đồng/đ/vnđ, nghìn/ngàn/k, triệu/tr, tỷ/tỉ, mixed or in words; value is an int.

    >>> from dialogs.fields.base import ParseSpec
    >>> spec = ParseSpec()
    >>> parse_money("570 trieu", spec, TODAY).display
    '570.000.000 đồng'
    >>> parse_money("1,25 tỷ", spec, TODAY).value
    1250000000
    >>> parse_money("năm trăm bảy mươi triệu đồng", spec, TODAY).value
    570000000
    >>> parse_money("500k", spec, TODAY).value
    500000
    >>> parse_money("570", spec, TODAY).ask
    'Ý anh/chị là 570.000.000 đồng, 570.000 đồng hay 570 đồng?'
    """
    return parse_numeric(text, spec, MONEY)
