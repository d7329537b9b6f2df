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
from dataclasses import dataclass
from decimal import Decimal

from dialogs.vntext import nfc, strip_diacritics

#: A digit run: groups of digits joined by single separators ("1.234.567,5", "1 250", "85.5").
_TOKEN = re.compile(r"(?P<num>[0-9]+(?:[.,\u00a0\u202f ][0-9]+)*)|(?P<word>[^\W\d_]+)|(?P<sym>\S)")
_SEP = re.compile(r"([.,\u00a0\u202f ])")
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})


@dataclass(frozen=True, slots=True)
class Token:
    """One token: ``kind`` is "num", "word" or "sym"; ``text`` folded, ``orig`` as typed (lower case)."""

    kind: str
    text: str
    orig: str
    start: int
    end: int
    #: True when whitespace (or the start of the text) comes right before this token.
    spaced: bool


def _fold_same_length(lower: str) -> str:
    folded = strip_diacritics(lower)
    if len(folded) == len(lower):
        return folded
    # Rare characters whose folding changes the length: fold one character at a time instead.
    return "".join(f if len(f := strip_diacritics(c)) == 1 else c for c in lower)


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` (NFC, lower case); digit runs may hold "." "," and spaces between groups."""
    lower = nfc(text).lower()
    folded = _fold_same_length(lower)
    tokens: list[Token] = []
    prev_end = 0
    for m in _TOKEN.finditer(folded):
        kind = m.lastgroup or "sym"
        start, end = m.span()
        spaced = start == 0 or start > prev_end
        tokens.append(Token(kind, m.group(0), lower[start:end], start, end, spaced))
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
