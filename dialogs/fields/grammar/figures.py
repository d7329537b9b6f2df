"""Find the figures in an answer: "75", "1.234.567,5", "570tr", "1 tỷ 250 triệu", "bảy mươi lăm",
"hơn 650 cá nhân" — each with every value it can mean, its qualifier and its marks (%, đồng).

>>> [f.values() for f in find_figures("được 650 cá nhân")]
[[650]]
>>> [f.values() for f in find_figures("bảy mươi lăm")]
[[75]]
>>> [f.values() for f in find_figures("1 tỷ 250 triệu")]
[[1250000000]]
>>> f = find_figures("hơn 570 triệu đồng")[0]
>>> f.values(), f.qualifier, f.currency
([570000000], 'hơn', True)
>>> [f.values() for f in find_figures("năm 2024 được hai trăm mốt tập thể")]
[[210]]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import product

from dialogs.fields.grammar.amounts import evaluate, group, items
from dialogs.fields.grammar.tokens import LONG_TEXT, Token, fold_pair, tokenize, windows
from dialogs.fields.grammar.words import QUALIFIER_MAX_WORDS, QUALIFIERS, phrase_matches
from dialogs.vietnamese.text import nfc

#: Single number words that are also everyday words even with their diacritics (năm = year).
_WEAK_EVEN_EXACT = frozenset({"khong", "mot", "nam", "hai", "ba"})
_CURRENCY = {"dong": ("đồng",), "d": ("đ",), "vnd": ("vnđ",)}
#: Beyond this many readings of one figure, the answer is not worth guessing at.
_MAX_COMBINATIONS = 8
#: A long text with more digit runs than this is not read: the user is asked for the one figure.
MAX_RUNS = 6
#: How far around a digit run a long text is read (room for "khoảng chừng" before, "tập thể" after).
_RADIUS = 24
#: A long text with more digit runs than this, dates and references included, is not read either.
_MAX_ALL_RUNS = 48
#: A digit run longer than this is not a figure anyone types.
_MAX_RUN_CHARS = 40
_PLAIN = re.compile(r"\s*([0-9]{1,15})\s*")
_DIGIT_RUN = re.compile(r"[0-9]+(?:[.,\u00a0\u202f ][0-9]+)*")
#: Words of doubt, folded ("có lẽ", "hình như", "chắc" but not "chắc chắn"), or a question mark.
_DOUBT = re.compile(
    r"(?<!\w)(?:co\s+le|hinh\s+nhu|co\s+the|chac\s+la|khong\s+chac|chua\s+chac|khong\s+ro|khong\s+biet"
    r"|chua\s+biet|khong\s+nho|chac(?!\s+chan))(?!\w)|\?"
)


@dataclass
class Figure:
    """One figure found in an answer, with every value it can mean (rank 0 = plausible)."""

    candidates: list[tuple[Decimal, int]]
    first: int
    last: int
    strong: bool
    raw: str
    percent: bool = False
    currency: bool = False
    scaled: bool = False
    qualifier: str = ""
    negative: bool = False
    #: The folded words right after the figure (for "75 tập thể" when the field's unit is "tập thể").
    after: str = ""

    def values(self) -> list[int | float]:
        """The plausible values, as plain numbers (for doctests and debugging)."""
        return [int(v) if v == v.to_integral_value() else float(v) for v, r in self.candidates if r == 0]


@dataclass
class Scan:
    """Everything found in one answer: its figures, unreadable digit runs and whether it hedges."""

    figures: list[Figure]
    unreadable: list[str]
    #: Words of doubt ("có lẽ", "hình như", "?"): the figure is confirmed before it is kept.
    doubt: bool
    #: At most four tokens: a lone number word ("năm", "không") may then be the whole answer.
    short: bool
    #: Digit runs counted in a long text (0 when the text was read whole).
    runs: int


def _marks(fig: Figure, toks: list[Token]) -> None:
    n, j = len(toks), fig.last + 1
    if j < n and toks[j].kind == "sym" and toks[j].text == "%":
        fig.percent, j = True, j + 1
    elif j + 1 < n and toks[j].text == "phan" and toks[j + 1].text == "tram":
        fig.percent, j = True, j + 2
    elif j < n and toks[j].kind == "word" and toks[j].text in _CURRENCY:
        t = toks[j]
        fig.currency, j = t.orig == t.text or t.orig in _CURRENCY[t.text], j + 1
    if j < n and toks[j].kind == "sym" and toks[j].text == "+" and not toks[j].spaced:
        fig.qualifier = "hơn"
    fig.after = " ".join(t.text for t in toks[j : j + 4] if t.kind == "word")
    if not fig.qualifier and f" {fig.after} ".find(" tro len ") >= 0:
        fig.qualifier = "trên"  # "75 tập thể trở lên": at least 75, not an exact count
    i = fig.first
    if i >= 1 and toks[i - 1].kind == "sym" and toks[i - 1].text == "~":
        fig.qualifier = "khoảng"
    for size in range(QUALIFIER_MAX_WORDS, 0, -1):
        if i - size < 0:
            continue
        window = toks[i - size : i]
        key = tuple(t.text for t in window)
        entry = QUALIFIERS.get(key)
        if entry and phrase_matches([t.orig for t in window], list(key), entry[1]):
            fig.qualifier = entry[0]
            break
    if i >= 1 and (
        (toks[i - 1].text == "-" and not toks[i].spaced and (i == 1 or toks[i - 2].text in ("am", "la")))
        or (toks[i - 1].text == "am" and toks[i - 1].orig in ("am", "âm"))
    ):
        fig.negative = True


def _figures(text: str, pair: tuple[str, str], unreadable: list[str]) -> tuple[list[Figure], int]:
    """The figures of a short text (with its :func:`fold_pair`), and how many tokens it has."""
    toks = tokenize(text, pair)
    figures: list[Figure] = []
    for fig in group(items(toks, unreadable)):
        nums = [it.vals for it in fig if it.kind == "num"]
        combos = 1
        for vals in nums:
            combos *= len(vals)
        if combos > _MAX_COMBINATIONS:
            unreadable.append(text[toks[fig[0].first].start : toks[fig[-1].last].end])
            continue
        best: dict[Decimal, int] = {}
        for choice in product(*nums):
            rank = max((r for _, r in choice), default=0)
            for value in evaluate(fig, tuple(v for v, _ in choice)):
                best[value] = min(rank, best.get(value, rank))
        words = sum(it.words for it in fig)
        digits = any(it.kind == "num" and it.words == 0 for it in fig)
        lone = fig[0] if len(fig) == 1 else None
        strong = digits or words >= 2 or (lone is not None and lone.exact and lone.folded not in _WEAK_EVEN_EXACT)
        first, last = fig[0].first, fig[-1].last
        raw = text[toks[first].start : toks[last].end]
        f = Figure(sorted(best.items(), key=lambda kv: (kv[1], -kv[0])), first, last, strong, raw)
        f.scaled = any(it.kind == "scale" and it.scale >= 1000 for it in fig)
        _marks(f, toks)
        figures.append(f)
    return figures, len(toks)


def _in_reference(text: str, start: int, end: int) -> bool:
    """True when the digits at ``text[start:end]`` belong to a date or a document reference."""
    before, after = text[max(0, start - 2) : start], text[end : end + 2]
    if before.endswith("/") or (after.startswith("/") and after[1:].isalnum()):
        return True
    return (before.endswith("-") and before[:1].isalpha()) or (after.startswith("-") and after[1:].isalpha())


def scan(text: str) -> Scan:
    """Find the figures of ``text``, its unreadable digit runs and its words of doubt.

    A long text is read only around its digits (see :func:`~dialogs.fields.grammar.tokens.windows`); with more
    than :data:`MAX_RUNS` digit runs it is not read at all (``runs`` says how many).
    """
    text = nfc(text)
    plain = _PLAIN.fullmatch(text)
    if plain:  # the most common answer, "75", needs no more than this
        digits = plain.group(1)
        return Scan([Figure([(Decimal(digits), 0)], 0, 0, True, digits)], [], False, True, 0)
    unreadable: list[str] = []
    if len(text) <= LONG_TEXT:
        lower, folded = fold_pair(text)
        figures, count = _figures(text, (lower, folded), unreadable)
        return Scan(figures, unreadable, _DOUBT.search(folded) is not None, count <= 4, 0)
    doubt = False
    runs: list[tuple[int, int]] = []
    for seen, m in enumerate(_DIGIT_RUN.finditer(text)):
        if len(runs) > MAX_RUNS or seen > _MAX_ALL_RUNS:
            return Scan([], [], doubt, False, max(len(runs), seen))
        if _in_reference(text, m.start(), m.end()):
            continue  # "29/12/2023", "337/KH-UBND", "34-CT/TW" are never figures
        if m.end() - m.start() > _MAX_RUN_CHARS:
            unreadable.append(m.group(0)[:_MAX_RUN_CHARS] + "…")
        else:
            runs.append(m.span())
    if len(runs) > MAX_RUNS:
        return Scan([], [], doubt, False, len(runs))
    figures = []
    for s, e in windows(text, runs, _RADIUS):
        # Only the windows are folded (and searched for doubt): most of a long text is never touched.
        pair = fold_pair(text[s:e])
        figures += _figures(text[s:e], pair, unreadable)[0]
        doubt = doubt or _DOUBT.search(pair[1]) is not None
    return Scan(figures, unreadable, doubt, False, len(runs))


def find_figures(text: str) -> list[Figure]:
    """The figures of ``text`` (see :func:`scan`)."""
    return scan(text).figures
