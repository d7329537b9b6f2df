"""The building blocks of a figure: digit groups, number words and scale words read into items
("1 tỷ 250 triệu" → 1, tỷ, 250, triệu), grouped into figures and valued.

>>> from dialogs.fields.grammar.tokens import tokenize
>>> [[str(v) for v in evaluate(fig, tuple(vals[0][0] for vals in (it.vals for it in fig if it.kind == "num")))]
...  for fig in group(items(tokenize("hai trăm mốt, 1 triệu 2"), []))]
[['210'], ['1200000']]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from dialogs.fields.grammar.tokens import Token, digit_readings, split_spaced
from dialogs.fields.grammar.words import LABELS, NumberWord, word_info


@dataclass(slots=True)
class Item:
    """One building block: "num" (with its readings), "frac", "scale", "half", "linh" or "brk"."""

    kind: str  # num, frac, scale, half, linh, brk
    first: int
    last: int
    vals: list[tuple[Decimal, int]] = field(default_factory=list)
    scale: int = 0
    words: int = 0
    exact: bool = False
    folded: str = ""


BRK = Item("brk", -1, -1)


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


def items(toks: list[Token], unreadable: list[str]) -> list[Item]:
    """The item stream of ``toks``: digit groups, spelled numbers, scales, with one BRK between figures."""
    infos = number_words(toks)
    out: list[Item] = []

    def brk() -> None:
        # One shared marker for any run of tokens that are not part of a figure.
        if not out or out[-1] is not BRK:
            out.append(BRK)

    n, i = len(toks), 0
    while i < n:
        t = toks[i]
        prev = out[-1].kind if out else "brk"
        if t.kind == "num":
            j = _joined(toks, i)
            if j > i:
                pair = j == i + 2 and toks[i + 1].text == "-" and toks[j].kind == "num"
                if pair and not (_is_year(t) or _is_year(toks[j])):
                    # "75-80": a range of two figures; the caller asks which one is meant.
                    for k in (i, j):
                        out += [Item("num", k, k, [(r, 0) for r, _ in digit_readings(toks[k].text)])]
                        brk()
                else:
                    brk()
                i = j + 1
                continue
            readings = digit_readings(t.text)
            if readings:
                out.append(Item("num", i, i, readings))
            elif " " in t.text or "\u00a0" in t.text or "\u202f" in t.text:
                for piece in split_spaced(t.text):
                    got = digit_readings(piece)
                    out += [Item("num", i, i, got)] if got else []
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
            spelled = _word_number(toks, infos, i, prev)
            if spelled is None:
                brk()
                i += 1
                continue
            value, j = spelled
            out.append(Item("num", i, j - 1, [(Decimal(value), 0)], words=j - i, exact=info.exact, folded=t.text))
            i = j
            continue
        if info.role == "point":
            digits, j = "", i + 1
            while j < n and (w := infos[j]) is not None and w.role == "unit":
                digits, j = digits + str(w.value), j + 1
            if not digits and j < n and toks[j].kind == "num" and toks[j].text.isdigit():
                digits, j = toks[j].text, j + 1
            if digits:
                out.append(Item("frac", i, j - 1, [(Decimal("0." + digits), 0)], words=j - i))
            else:
                brk()
            i = j
            continue
        kind = {"scale": "scale", "half": "half", "linh": "linh"}.get(info.role, "brk")
        out.append(Item(kind, i, i, scale=info.value, words=1))
        i += 1
    return out


def _scale_fits(fig: list[Item], scale: int) -> bool:
    bigs = [it.scale for it in fig if it.kind == "scale" and it.scale >= 1000]
    if scale == 100:
        since = fig[len(fig) - 1 - next((k for k, it in enumerate(reversed(fig)) if it.scale >= 1000), len(fig)) :]
        return fig[-1].kind in ("num", "frac") and not any(it.scale == 100 for it in since[1:] if it.kind == "scale")
    return scale not in bigs and (not bigs or scale < bigs[-1] or scale > max(bigs))


def group(stream: list[Item]) -> list[list[Item]]:
    """Cut the item stream into figures: "2 triệu 3 triệu" is two, "1 tỷ 250 triệu" one."""
    figs: list[list[Item]] = []
    cur: list[Item] = []

    def close() -> None:
        nonlocal cur
        while cur and cur[-1].kind == "linh":
            cur.pop()
        if any(it.kind == "num" for it in cur):
            figs.append(cur)
        cur = []

    for k, it in enumerate(stream):
        last = cur[-1].kind if cur else ""
        if it.kind == "brk":
            close()
        elif not cur:
            nxt = stream[k + 1] if k + 1 < len(stream) else None
            if it.kind == "num":
                cur = [it]
            elif it.kind == "scale" and it.scale >= 1000 and nxt is not None and nxt.kind == "half":
                cur = [Item("num", it.first, it.first, [(Decimal(1), 0)], words=1), it]  # "triệu rưỡi"
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
            if last == "num" and (len(cur) == 1 or cur[-2].kind == "scale"):
                cur.append(it)
            else:
                close()
    close()
    return figs


def evaluate(fig: list[Item], values: tuple[Decimal, ...]) -> list[Decimal]:
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
