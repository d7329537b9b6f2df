"""Split an answer into tokens (digit groups, words, symbols) and read a digit group both ways.

Words are folded (no case, no diacritics) for matching, but keep what the user typed so that a word
typed WITH diacritics can be told apart from a look-alike ("tám" 8, "tầm" about, "tạm").

>>> [t.text for t in tokenize("Được 1.234,5 tỷ!")]
['duoc', '1.234,5', 'ty', '!']
>>> [t.orig for t in tokenize("Được 75 TẬP THỂ")]
['được', '75', 'tập', 'thể']
>>> [(str(v), rank) for v, rank in digit_readings("1.000")]
[('1000', 0), ('1.000', 1)]
>>> [(str(v), rank) for v, rank in digit_readings("1,000")]
[('1.000', 0), ('1000', 0)]
>>> [str(v) for v, _ in digit_readings("1.234.567,5")]
['1234567.5']
>>> digit_readings("1.2.3")
[]
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

from dialogs.vietnamese.text import nfc, strip_diacritics

#: A digit run: groups of digits joined by single separators ("1.234.567,5", "1 250", "85.5").
_TOKEN = re.compile(r"(?P<num>[0-9]+(?:[.,\u00a0\u202f ][0-9]+)*)|(?P<word>[^\W\d_]+)|(?P<sym>\S)")
_SEP = re.compile(r"([.,\u00a0\u202f ])")
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})


class Token(NamedTuple):
    """One token: ``kind`` is "num", "word" or "sym"; ``text`` folded, ``orig`` as typed (lower case)."""

    kind: str
    text: str
    orig: str
    start: int
    end: int
    #: True when whitespace (or the start of the text) comes right before this token.
    spaced: bool


def _fold_table() -> dict[int, str]:
    # Every precomposed Latin letter (Vietnamese included) → its base letter, "đ" → "d": one C-speed
    # str.translate folds a 2,000-character message without changing its length.
    table: dict[int, str] = {}
    for cp in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        base = strip_diacritics(chr(cp))
        if len(base) == 1 and base != chr(cp):
            table[cp] = base
    return table


_FOLD = _fold_table()


def fold_pair(text: str) -> tuple[str, str]:
    """``text`` (NFC) in lower case, and folded, both exactly as long as ``text`` so positions agree."""
    lower = text.lower()
    if len(lower) != len(text):
        lower = "".join(low if len(low := c.lower()) == 1 else c for c in text)
    return lower, lower.translate(_FOLD)


def tokenize(text: str, pair: tuple[str, str] | None = None) -> list[Token]:
    """Tokens of ``text`` (NFC); digit runs may hold "." "," and spaces between groups.

    ``pair`` is :func:`fold_pair` of ``text`` when the caller already has it.
    """
    lower, folded = pair or fold_pair(nfc(text))
    tokens: list[Token] = []
    prev_end = 0
    new, append = tuple.__new__, tokens.append  # the NamedTuple constructor is a slow Python function
    for m in _TOKEN.finditer(folded):
        start, end = m.span()
        tok = (
            m.lastgroup or "sym",
            folded[start:end],
            lower[start:end],
            start,
            end,
            start == 0 or start > prev_end,
        )
        append(new(Token, tok))
        prev_end = end
    return tokens


def _read(parts: list[str], seps: list[str], group: str, point: str) -> Decimal | None:
    frac = ""
    if point in seps:
        if seps.count(point) != 1 or seps[-1] != point:
            return None
        frac = parts[-1]
        parts, seps = parts[:-1], seps[:-1]
    if any(s not in (group, " ") for s in seps) or len(set(seps)) > 1:
        return None
    if len(parts) > 1 and (len(parts[0]) > 3 or any(len(p) != 3 for p in parts[1:])):
        return None
    whole = "".join(parts)
    return Decimal(f"{whole}.{frac}") if frac else Decimal(whole)


def digit_readings(raw: str) -> list[tuple[Decimal, int]]:
    """Every reading of a digit run, with a rank: 0 = as likely as any other, 1 = only as a fallback.

    Vietnamese groups with "." and marks decimals with ","; English does the reverse. "1.000" is
    1000 the Vietnamese way (the English 1.000 = 1 is a fallback only); "1,000" is genuinely
    ambiguous (1 or 1000). An empty list means the run is not one number ("1.2.3").
    """
    raw = raw.translate(_SPACES)
    pieces = _SEP.split(raw)
    parts, seps = pieces[0::2], pieces[1::2]
    if not seps:
        return [(Decimal(raw), 0)]
    vn = _read(parts, seps, ".", ",")
    en = _read(parts, seps, ",", ".")
    if vn is None and en is None:
        return []
    if vn is None or en is None or vn == en:
        return [(vn if vn is not None else en, 0)]  # type: ignore[list-item]
    if "." in seps:
        return [(vn, 0), (en, 1)]
    return [(vn, 0), (en, 0)]


def split_spaced(raw: str) -> list[str]:
    """The space-separated pieces of a digit run that is not one number ("2024 650" → two runs)."""
    return [p for p in raw.translate(_SPACES).split(" ") if p]


_SPACE = re.compile(r"\s")
_PIECE = re.compile(r"[^ \u00a0\u202f]+")


def unspaced(tokens: list[Token]) -> list[Token]:
    """The same tokens with every space-joined digit run ("8 2025") split into its pieces."""
    out: list[Token] = []
    for tok in tokens:
        if tok.kind != "num" or not any(c in tok.text for c in " \u00a0\u202f"):
            out.append(tok)
            continue
        for k, m in enumerate(_PIECE.finditer(tok.text)):
            s, e = tok.start + m.start(), tok.start + m.end()
            out.append(Token("num", m.group(0), tok.orig[m.start() : m.end()], s, e, tok.spaced or k > 0))
    return out


#: Texts longer than this are only read around their anchors (digits, date words): see :func:`windows`.
LONG_TEXT = 240


def windows(text: str, anchors: list[tuple[int, int]], radius: int = 48) -> list[tuple[int, int]]:
    """Spans of ``text`` within ``radius`` of each anchor, merged, cut at spaces so no word is split.

    A 2,000-character message is read only where a figure or a date can be, which keeps every
    parser well under a millisecond however long the message is.
    """
    spans: list[tuple[int, int]] = []
    for a, b in anchors:
        s, e = max(0, a - radius), min(len(text), b + radius)
        if s > 0:
            space = _SPACE.search(text, s, a)
            s = space.end() if space else a
        if e < len(text):
            spaces = [m.start() for m in _SPACE.finditer(text, b, e)]
            e = spaces[-1] if spaces else b
        if spans and s <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(e, spans[-1][1]))
        else:
            spans.append((s, e))
    return spans
