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
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import product

from dialogs.fields.tokens import (
    LONG_TEXT,
    Token,
    digit_readings,
    fold_pair,
    split_spaced,
    tokenize,
    windows,
)
from dialogs.fields.words import (
    LABELS,
    QUALIFIER_MAX_WORDS,
    QUALIFIERS,
    NumberWord,
    phrase_matches,
    word_info,
)
from dialogs.vntext import nfc

#: Single number words that are also everyday words even with their diacritics (năm = year).
_WEAK_EVEN_EXACT = frozenset({"khong", "mot", "nam", "hai", "ba"})
_CURRENCY = {"dong": ("đồng",), "d": ("đ",), "vnd": ("vnđ",), "vnđ": ()}
#: Beyond this many readings of one figure, the answer is not worth guessing at.
_MAX_COMBINATIONS = 8
#: A long text with more digit runs than this is not read: the user is asked for the one figure.
MAX_RUNS = 8
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


@dataclass(slots=True)
class _Item:
    kind: str  # num, frac, scale, half, linh, brk
    first: int
    last: int
    vals: list[tuple[Decimal, int]] = field(default_factory=list)
    scale: int = 0
    words: int = 0
    exact: bool = False
    folded: str = ""


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


_BRK = _Item("brk", -1, -1)


def _joined(toks: list[Token], i: int) -> int:
    """Index of the last token of a "29/12/2023" or "337/KH-UBND" chain starting at ``i``."""
    j = i
    while (
        j + 2 < len(toks)
        and toks[j + 1].kind == "sym"
        and toks[j + 1].text in "/-"
        and not toks[j + 1].spaced
        and not toks[j + 2].spaced
        and toks[j + 2].kind != "sym"
    ):
        j += 2
    return j


def _is_year(tok: Token) -> bool:
    return tok.kind == "num" and tok.text.isdigit() and 1900 <= int(tok.text) <= 2100


def _word_number(toks: list[Token], infos: list[NumberWord | None], i: int, prev: str) -> tuple[int, int] | None:
    """A value 0–99 spelled in words starting at ``i`` and the index after it, or None."""
    n = len(toks)

    def at(j: int) -> NumberWord | None:
        return infos[j] if j < n else None

    def addable(j: int) -> bool:
        w = at(j)
        nxt = at(j + 1)
        ok = w is not None and ((w.role == "unit" and w.value >= 1) or w.role == "cont")
        return ok and not (nxt is not None and nxt.role in ("ten", "chuc"))

    w = infos[i]
    assert w is not None
    nx = at(i + 1)
    if w.role == "unit":
        u = w.value
        if nx is not None and nx.role == "ten" and nx.orig != "mười" and u >= 2:
            v, j = u * 10, i + 2
            if addable(j):
                v, j = v + at(j).value, j + 1  # type: ignore[union-attr]
            return v, j
        if nx is not None and nx.role == "chuc" and u >= 1:
            return u * 10, i + 2
        colloquial = nx is not None and (nx.role == "cont" or nx.orig in ("mốt", "mot"))
        if colloquial and u >= 2 and addable(i + 1) and prev not in ("scale", "linh"):
            return u * 10 + nx.value, i + 2  # type: ignore[union-attr]
        return u, i + 1
    if w.role == "ten" and w.orig != "mươi":
        if addable(i + 1):
            return 10 + nx.value, i + 2  # type: ignore[union-attr]
        return 10, i + 1
    if w.role == "cont" and prev in ("scale", "linh"):
        return w.value, i + 1
    return None


def number_words(toks: list[Token]) -> list[NumberWord | None]:
    """The number word each token stands for (None for other tokens)."""
    return [word_info(t.orig, t.text) if t.kind == "word" else None for t in toks]


def word_number(toks: list[Token], infos: list[NumberWord | None], i: int) -> tuple[int, int] | None:
    """A value 0–99 spelled in words at token ``i`` ("hai mươi mốt") and the index after it, or None."""
    return _word_number(toks, infos, i, "brk") if infos[i] is not None else None


def _items(toks: list[Token], unreadable: list[str]) -> list[_Item]:
    infos = number_words(toks)
    items: list[_Item] = []

    def brk() -> None:
        # One shared marker for any run of tokens that are not part of a figure.
        if not items or items[-1] is not _BRK:
            items.append(_BRK)
    n, i = len(toks), 0
    while i < n:
        t = toks[i]
        prev = items[-1].kind if items else "brk"
        if t.kind == "num":
            j = _joined(toks, i)
            if j > i:
                pair = j == i + 2 and toks[i + 1].text == "-" and toks[j].kind == "num"
                if pair and not (_is_year(t) or _is_year(toks[j])):
                    # "75-80": a range of two figures; the caller asks which one is meant.
                    for k in (i, j):
                        items += [_Item("num", k, k, [(r, 0) for r, _ in digit_readings(toks[k].text)])]
                        brk()
                else:
                    brk()
                i = j + 1
                continue
            readings = digit_readings(t.text)
            if readings:
                items.append(_Item("num", i, i, readings))
            elif " " in t.text or "\u00a0" in t.text or "\u202f" in t.text:
                for piece in split_spaced(t.text):
                    got = digit_readings(piece)
                    items += [_Item("num", i, i, got)] if got else []
                    brk()
            else:
                unreadable.append(t.orig)
                brk()
            i += 1
            continue
        nxt = toks[i + 1] if i + 1 < n else None
        if t.kind == "word" and nxt is not None and nxt.kind == "num":
            label = LABELS.get(t.text)
            if label is not None and (t.orig == t.text or t.orig in label):
                # "năm 2024", "tháng 8": the digits name a period, not a count.
                j = _joined(toks, i + 1)
                brk()
                i = j + 1
                continue
            if t.text == "tam" and t.orig in ("tam", "tầm"):
                brk()  # "tầm 75" (about 75), not "tám 75"
                i += 1
                continue
        info = infos[i]
        if info is None:
            brk()
            i += 1
            continue
        if info.role in ("unit", "ten", "cont"):
            got = _word_number(toks, infos, i, prev)
            if got is None:
                brk()
                i += 1
                continue
            value, j = got
            items.append(_Item("num", i, j - 1, [(Decimal(value), 0)], words=j - i, exact=info.exact, folded=t.text))
            i = j
            continue
        if info.role == "point":
            digits, j = "", i + 1
            while j < n and (w := infos[j]) is not None and w.role == "unit":
                digits, j = digits + str(w.value), j + 1
            if not digits and j < n and toks[j].kind == "num" and toks[j].text.isdigit():
                digits, j = toks[j].text, j + 1
            if digits:
                items.append(_Item("frac", i, j - 1, [(Decimal("0." + digits), 0)], words=j - i))
            else:
                brk()
            i = j
            continue
        kind = {"scale": "scale", "half": "half", "linh": "linh"}.get(info.role, "brk")
        items.append(_Item(kind, i, i, scale=info.value, words=1))
        i += 1
    return items


def _scale_fits(fig: list[_Item], scale: int) -> bool:
    bigs = [it.scale for it in fig if it.kind == "scale" and it.scale >= 1000]
    if scale == 100:
        since = fig[len(fig) - 1 - next((k for k, it in enumerate(reversed(fig)) if it.scale >= 1000), len(fig)) :]
        return fig[-1].kind in ("num", "frac") and not any(it.scale == 100 for it in since[1:] if it.kind == "scale")
    return scale not in bigs and (not bigs or scale < bigs[-1] or scale > max(bigs))


def _group(items: list[_Item]) -> list[list[_Item]]:
    figs: list[list[_Item]] = []
    cur: list[_Item] = []

    def close() -> None:
        nonlocal cur
        while cur and cur[-1].kind == "linh":
            cur.pop()
        if any(it.kind == "num" for it in cur):
            figs.append(cur)
        cur = []

    for k, it in enumerate(items):
        last = cur[-1].kind if cur else ""
        if it.kind == "brk":
            close()
        elif not cur:
            nxt = items[k + 1] if k + 1 < len(items) else None
            if it.kind == "num":
                cur = [it]
            elif it.kind == "scale" and it.scale >= 1000 and nxt is not None and nxt.kind == "half":
                cur = [_Item("num", it.first, it.first, [(Decimal(1), 0)], words=1), it]  # "triệu rưỡi"
        elif it.kind == "num":
            if last in ("scale", "linh"):
                cur.append(it)
            else:
                close()
                cur = [it]
        elif it.kind == "scale":
            if last in ("num", "frac", "scale") and _scale_fits(cur, it.scale):
                cur.append(it)
            elif last == "num" and len(cur) > 1:
                # "2 triệu 3 triệu": the "3" starts a figure of its own.
                num = cur.pop()
                close()
                cur = [num, it] if _scale_fits([num], it.scale) else [num]
            else:
                close()
        elif it.kind == "half":
            if last in ("scale", "num"):
                cur.append(it)
            else:
                close()
        elif it.kind == "linh":
            if last == "scale":
                cur.append(it)
            else:
                close()
        elif it.kind == "frac":
            if last == "num" and len(cur) == 1 or (last == "num" and cur[-2].kind == "scale"):
                cur.append(it)
            else:
                close()
    close()
    return figs


def _evaluate(fig: list[_Item], values: tuple[Decimal, ...]) -> list[Decimal]:
    """The value(s) of one reading of a figure; two when "1 triệu 25" can mean 1.025.000 or 1.250.000."""
    total, group = Decimal(0), None
    bigs: list[int] = []
    linh = hundreds = zero_hundreds = False
    trail: list[Decimal] = []  # numbers after the last scale
    after_hundred: list[Decimal] = []
    vi = iter(values)
    prev = ""
    for it in fig:
        if it.kind == "num":
            v = next(vi)
            group = (group or Decimal(0)) + v
            trail.append(v)
            after_hundred.append(v)
        elif it.kind == "frac":
            group = (group or Decimal(0)) + it.vals[0][0]
            trail.append(Decimal("0.5"))  # a fraction makes the trailing group literal
        elif it.kind == "scale" and it.scale == 100:
            zero_hundreds = group == 0
            group = (group if group is not None else Decimal(1)) * 100
            hundreds, after_hundred = True, []
        elif it.kind == "scale":
            base = group if group is not None else Decimal(1 if total == 0 else 0)
            if bigs and it.scale > max(bigs):
                total = (total + base) * it.scale
            else:
                total += base * it.scale
            bigs.append(it.scale)
            group, linh, hundreds, zero_hundreds, trail, after_hundred = None, False, False, False, [], []
        elif it.kind == "half":
            if prev == "scale" and fig[fig.index(it) - 1].scale == 100:
                group = (group or Decimal(0)) + 50
            elif prev == "scale":
                total += Decimal(bigs[-1]) / 2
            else:
                group = (group or Decimal(0)) + Decimal("0.5")
            trail = []
        elif it.kind == "linh":
            linh = True
        prev = it.kind
    if group is None:
        return [total]
    literal = total + group
    if linh or zero_hundreds or prev == "half" or group != group.to_integral_value():
        return [literal]
    if hundreds and len(after_hundred) == 1 and 1 <= after_hundred[0] <= 9:
        # "hai trăm mốt" is 210, "hai trăm tư" 240.
        group += after_hundred[0] * 9
        literal = total + group
    if not bigs:
        return [literal]
    scale = Decimal(bigs[-1])
    if not hundreds and len(trail) == 1 and 1 <= group <= 9:
        return [total + group * scale / 10]  # "1 triệu 2" is 1.200.000
    if not hundreds and len(trail) == 1 and 10 <= group <= 99 and scale > 1000:
        return [total + group * scale / 1000, total + group * scale / 100]
    if 100 <= group <= 999:
        return [total + group * scale / 1000]  # "1 tỷ 250" is 1.250.000.000
    return [literal]


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
    if i >= 1 and toks[i - 1].text == "-" and not toks[i].spaced and (i == 1 or toks[i - 2].text in ("am", "la")) or i >= 1 and toks[i - 1].text == "am" and toks[i - 1].orig in ("am", "âm"):
        fig.negative = True


def _figures(text: str, pair: tuple[str, str], unreadable: list[str]) -> tuple[list[Figure], int]:
    """The figures of a short text (with its :func:`fold_pair`), and how many tokens it has."""
    toks = tokenize(text, pair)
    figures: list[Figure] = []
    for fig in _group(_items(toks, unreadable)):
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
            for value in _evaluate(fig, tuple(v for v, _ in choice)):
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
    if before.endswith("/") or after.startswith("/") and after[1:].isalnum():
        return True
    return (before.endswith("-") and before[:1].isalpha()) or (after.startswith("-") and after[1:].isalpha())


def scan(text: str) -> Scan:
    """Find the figures of ``text``, its unreadable digit runs and its words of doubt.

    A long text is read only around its digits (see :func:`~dialogs.fields.tokens.windows`); with more
    than :data:`MAX_RUNS` digit runs it is not read at all (``runs`` says how many).
    """
    text = nfc(text)
    plain = _PLAIN.fullmatch(text)
    if plain:  # the most common answer, "75", needs no more than this
        digits = plain.group(1)
        return Scan([Figure([(Decimal(digits), 0)], 0, 0, True, digits)], [], False, True, 0)
    lower, folded = fold_pair(text)
    doubt = _DOUBT.search(folded) is not None
    unreadable: list[str] = []
    if len(text) <= LONG_TEXT:
        figures, count = _figures(text, (lower, folded), unreadable)
        return Scan(figures, unreadable, doubt, count <= 4, 0)
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
        figures += _figures(text[s:e], (lower[s:e], folded[s:e]), unreadable)[0]
    return Scan(figures, unreadable, doubt, False, len(runs))


def find_figures(text: str) -> list[Figure]:
    """The figures of ``text`` (see :func:`scan`)."""
    return scan(text).figures
