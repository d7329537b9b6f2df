"""What people send, made safe to read, store and print: every text that comes in passes :func:`clean`.

Phones, terminals and files send more than letters: lone surrogates from undecodable bytes, NUL and
other control characters, terminal escape sequences, decomposed (NFD) letters, full-width and
superscript digits, megabyte pastes. What :func:`clean` returns can always be stored (SQLite and
PostgreSQL accept it) and exported (the .docx's XML accepts it).

>>> clean("Tốt\\x00 lắm\\x1b[31m!\\x08")
'Tốt lắm!'
>>> clean("a\\r\\nb\\tc")
'a\\nb\\tc'
>>> clean("\\ud800x") == "\\ufffdx"
True
>>> ascii_digits("sửa ²; ７５ tập thể")
'sửa 2; 75 tập thể'
>>> index("3"), index("²"), index("-1"), index("")
(3, None, None, None)
"""

from __future__ import annotations

import re
import unicodedata

#: The longest message kept (a longer paste is cut: no answer in a report needs more).
MAX_LENGTH = 20_000

# Terminal escape sequences (colours, cursor moves) typed or pasted from a terminal.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])")
# C0 and C1 controls, DEL, and the lone surrogates undecodable bytes become — but not tab and newline.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def clean(text: str, limit: int = MAX_LENGTH) -> str:
    """``text`` in NFC, without control characters or escape sequences (newlines and tabs kept, CR LF made
    LF), undecodable parts as U+FFFD, at most ``limit`` characters."""
    text = _SURROGATES.sub("\ufffd", text[: limit * 2])
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub("", _ESCAPES.sub("", text))
    return unicodedata.normalize("NFC", text)[:limit]


def ascii_digits(text: str) -> str:
    """Superscript, full-width and other script digits written as ASCII digits (where a number is meant)."""
    if text.isascii():
        return text
    return text.translate(_DIGITS)


class _Digits(dict[int, str]):
    """``str.translate``'s table: each character as itself, or as its ASCII digit; filled as characters come
    (a Vietnamese text has a few hundred distinct letters), at most :data:`_KEPT` of them kept."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        value = unicodedata.digit(char, None)
        found = char if value is None else str(value)
        if len(self) < _KEPT:
            self[code] = found
        return found


_KEPT = 20_000
_DIGITS = _Digits()


def index(text: str) -> int | None:
    """``text`` as a non-negative whole number written in ASCII digits, else None (``"²"`` is not one)."""
    return int(text) if text.isascii() and text.isdigit() else None
