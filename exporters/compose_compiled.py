"""What the department's compiled report says: the reporting rate, every figure per unit, a digest, who is missing.

Pure: the docx writer (:mod:`exporters.docx_compiled`) and the .xlsx writer lay these values out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from dialogs.answers import AnswerRecord
from dialogs.template.model import NUMERIC_TYPES, Field, Section, Template
from dialogs.vietnamese.diacritics import lacks_diacritics
from dialogs.vietnamese.format import format_date_long, format_date_short, format_number, format_percent
from dialogs.vietnamese.text import nfc, squash
from exporters.compose import (
    Block,
    Heading,
    Letterhead,
    Paragraph,
    Table,
    absorbed_fields,
    end_mark,
    field_blocks,
    formatted_answers,
    noi_nhan_lines,
    number_line,
    signer_lines,
    unit_values,
)
from exporters.model import CampaignInfo, UnitStatus
from exporters.places import department_place
from exporters.rate import Rate, reporting_rate
from exporters.render import DEFAULT_QUALIFIER, field_label, field_name

STATUS_LABELS = {"on_time": "Đúng hạn", "late": "Muộn", "missing": "Chưa gửi"}
_SMALL_WORDS = frozenset({"và"})
#: How the digest marks a unit's text still typed without diacritics.
UNMARKED = "chưa có dấu"


def figure_fields(template: Template) -> list[Field]:
    """The figures of a template: every top-level numeric field, in asking order."""
    return [f for f in template.fields() if f.type in NUMERIC_TYPES]


def _short_header(field: Field) -> str:
    label = field.short  # the template's own short name for the field
    if label:
        return label
    if field.type == "money":
        return "Số tiền (đồng)"
    if field.type == "percent":
        return "Tỷ lệ (%)"
    return f"Số {field.unit}" if field.unit else ""


def figure_headers(fields: Sequence[Field]) -> list[str]:
    """Column headers for the figures: short ("Số tập thể", "Số tiền (đồng)") unless two would read the same.

    Prompts are questions ("Hằng năm, xã … bao nhiêu tập thể?"), too long for a column; the unit word says it.
    """
    short = [_short_header(f) for f in fields]
    return [s if s and short.count(s) == 1 else figure_header(f) for s, f in zip(short, fields, strict=True)]


def figure_header(field: Field) -> str:
    """A figure column's long header: its prompt as a label, with the unit of money."""
    return field_label(field) + (" (đồng)" if field.type == "money" else "")


def figure_cell(field: Field, record: AnswerRecord | None) -> str:
    """A figure as a table cell: ``570.000.000``, ``hơn 650``, ``85,5%``; no data ("không có", no answer) is blank."""
    if record is None or record.status != "answered":
        return ""
    value = record.value
    text = format_percent(value) if field.type == "percent" else format_number(value)
    return f"{record.qualifier or DEFAULT_QUALIFIER} {text}" if record.approximate else text


def figure_value(record: AnswerRecord | None) -> float | int | None:
    """The number a record contributes to totals: None when there is no data ("không có" is not zero)."""
    if record is None or record.status != "answered":
        return None
    return record.value if isinstance(record.value, (int, float)) and not isinstance(record.value, bool) else None


def totals(fields: Sequence[Field], units: Sequence[UnitStatus]) -> list[float | int | None]:
    """Column totals of the figures over the units with data (None for percentages, and with no data at all)."""
    out: list[float | int | None] = []
    for field in fields:
        if field.type == "percent":
            out.append(None)
            continue
        values = [v for v in (figure_value(u.answers.get(field.id)) for u in units) if v is not None]
        out.append(sum(values) if values else None)
    return out


def without_data(fields: Sequence[Field], units: Sequence[UnitStatus]) -> list[int]:
    """Per figure, how many units that reported gave no data for it (left out of the totals)."""
    reported = [u for u in units if u.status != "missing"]
    return [sum(figure_value(u.answers.get(f.id)) is None for u in reported) for f in fields]


def figures_note(fields: Sequence[Field], units: Sequence[UnitStatus]) -> str:
    """The note under the figures: what "hơn"/"khoảng" mean, and which blanks are units without data."""
    notes = []
    if any(r.status == "answered" and r.approximate for u in units for r in u.answers.values()):
        notes.append("số liệu có chữ “hơn”, “trên”, “khoảng” là số ước tính của đơn vị; tổng cộng cộng các số "
                     "đã báo cáo")
    counts = [(field, n) for field, n in zip(fields, without_data(fields, units), strict=True) if n]
    if counts:
        listed = "; ".join(f"{field_name(f)}: {format_number(n)} đơn vị" for f, n in counts)
        notes.append(f"ô để trống là đơn vị chưa có số liệu, không tính vào tổng cộng ({listed})")
    if not notes:
        return ""
    return "Ghi chú: " + "; ".join(notes) + "."


def agency_in_sentence(name: str) -> str:
    """An agency name written in capitals, as it reads inside a sentence (Phụ lục II: each field capitalised).

    >>> agency_in_sentence("SỞ GIÁO DỤC VÀ ĐÀO TẠO"), agency_in_sentence("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH")
    ('Sở Giáo dục và Đào tạo', 'Sở Văn hóa, Thể thao và Du lịch')
    >>> agency_in_sentence("Sở Y tế")
    'Sở Y tế'
    """
    text = squash(nfc(name))
    if not text.isupper():
        return text
    kind, _, rest = text.partition(" ")
    parts = re.split(r"(,\s*|\s+VÀ\s+)", rest)
    fields = [p.lower() if i % 2 else p[:1] + p[1:].lower() for i, p in enumerate(parts)]
    return " ".join(w for w in (kind[:1] + kind[1:].lower(), "".join(fields)) if w)


def department_symbol(department: str) -> str:
    """The department's abbreviation after "BC-": "Sở Giáo dục và Đào tạo" → "BC-SGDĐT".

    >>> department_symbol("Sở Giáo dục và Đào tạo")
    'BC-SGDĐT'
    """
    words = [w for w in re.split(r"[\s,&]+", squash(nfc(department))) if w and w.lower() not in _SMALL_WORDS]
    return "BC-" + "".join(w[0].upper() for w in words)


@dataclass(frozen=True)
class CompiledReport:
    """The compiled report's content."""

    letterhead: Letterhead
    kind: str
    subject: str
    rate: Rate
    opening: Paragraph
    rate_paragraphs: tuple[Paragraph, ...]
    figure_columns: tuple[str, ...]
    #: The field type of each figure column ("integer", "money", …), for widths and number formats.
    figure_kinds: tuple[str, ...]
    figure_rows: tuple[tuple[str, ...], ...]
    figure_footer: tuple[str, ...]
    figure_note: str
    digest: tuple[Block, ...]
    missing: tuple[tuple[str, ...], ...]
    noi_nhan: tuple[str, ...]
    signer_lines: tuple[str, ...]
    signer_name: str


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _as_date(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def rate_paragraphs(rate: Rate, deadline: date) -> tuple[Paragraph, ...]:
    """Section I in words: expected, reported with the rate, on time with its rate, late, missing."""
    n = format_number
    return (
        Paragraph(f"Số đơn vị được giao báo cáo: {n(rate.expected)} đơn vị."),
        Paragraph(f"Số đơn vị đã gửi báo cáo: {n(rate.reported)} đơn vị, đạt tỷ lệ {format_percent(rate.rate_pct)}."),
        Paragraph(f"Số đơn vị gửi đúng hạn (đến ngày {format_date_short(deadline)}): {n(rate.on_time)} đơn vị, "
                  f"đạt tỷ lệ {format_percent(rate.on_time_pct)}; gửi muộn: {n(rate.late)} đơn vị."),
        Paragraph(f"Số đơn vị chưa gửi báo cáo: {n(rate.missing)} đơn vị."),
    )


def without_diacritics(record: AnswerRecord | None) -> bool:
    """Whether an answer's text (or a text of its records) is still typed without diacritics."""
    if record is None or record.status != "answered":
        return False
    value = record.value
    if isinstance(value, str):
        texts = [value]
    elif isinstance(value, list):  # a group's records
        texts = [v for item in value if isinstance(item, Mapping) for v in item.values() if isinstance(v, str)]
    else:
        return False
    return record.field_type in ("text", "group") and any(lacks_diacritics(t) for t in texts)


def unmarked_units(units: Sequence[UnitStatus]) -> list[str]:
    """The reporting units with some text still typed without diacritics."""
    return [u.unit.name for u in units if u.status != "missing" and any(map(without_diacritics, u.answers.values()))]


def digest_blocks(template: Template, units: Sequence[UnitStatus]) -> Iterator[Block]:
    """Per section, each reporting unit's answer quoted under its name (figures are in the table instead);
    first, which units still have text without diacritics (each such quote says so)."""
    skip = absorbed_fields(template) | {f.id for f in figure_fields(template)}
    if template.meta.signer.name_field:
        skip |= {template.meta.signer.name_field}
    reported = [u for u in units if u.status != "missing"]
    others = [{**formatted_answers(template, u.answers), **unit_values(u.unit)} for u in reported]
    unmarked = unmarked_units(reported)
    if unmarked:
        yield Paragraph(f"Ghi chú: nội dung của {format_number(len(unmarked))} đơn vị còn viết không dấu, chưa "
                        f"được đơn vị chỉnh sửa ({UNMARKED}): {', '.join(unmarked)}.")
    for section in template.sections:
        yield from _digest_section(section, reported, others, skip, 0)


def _has_digest(section: Section, skip: frozenset[str]) -> bool:
    return section.in_report and any(f.id not in skip for f in section.fields())


def _digest_section(section: Section, units: Sequence[UnitStatus], others: Sequence[Mapping[str, str]],
                    skip: frozenset[str], depth: int) -> Iterator[Block]:
    """A section's digest; a heading or a field's label only when something is quoted under it."""
    if not _has_digest(section, skip):
        return
    title = squash(nfc(section.title))
    content: list[Block] = []
    fields = [c for c in section.children if isinstance(c, Field) and c.id not in skip and c.render != ""]
    for child in section.children:
        if isinstance(child, Section):
            content += _digest_section(child, units, others, skip, depth + 1)
        elif child.id not in skip:
            quoted = list(_digest_field(child, units, others, alone=len(fields) <= 1))
            if quoted and len(fields) > 1:
                content.append(Paragraph(field_name(child) + ":"))
            content += quoted
    if content:
        yield Heading(f"{section.path}." if section.path else "", title, "arabic" if depth == 0 else "letter",
                      min(depth + 2, 3))
        yield from content


def _digest_field(field: Field, units: Sequence[UnitStatus], others: Sequence[Mapping[str, str]], *,
                  alone: bool) -> Iterator[Block]:
    """Each unit's text for one field under the unit's name; units with nothing to print are left out."""
    for unit, formatted in zip(units, others, strict=True):
        record = unit.answers.get(field.id)
        if record is None or record.status == "skipped":
            continue
        blocks = field_blocks(field, record, formatted, alone=alone)
        if not blocks:
            continue
        lead = f"{unit.unit.name} ({UNMARKED}): " if without_diacritics(record) else f"{unit.unit.name}: "
        if isinstance(blocks[0], Paragraph):
            yield Paragraph(blocks[0].text, lead)
            yield from blocks[1:]
        else:
            yield Paragraph("", lead)
            yield from blocks


def compose_compiled(template: Template, campaign: CampaignInfo, units: Sequence[UnitStatus], *,
                     issued_on: date) -> CompiledReport:
    """The compiled report of a campaign over every invited unit."""
    rate = reporting_rate(units)
    deadline = _as_date(campaign.deadline)
    fields = figure_fields(template)
    rows = tuple(
        (str(n), u.unit.name, STATUS_LABELS[u.status], *(figure_cell(f, u.answers.get(f.id)) for f in fields))
        for n, u in enumerate(units, 1)
    )
    sums = totals(fields, units)
    footer = ("", "Tổng cộng", f"{format_number(rate.reported)}/{format_number(rate.expected)}",
              *("" if s is None else format_number(s) for s in sums))
    note = figures_note(fields, units)
    department = agency_in_sentence(campaign.department)
    letterhead = Letterhead(
        parent=squash(nfc(campaign.department_parent)).upper(),
        agency_lines=(department.upper(),),
        number_line=number_line(None, campaign.symbol or department_symbol(department)),
        place_date=f"{campaign.place or department_place(campaign.department_parent)}, "
                   f"{format_date_long(issued_on)}",
    )
    opening = Paragraph(
        f"Căn cứ báo cáo của các đơn vị về {_lower_first(squash(nfc(campaign.title)))}, hạn gửi ngày "
        f"{format_date_short(deadline)}, {department} tổng hợp kết quả như sau:"
    )
    missing = tuple((str(n), u.unit.name, u.unit.province_name)
                    for n, u in enumerate((u for u in units if u.status == "missing"), 1))
    return CompiledReport(
        letterhead=letterhead,
        kind="BÁO CÁO",
        subject="Tổng hợp báo cáo " + _lower_first(squash(nfc(template.meta.subject))),
        rate=rate,
        opening=opening,
        rate_paragraphs=rate_paragraphs(rate, deadline),
        figure_columns=("TT", "Đơn vị", "Tình trạng", *figure_headers(fields)),
        figure_kinds=tuple(f.type for f in fields),
        figure_rows=rows,
        figure_footer=footer,
        figure_note=note,
        digest=tuple(digest_blocks(template, units)),
        missing=missing,
        noi_nhan=noi_nhan_lines(list(campaign.noi_nhan)),
        signer_lines=signer_lines(*campaign.signer_lines),
        signer_name=campaign.signer_name,
    )


def closing_text() -> str:
    """The last sentence of the compiled report, closed with "./."."""
    return end_mark("Trên đây là báo cáo tổng hợp kết quả của các đơn vị")


__all__ = ["CompiledReport", "Table", "compose_compiled", "figure_cell", "figure_fields", "totals"]
