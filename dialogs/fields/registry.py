"""The one registry of field parsers, as a literal mapping: type name → parser, with its example
(message ``parse.example.<type>``).

>>> sorted(REGISTRY) == types()
True
>>> parse("integer", "bảy mươi lăm").value
75
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from dialogs.fields.base import ParseResult, ParserInfo, ParseSpec
from dialogs.fields.choice import parse_choice, parse_multichoice
from dialogs.fields.date import parse_date
from dialogs.fields.docref import parse_docref
from dialogs.fields.file import parse_file
from dialogs.fields.money import parse_money
from dialogs.fields.number import parse_decimal, parse_integer
from dialogs.fields.percent import parse_percent
from dialogs.fields.text import parse_text
from dialogs.fields.yesno import parse_yesno
from dialogs.messages import t
from dialogs.vietnamese.cleaning import ascii_digits

Parser = Callable[[str, ParseSpec, dt.date], ParseResult]


def _info(type_name: str, func: Parser) -> ParserInfo:
    return ParserInfo(type_name, func, t(f"parse.example.{type_name}"), (func.__doc__ or "").split("\n")[0])


REGISTRY: dict[str, ParserInfo] = {
    "choice": _info("choice", parse_choice),
    "multichoice": _info("multichoice", parse_multichoice),
    "date": _info("date", parse_date),
    "docref": _info("docref", parse_docref),
    "file": _info("file", parse_file),
    "money": _info("money", parse_money),
    "integer": _info("integer", parse_integer),
    "decimal": _info("decimal", parse_decimal),
    "percent": _info("percent", parse_percent),
    "text": _info("text", parse_text),
    "yesno": _info("yesno", parse_yesno),
}

_EPOCH = dt.date(1970, 1, 1)


def types() -> list[str]:
    """Names of every field type that has a parser."""
    return sorted(REGISTRY)


def parse(type_name: str, text: str, spec: ParseSpec | None = None, today: dt.date | None = None) -> ParseResult:
    """Parse ``text`` as ``type_name``; ``today`` anchors relative dates ("hôm nay").

    Unknown types raise ``KeyError`` (a programming error, not a user's).
    """
    if type_name != "text":
        text = ascii_digits(text)  # "⁷⁵", "７５" are 75 wherever a number may be meant
    return REGISTRY[type_name].func(text, spec or ParseSpec(), today or _EPOCH)
