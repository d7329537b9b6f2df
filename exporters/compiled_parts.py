"""What a director reads in the compiled report, computed from every unit's answers (pure, no layout).

Rates per province, totals of every figure with how many units gave it, a tally of every choice and yes/no
field, the rows of every repeated group (the nominees of section IV.3), short excerpts per text field, and
the units still missing, by province. Everything is in Vietnamese alphabetical order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from dialogs.answers import AnswerRecord
from dialogs.template.model import NUMERIC_TYPES, Field, Section, Template
from dialogs.vietnamese.collation import sort_key
from dialogs.vietnamese.text import nfc, squash
from exporters.model import UnitStatus
from exporters.rate import Rate, reporting_rate
from exporters.render import format_plain

#: Choice-like fields tallied option by option.
TALLIED_TYPES = frozenset({"choice", "multichoice", "yesno"})
#: Province label of units that have none.
NO_PROVINCE = "—"
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+")


def province_short(name: str) -> str:
    """A province as a cell or a sort key: "Hải Phòng" for "Thành phố Hải Phòng", "Cao Bằng" for "Tỉnh Cao Bằng"."""
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name or NO_PROVINCE


def reported(units: Sequence[UnitStatus]) -> list[UnitStatus]:
    """The units that submitted (on time or late)."""
    return [u for u in units if u.status != "missing"]


def by_unit_name(units: Sequence[UnitStatus]) -> list[UnitStatus]:
    """Units in Vietnamese alphabetical order of name, then province."""
    return sorted(units, key=lambda u: (sort_key(u.unit.name), sort_key(province_short(u.unit.province_name))))


def province_rates(units: Sequence[UnitStatus]) -> list[tuple[str, Rate]]:
    """The reporting rate of each province, provinces in Vietnamese order."""
    groups: dict[str, list[UnitStatus]] = {}
    for unit in units:
        groups.setdefault(unit.unit.province_name or NO_PROVINCE, []).append(unit)
    return [(name, reporting_rate(groups[name])) for name in sorted(groups, key=lambda n: sort_key(province_short(n)))]


@dataclass(frozen=True)
class FigureTotal:
    """One figure over the reporting units: the total of the values given, how many gave one, how many of
    those were approximate ("hơn 650"), and how many reported "không có" or nothing (left out, never 0)."""

    field: Field
    total: float | int | None
    given: int
    approximate: int
    no_data: int


def _number(record: AnswerRecord | None) -> float | int | None:
    if record is None or record.status != "answered":
        return None
    value = record.value
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def figure_totals(template: Template, units: Sequence[UnitStatus]) -> list[FigureTotal]:
    """Every top-level figure's total (percentages are not added up: their total is None)."""
    done = reported(units)
    out = []
    for field in (f for f in template.fields() if f.type in NUMERIC_TYPES):
        records = [u.answers.get(field.id) for u in done]
        values = [v for v in map(_number, records) if v is not None]
        approximate = sum(1 for r in records if _number(r) is not None and r is not None and r.approximate)
        total = None if field.type == "percent" or not values else sum(values)
        out.append(FigureTotal(field, total, len(values), approximate, len(done) - len(values)))
    return out


@dataclass(frozen=True)
class Tally:
    """One choice or yes/no field: how many reporting units picked each option, and how many answered."""

    field: Field
    counts: tuple[tuple[str, int], ...]
    answered: int
    none: int


def tallies(template: Template, units: Sequence[UnitStatus]) -> list[Tally]:
    """Every top-level choice, multi-choice and yes/no field, option by option (in the template's order)."""
    done = reported(units)
    out = []
    for field in (f for f in template.fields() if f.type in TALLIED_TYPES):
        if field.type == "yesno":
            labels: list[tuple[object, str]] = [(True, "Có"), (False, "Không")]
        else:
            labels = [(o.value, o.label) for o in field.options]
        counts = dict.fromkeys(range(len(labels)), 0)
        answered = none = 0
        for unit in done:
            record = unit.answers.get(field.id)
            if record is None or record.status == "skipped":
                continue
            if record.status == "none":
                none += 1
                continue
            answered += 1
            picked = record.value if isinstance(record.value, list) else [record.value]
            for n, (value, _) in enumerate(labels):
                if value in picked:
                    counts[n] += 1
        out.append(Tally(field, tuple((label, counts[n]) for n, (_, label) in enumerate(labels)), answered, none))
    return out


def group_rows(field: Field, units: Sequence[UnitStatus]) -> list[tuple[str, ...]]:
    """Every item of a repeated group over the reporting units, as cells (columns in order), then the unit and
    its province; by province, then unit, in Vietnamese order."""
    rows = []
    ordered = sorted(reported(units), key=lambda u: (sort_key(province_short(u.unit.province_name)),
                                                     sort_key(u.unit.name)))
    for unit in ordered:
        record = unit.answers.get(field.id)
        if record is None or record.status != "answered" or not isinstance(record.value, list):
            continue
        for item in record.value:
            if isinstance(item, dict):
                cells = tuple(squash(nfc(format_plain(c, item.get(c.id)))) for c in field.fields)
                rows.append((*cells, unit.unit.name, unit.unit.province_name or NO_PROVINCE))
    return rows


def excerpt(text: str, limit: int) -> str:
    """The first sentences of ``text`` that fit in ``limit`` characters (cut at a word, with "…", if even the
    first one is longer).

    >>> excerpt("Ban hành 12 kế hoạch. Tổ chức 5 hội nghị. Khen thưởng 75 tập thể.", 45)
    'Ban hành 12 kế hoạch. Tổ chức 5 hội nghị.'
    >>> excerpt("một câu rất dài không có dấu chấm nào cả", 20)
    'một câu rất dài…'
    """
    flat = squash(nfc(text.replace("\n", " ")))
    if len(flat) <= limit:
        return flat
    out = ""
    for sentence in _SENTENCE_END.split(flat):
        if len(out) + len(sentence) + 1 > limit:
            break
        out = f"{out} {sentence}".strip()
    if out:
        return out
    cut = flat[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


@dataclass(frozen=True)
class TextDigest:
    """A text field's digest: a few units' excerpts, and how many other units wrote something there."""

    field: Field
    quotes: tuple[tuple[UnitStatus, str], ...]
    others: int


def text_fields(section: Section) -> Iterator[Field]:
    """The free-text fields printed under a section (its own, not its subsections')."""
    for child in section.children:
        if isinstance(child, Field) and child.type == "text" and child.render != "":
            yield child


def text_digest(field: Field, units: Sequence[UnitStatus], quotes: int, limit: int) -> TextDigest | None:
    """The ``quotes`` units that wrote the most on ``field``, each as a short excerpt; None when nobody wrote."""
    written = []
    for unit in reported(units):
        record = unit.answers.get(field.id)
        if record is not None and record.status == "answered" and str(record.value or "").strip():
            written.append((unit, str(record.value)))
    if not written:
        return None
    # The longest answers say the most; ties (and the printed order) go by unit name.
    chosen = sorted(written, key=lambda w: (-len(w[1]), sort_key(w[0].unit.name)))[:quotes]
    chosen.sort(key=lambda w: (sort_key(w[0].unit.name), sort_key(w[0].unit.province_name)))
    return TextDigest(field, tuple((u, excerpt(text, limit)) for u, text in chosen), len(written) - len(chosen))


def missing_by_province(units: Sequence[UnitStatus]) -> list[tuple[str, list[str]]]:
    """The units that have not reported, by province (both in Vietnamese order)."""
    groups: dict[str, list[str]] = {}
    for unit in units:
        if unit.status == "missing":
            groups.setdefault(unit.unit.province_name or NO_PROVINCE, []).append(unit.unit.name)
    return [(name, sorted(groups[name], key=sort_key))
            for name in sorted(groups, key=lambda n: sort_key(province_short(n)))]


__all__ = ["FigureTotal", "Tally", "TextDigest", "by_unit_name", "excerpt", "figure_totals", "group_rows",
           "missing_by_province", "province_rates", "province_short", "tallies", "text_digest", "text_fields"]
