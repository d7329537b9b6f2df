r"""A field's ``pattern``, compiled once under RE2 and matched in linear time, at check time and at run time alike.

Python's ``re`` backtracks: ``(a+)+$`` against 31 letters takes a minute. RE2 never backtracks, so a match
costs time in proportion to the answer — which is also bounded (:data:`MAX_MATCHED`). In exchange RE2 has
no backreferences (``\1``) or lookaround (``(?=…)``, ``(?<!…)``): such a pattern is an issue (T315), never
a slow match. Python's ``\d \w \s`` (and ``\D \W \S``) match any script, RE2's only ASCII, so they are
rewritten to Unicode classes: ``\w+`` still matches "Nguyễn". Inside brackets, ``\W`` and ``\S`` have no
RE2 spelling (``[^\W\d]`` would refuse "Đ"), so they are an issue too, which says what to write instead.

>>> compile_pattern(r"\w+( \w+)*").fullmatch("Nguyễn Đình Biểu")
True
>>> compile_pattern("(a+)+$").fullmatch("a" * 5000 + "b")
False
>>> compile_pattern(r"(\d)\1")
Traceback (most recent call last):
...
dialogs.template.patterns.PatternError: RE2 không hỗ trợ tính năng này (invalid escape sequence: \1)
>>> compile_pattern("[0-9")
Traceback (most recent call last):
...
dialogs.template.patterns.PatternError: unterminated character set at position 0
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import re2  # type: ignore[import-untyped,unused-ignore]

from dialogs.errors import ReportbotError
from dialogs.messages import t

__all__ = ["MAX_LENGTH", "MAX_MATCHED", "Pattern", "PatternError", "compile_pattern", "to_re2"]

#: The longest ``pattern`` a template may have, in characters.
MAX_LENGTH = 1_000
#: An answer longer than this (in characters) never matches a pattern: patterns are for short codes and names.
MAX_MATCHED = 10_000
# Memory RE2 may use per compiled pattern (its default is 8 MiB); a pattern needing more is refused.
_MAX_MEM = 2 << 20

# Python's Unicode classes, spelt for RE2 (inside brackets, and on their own).
_IN_CLASS = {"d": r"\p{Nd}", "D": r"\P{Nd}", "w": r"\p{L}\p{N}_", "s": r"\s\x0b\x1c-\x1f\x85\p{Z}"}
_ALONE = {"d": r"\p{Nd}", "D": r"\P{Nd}", "w": r"[\p{L}\p{N}_]", "W": r"[^\p{L}\p{N}_]",
          "s": r"[\s\x0b\x1c-\x1f\x85\p{Z}]", "S": r"[^\s\x0b\x1c-\x1f\x85\p{Z}]", "Z": r"\z"}


class PatternError(ReportbotError):
    """A ``pattern`` that cannot be used: ``code`` is T309 (not a regular expression) or T315 (RE2 cannot run it)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Pattern:
    """A compiled ``pattern``: :meth:`fullmatch` tells whether a whole answer fits it."""

    source: str
    _regexp: Any = field(repr=False, compare=False)

    def fullmatch(self, text: str) -> bool:
        """Whether all of ``text`` matches (never for a text longer than :data:`MAX_MATCHED`)."""
        if len(text) > MAX_MATCHED:
            return False
        try:
            found = self._regexp.fullmatch(text)
        except UnicodeEncodeError:  # a lone surrogate: RE2 reads UTF-8
            found = self._regexp.fullmatch(text.encode("utf-8", "replace"))
        return found is not None


def compile_pattern(source: str) -> Pattern:
    """``source`` compiled (once: compilations are cached); :class:`PatternError` if it cannot be used."""
    compiled = _compile(source)
    if isinstance(compiled, PatternError):
        raise PatternError(compiled.code, compiled.detail)  # a new one each time: the cached one keeps no traceback
    return compiled


@lru_cache(maxsize=256)
def _compile(source: str) -> Pattern | PatternError:
    if len(source) > MAX_LENGTH:
        return PatternError("T315", t("template.pattern.too_long", max=MAX_LENGTH, length=len(source)))
    options = re2.Options()
    options.log_errors = False  # RE2 would print every refused pattern on stderr
    options.max_mem = _MAX_MEM
    try:
        return Pattern(source, re2.compile(to_re2(source), options))
    except PatternError as exc:
        return exc
    except (re2.error, UnicodeError) as exc:
        reason = _text(exc)
    if "too large" in reason:  # valid, but its program would take more than _MAX_MEM
        return PatternError("T315", t("template.pattern.unsupported", reason=reason))
    try:
        re.compile(source)
    except (re.error, RecursionError, OverflowError, ValueError) as exc:
        return PatternError("T309", str(exc))
    return PatternError("T315", t("template.pattern.unsupported", reason=reason))


def _text(exc: Exception) -> str:
    arg = exc.args[0] if exc.args else ""
    return arg.decode("utf-8", "replace") if isinstance(arg, bytes) else str(arg)


def to_re2(source: str) -> str:
    r"""``source`` with Python's Unicode classes, ``\Z`` and ``\uXXXX`` spelt the way RE2 reads them;
    :class:`PatternError` for ``\W`` or ``\S`` inside brackets.

    >>> to_re2(r"[\w-]+\s\d{4}\Z")
    '[\\p{L}\\p{N}_-]+[\\s\\x0b\\x1c-\\x1f\\x85\\p{Z}]\\p{Nd}{4}\\z'
    >>> to_re2(r"\\w \u00e9 \.")
    '\\\\w \\x{00e9} \\.'
    """
    out: list[str] = []
    i, in_class, class_start = 0, False, 0
    while i < len(source):
        ch = source[i]
        if ch == "\\" and i + 1 < len(source):
            nxt = source[i + 1]
            hexa = {"u": 4, "U": 8}.get(nxt, 0)
            digits = source[i + 2 : i + 2 + hexa]
            if hexa and len(digits) == hexa and all(c in "0123456789abcdefABCDEF" for c in digits):
                out.append(f"\\x{{{digits}}}")
                i += 2 + hexa
                continue
            if in_class and nxt in "WS":
                raise PatternError("T315", t("template.pattern.class_complement", letter=nxt))
            table = _IN_CLASS if in_class else _ALONE
            out.append(table.get(nxt, ch + nxt))
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class, class_start = True, i
            # "]" right after "[" or "[^" is a literal bracket, not the end of the class.
            j = i + 1 + (source[i + 1 : i + 2] == "^")
            if source[j : j + 1] == "]":
                out.append(source[i : j + 1])
                i = j + 1
                continue
        elif ch == "]" and in_class and i > class_start:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)
