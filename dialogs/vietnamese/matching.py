"""Fuzzy matching of commands, choices and unit names on folded text (case, NFC/NFD, tone placement
and diacritics all ignored), typo-tolerant but never guessing between two close candidates.

>>> cmds = [Candidate("review", ("xem lại", "xem lai")), Candidate("submit", ("nộp báo cáo", "nộp"))]
>>> match("Xem lai", cmds)
Match(kind='one', key='review', keys=('review',), score=100.0)
>>> match("nop bao ca", cmds).key
'submit'
>>> match("k", cmds).kind
'none'
>>> match_unit("khuc thua du", ["Xã Khúc Thừa Dụ", "Xã Kiến Thụy"]).key
'Xã Khúc Thừa Dụ'
>>> match_unit("Kiến Thuỵ", ["Xã Khúc Thừa Dụ", "Xã Kiến Thụy"]).key
'Xã Kiến Thụy'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz, process

from dialogs.vietnamese.text import fold, normalize_tone

#: Below this score (0–100) nothing matches.
CUTOFF = 80.0
#: Two candidates closer than this are both named instead of guessing.
MARGIN = 6.0
#: Inputs this short (after folding, without spaces) must match a spelling exactly.
SHORT = 3
#: Longer inputs are sentences, not names: only an exact match counts.
LONG = 120
#: Longer inputs are not even compared exactly.
MAX_TEXT = 400
_NON_WORD = re.compile(r"[^\w]+")
_UNIT_TYPES = ("thi tran", "dac khu", "phuong", "xa", "tt", "p", "x")


@dataclass(frozen=True)
class Candidate:
    """Something the user may name: a stable ``key`` and every spelling that names it."""

    key: str
    spellings: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    """The outcome: ``one`` (``key``), ``ambiguous`` (``keys`` to ask about) or ``none``."""

    kind: Literal["one", "ambiguous", "none"]
    key: str | None
    keys: tuple[str, ...]
    score: float


NO_MATCH = Match("none", None, (), 0.0)


def too_long(text: str) -> bool:
    """True for a text longer than any name or command could be (it is then never folded: that is costly)."""
    return len(text) > MAX_TEXT and len(" ".join(text.split())) > MAX_TEXT


def prepare(text: str) -> tuple[str, str]:
    """Folded text with punctuation as spaces, and the same without spaces ("Xem lại!" → "xem lai", "xemlai")."""
    folded = " ".join(_NON_WORD.sub(" ", fold(text)).split()).replace("_", " ").strip()
    return folded, folded.replace(" ", "")


@lru_cache(maxsize=16384)
def _spelling(text: str) -> tuple[str, str]:
    # Spellings (commands, options, unit names) come back call after call; what users type does not,
    # so only spellings are cached.
    return prepare(text)


def _strict(text: str) -> str:
    """Text compared with its diacritics: case, NFC/NFD, tone placement and punctuation ignored."""
    return " ".join(_NON_WORD.sub(" ", normalize_tone(text).casefold()).replace("_", " ").split())


def _decide(ranked: list[tuple[str, float]], cutoff: float, margin: float) -> Match:
    """Pick the best key unless another is within ``margin`` of it."""
    if not ranked or ranked[0][1] < cutoff:
        return Match("none", None, (), ranked[0][1] if ranked else 0.0)
    best = ranked[0][1]
    close = tuple(dict.fromkeys(k for k, s in ranked if s >= cutoff and best - s < margin))
    if len(close) > 1:
        return Match("ambiguous", None, close, best)
    return Match("one", close[0], close, best)


def match(text: str, candidates: Sequence[Candidate], *, cutoff: float = CUTOFF, margin: float = MARGIN) -> Match:
    """Which candidate ``text`` names: exactly after folding, else fuzzily (never for 1–3 characters)."""
    if too_long(text):
        return NO_MATCH
    q, qc = prepare(text)
    if not qc:
        return NO_MATCH
    exact = tuple(
        dict.fromkeys(c.key for c in candidates for s in c.spellings if (p := _spelling(s))[1] and p[1] == qc)
    )
    if len(exact) > 1:
        # "Thôn Đông" / "Thôn Đồng" fold alike: diacritics typed in full still tell them apart.
        strict = _strict(text)
        typed = tuple(
            dict.fromkeys(c.key for c in candidates if c.key in exact for s in c.spellings if _strict(s) == strict)
        )
        exact = typed if len(typed) == 1 else exact
    if exact:
        return Match("one", exact[0], exact, 100.0) if len(exact) == 1 else Match("ambiguous", None, exact, 100.0)
    if len(qc) <= SHORT or len(q) > LONG:
        return NO_MATCH
    best: dict[str, float] = {}
    for c in candidates:
        for s in c.spellings:
            f, fc = _spelling(s)
            if len(fc) <= SHORT:
                continue  # short spellings ("k", "ok") only ever match exactly
            score = max(fuzz.ratio(q, f), fuzz.ratio(qc, fc))
            if score > best.get(c.key, -1.0):
                best[c.key] = score
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    return _decide(ranked, cutoff, margin)


def _unit_split(name: str) -> tuple[str, str]:
    """A unit name folded, and folded without its type word ("Xã Kiến Thụy" → "kien thuy")."""
    full = prepare(name)[0]
    for word in _UNIT_TYPES:
        if full.startswith(word + " "):
            return full, full[len(word) + 1 :]
    return full, full


_unit_parts = lru_cache(maxsize=16384)(_unit_split)  # for the names, which come back call after call


def match_unit(text: str, names: Sequence[str], *, cutoff: float = CUTOFF, margin: float = MARGIN) -> Match:
    """Which unit ``text`` names; the type word (xã, phường, thị trấn, đặc khu) is optional in the input."""
    if too_long(text):
        return NO_MATCH
    q_full, q_bare = _unit_split(text)
    if not q_bare:
        return NO_MATCH
    parts = [_unit_parts(n) for n in names]
    if q_full != q_bare:
        exact = tuple(dict.fromkeys(n for n, p in zip(names, parts, strict=True) if p[0] == q_full))
        if len(exact) > 1:
            strict = _strict(text)
            exact = tuple(n for n in exact if _strict(n) == strict) or exact
        if exact:
            return Match("one", exact[0], exact, 100.0) if len(exact) == 1 else Match("ambiguous", None, exact, 100.0)
    exact = tuple(dict.fromkeys(n for n, p in zip(names, parts, strict=True) if p[1] == q_bare))
    if len(exact) > 1:
        strict = _strict(text)
        typed = tuple(n for n in exact if strict in (_strict(n), _strict(_unit_bare_typed(n))))
        exact = typed if len(typed) == 1 else exact
    if exact:
        return Match("one", exact[0], exact, 100.0) if len(exact) == 1 else Match("ambiguous", None, exact, 100.0)
    if len(q_bare.replace(" ", "")) <= SHORT or len(q_bare) > LONG:
        return NO_MATCH
    found = process.extract(q_bare, [p[1] for p in parts], scorer=fuzz.ratio, limit=8, score_cutoff=cutoff - margin)
    ranked = sorted(((names[i], float(s)) for _, s, i in found), key=lambda kv: -kv[1])
    return _decide(ranked, cutoff, margin)


def _unit_bare_typed(name: str) -> str:
    """A unit name without its type word, diacritics kept ("Xã Hòa Bình" → "Hòa Bình")."""
    words = name.split()
    for word in _UNIT_TYPES:
        size = len(word.split())
        if prepare(" ".join(words[:size]))[0] == word and len(words) > size:
            return " ".join(words[size:])
    return name
