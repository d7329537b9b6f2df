"""Helpers every parser shares: the example to show, quoting the user's words, refusing and asking.

>>> join_or(["1.000", "1"])
'1.000 hay 1'
>>> join_or(["a", "b", "c"])
'a, b hay c'
>>> quote("  một   câu  ")
'một câu'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from dialogs.fields.base import Choice, ParseResult, ParseSpec
from dialogs.messages import t
from dialogs.vietnamese.text import nfc, squash

#: How much of the user's answer is quoted back in a message.
QUOTE_LIMIT = 60


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """The user's answer on one line, shortened for quoting in a message."""
    one = squash(nfc(text[: limit * 4]))
    return one if len(one) <= limit else one[: limit - 1].rstrip() + "…"


def example_for(spec: ParseSpec, default: str) -> str:
    """The field's own example if it has one, else the parser's default."""
    return spec.example or default


def join_or(labels: Iterable[str]) -> str:
    """Join labels the Vietnamese way for a question: "a, b hay c"."""
    items = list(labels)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " hay " + items[-1]


def refuse(key: str, **params: Any) -> ParseResult:
    """A refused answer carrying message ``key`` (which says what was understood and gives an example)."""
    return ParseResult(ok=False, error=t(key, **params), code=key, params=params)


def ask(key: str, choices: Sequence[Choice], **params: Any) -> ParseResult:
    """An answer that needs question ``key`` asked back before anything is stored."""
    return ParseResult(ok=False, ask=t(key, **params), choices=tuple(choices), code=key, params=params)


def ask_which(choices: Sequence[Choice]) -> ParseResult:
    """Ask which of several readings was meant: "Ý anh/chị là 1.000 hay 1?"."""
    return ask("parse.which", choices, options=join_or(c.label for c in choices))
