"""The shared core of the numeric parsers (integer, decimal, percent, money): pick the figure,
resolve "1,000" by the field's type and range or ask, handle "hơn 650" and "có lẽ 75".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from dialogs.fields.base import Choice, ParseResult, ParseSpec
from dialogs.fields.common import ask, ask_which, join_or, quote, refuse
from dialogs.fields.grammar.figures import MAX_RUNS, Figure, scan
from dialogs.messages import ref
from dialogs.vietnamese.format import format_decimal
from dialogs.vietnamese.text import fold

#: More distinct figures than this and the answer is refused rather than turned into a menu.
MAX_FIGURES = 6
#: Figures this large are typing accidents (and beyond what Decimal formats at its precision).
_TOO_BIG = Decimal(10) ** 18
_UNIT_SCALES = {"nghin": 1000, "ngan": 1000, "trieu": 1_000_000, "ty": 1_000_000_000, "ti": 1_000_000_000}


@dataclass(frozen=True)
class Kind:
    """How one numeric type reads, checks and writes its values."""

    name: str
    integral: bool
    fmt: Callable[[Decimal], str]
    to_value: Callable[[Decimal], int | float]
    default_example: Decimal
    not_found: str


def to_decimal(bound: float | str | None) -> Decimal | None:
    """A range bound from a spec as a Decimal (None when unset or unreadable)."""
    if bound is None or bound == "":
        return None
    try:
        return Decimal(str(bound))
    except InvalidOperation:
        return None


def _in_range(v: Decimal, lo: Decimal | None, hi: Decimal | None) -> bool:
    return (lo is None or v >= lo) and (hi is None or v <= hi)


def example(kind: Kind, spec: ParseSpec) -> str:
    """A valid example for the field: its own, else the type's default moved into the field's range."""
    if spec.example:
        return spec.example
    lo, hi = to_decimal(spec.min), to_decimal(spec.max)
    value = kind.default_example
    if not _in_range(value, lo, hi):
        if lo is not None and hi is not None:
            value = (lo + hi) / 2
            value = value.to_integral_value() if kind.integral else value
        else:
            value = lo if lo is not None else hi  # type: ignore[assignment]
    return kind.fmt(value)


def range_text(kind: Kind, spec: ParseSpec) -> dict[str, Any]:
    """The field's range in words: "từ 0 đến 1.000"."""
    lo, hi = to_decimal(spec.min), to_decimal(spec.max)
    if lo is not None and hi is not None:
        return ref("parse.range.between", min=kind.fmt(lo), max=kind.fmt(hi))
    if lo is not None:
        return ref("parse.range.at_least", min=kind.fmt(lo))
    return ref("parse.range.at_most", max=kind.fmt(hi))  # type: ignore[arg-type]


def _money_unit_scale(spec: ParseSpec) -> int:
    words = fold(spec.unit).split()
    return _UNIT_SCALES.get(words[0], 1) if words else 1


def _candidates(fig: Figure, kind: Kind, spec: ParseSpec) -> list[tuple[Decimal, int]]:
    cands = [(-v if fig.negative else v, r) for v, r in fig.candidates]
    if kind.name == "money" and not fig.scaled:
        scale = _money_unit_scale(spec)
        if scale > 1:
            cands = [(v * scale, r) for v, r in cands]
        elif not fig.currency and all(abs(v) < 1000 for v, _ in cands):
            # "570" alone for an amount of money: 570 đồng is implausible, so ask which unit.
            cands = [(v * m, r) for m in (1000, 1_000_000, 1) for v, r in cands]
    return cands


def _choice(kind: Kind, v: Decimal) -> Choice:
    return Choice(kind.fmt(v), kind.to_value(v))


def parse_numeric(text: str, spec: ParseSpec, kind: Kind) -> ParseResult:
    """Parse ``text`` as a figure of ``kind`` (see the module docstring)."""

    def ex() -> str:  # only a refusal needs it
        return example(kind, spec)

    if not text.strip():
        return refuse("parse.empty", example=ex())
    sc = scan(text)
    if sc.runs > MAX_RUNS:
        return refuse("parse.number.too_many", count=sc.runs, example=ex())
    figs = [f for f in sc.figures if f.strong]
    if not figs and len(sc.figures) == 1 and sc.short and not sc.doubt:
        figs = sc.figures  # "năm tập thể", "không": a lone number word is the answer
    if not figs:
        if sc.unreadable:
            return refuse("parse.number.unreadable", figure=quote(sc.unreadable[0]), example=ex())
        return refuse(kind.not_found, text=quote(text), example=ex())
    figs = _prefer(figs, kind, spec)
    if len(figs) > 1:
        distinct: list[Decimal] = []
        for f in figs:
            for v, r in _candidates(f, kind, spec):
                if r == 0 and v not in distinct and abs(v) < _TOO_BIG:
                    distinct.append(v)
        if len(distinct) > MAX_FIGURES:
            return refuse("parse.number.too_many", count=len(distinct), example=ex())
        if len(distinct) > 1:
            choices = [_choice(kind, v) for v in distinct]
            return ask("parse.number.several", choices, figures=join_or(c.label for c in choices))
        figs = figs[:1]
    fig = figs[0]
    cands = [(v, r) for v, r in _candidates(fig, kind, spec) if abs(v) < _TOO_BIG]
    if not cands:
        return refuse("parse.number.unreadable", figure=quote(fig.raw), example=ex())
    typed = [(v, r) for v, r in cands if not kind.integral or v == v.to_integral_value()]
    if not typed:
        return refuse("parse.number.not_whole", understood=format_decimal(cands[0][0]), example=ex())
    lo, hi = to_decimal(spec.min), to_decimal(spec.max)
    fitting = [(v, r) for v, r in typed if _in_range(v, lo, hi)]
    if not fitting:
        understood = kind.fmt(min(typed, key=lambda c: c[1])[0])
        return refuse("parse.number.out_of_range", understood=understood, range=range_text(kind, spec), example=ex())
    best = min(r for _, r in fitting)
    values = sorted({v for v, r in fitting if r == best}, reverse=True)
    if len(values) > 1:
        return ask_which([_choice(kind, v) for v in values])
    value = values[0]
    shown = kind.fmt(value)
    if sc.doubt:
        return ask("parse.number.doubt", [_choice(kind, value)], figure=shown)
    if fig.qualifier and not spec.approximate:
        return ask("parse.number.exact", [_choice(kind, value)], qualifier=fig.qualifier, figure=shown)
    if fig.qualifier:
        return ParseResult(
            ok=True,
            value=kind.to_value(value),
            display=f"{fig.qualifier} {shown}",
            approximate=True,
            qualifier=fig.qualifier,
        )
    return ParseResult(ok=True, value=kind.to_value(value), display=shown)


def _prefer(figs: list[Figure], kind: Kind, spec: ParseSpec) -> list[Figure]:
    """Narrow several figures to those marked for this type ("85%" for a percent, "đồng" for money)."""
    if kind.name == "percent":
        marked = [f for f in figs if f.percent]
    elif kind.name == "money":
        marked = [f for f in figs if f.currency or f.scaled]
    else:
        marked = [f for f in figs if not f.percent and not f.currency]
    figs = marked or figs
    unit = fold(spec.unit)
    if unit and len(figs) > 1:
        figs = [f for f in figs if f.after.startswith(unit)] or figs
    return figs
