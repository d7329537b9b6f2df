"""What the department's compiled report says: the reporting rate, every figure per unit, a digest, who is missing.

Pure: the docx writer (:mod:`exporters.docx_compiled`) and the .xlsx writer lay these values out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from dialogs.answers import AnswerRecord
from dialogs.template.model import NUMERIC_TYPES, Field, Section, Template
from dialogs.vietnamese.diacritics import lacks_diacritics
from dialogs.vietnamese.format import (
    format_date_long,
    format_date_short,
    format_deadline,
    format_number,
    format_percent,
    roman,
)
from dialogs.vietnamese.text import nfc, squash
from exporters.compiled_parts import (
    by_unit_name,
    excerpt,
    figure_totals,
    group_rows,
    missing_by_province,
    province_rates,
    province_short,
    tallies,
    text_digest,
    text_fields,
)
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
from exporters.nd30 import TEXT_W_CM
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
    """The compiled report's content: the main report a director reads (bounded), and its annex (every unit's
    full text and every nominee)."""

    letterhead: Letterhead
    kind: str
    subject: str
    rate: Rate
    body: tuple[Block, ...]
    noi_nhan: tuple[str, ...]
    signer_lines: tuple[str, ...]
    signer_name: str
    annex: tuple[Block, ...] = ()


#: Excerpts quoted per text field in the main report, and their length; the rest is in the annex.
QUOTES_PER_FIELD, QUOTE_CHARS = 4, 320
#: Rows of a repeated group (the nominees) in the main report; all of them are in the annex and the .xlsx.
GROUP_ROWS_MAIN = 30
#: A group's long text cells are cut to this in the main report.
GROUP_CELL_CHARS = 120


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _as_date(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _by(deadline: date, at: time | None) -> str:
    """The deadline after "đến"/"hạn gửi": «ngày 20/8/2025», or «17:00 ngày 20/8/2025» with its time."""
    return f"ngày {format_date_short(deadline)}" if at is None else format_deadline(deadline, at)


def rate_paragraphs(rate: Rate, deadline: date, at: time | None = None) -> tuple[Paragraph, ...]:
    """Section I in words: expected, reported with the rate, on time with its rate, late, missing."""
    n = format_number
    return (
        Paragraph(f"Số đơn vị được giao báo cáo: {n(rate.expected)} đơn vị."),
        Paragraph(f"Số đơn vị đã gửi báo cáo: {n(rate.reported)} đơn vị, đạt tỷ lệ {format_percent(rate.rate_pct)}."),
        Paragraph(f"Số đơn vị gửi đúng hạn (đến {_by(deadline, at)}): {n(rate.on_time)} đơn vị, "
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


def _province(name: str) -> str:
    return province_short(name)


def _leads(units: Sequence[UnitStatus]) -> dict[int, str]:
    """Each unit as a quote's lead (by ``id``): with its province when the campaign spans several (five «Xã Bình
    Minh» must be told apart), its name alone otherwise."""
    several = len({u.unit.province_name for u in units}) > 1
    return {id(u): f"{u.unit.name} ({_province(u.unit.province_name)})" if several and u.unit.province_name
            else u.unit.name for u in units}


def _short(fld: Field) -> str:
    """A field as a heading or a column: its short name, else its prompt as a label."""
    return fld.short or field_label(fld)


def _pct(n: int, of: int) -> str:
    return format_number(round(100.0 * n / of, 1)) if of else "—"


def rates_blocks(units: Sequence[UnitStatus], rate: Rate, deadline: date, at: time | None = None) -> list[Block]:
    """Section I: the rates in words, then per province when there are several."""
    out: list[Block] = list(rate_paragraphs(rate, deadline, at))
    provinces = province_rates(units)
    if len(provinces) < 2:
        return out
    n = format_number
    rows = tuple((str(i), _province(name), n(r.expected), n(r.reported), _pct(r.reported, r.expected), n(r.on_time),
                  n(r.late), n(r.missing)) for i, (name, r) in enumerate(provinces, 1))
    total = ("", "Cả nước", n(rate.expected), n(rate.reported), _pct(rate.reported, rate.expected), n(rate.on_time),
             n(rate.late), n(rate.missing))
    out.append(Paragraph("Theo từng tỉnh, thành phố:"))
    out.append(Table(("TT", "Tỉnh, thành phố", "Được giao", "Đã gửi", "Tỷ lệ (%)", "Đúng hạn", "Muộn", "Chưa gửi"),
                     (*rows, total), (True, False, *([True] * 6)), widths=(1.0, 4.3, 1.9, 1.8, 1.7, 1.9, 1.6, 2.3)))
    return out


def figures_blocks(template: Template, units: Sequence[UnitStatus]) -> list[Block]:
    """Section II.1: each figure's total over the units that gave it; approximate figures and no data counted."""
    found = figure_totals(template, units)
    if not found:
        return []
    rows = []
    names = figure_headers([f.field for f in found])
    for i, (f, name) in enumerate(zip(found, names, strict=True), 1):
        if f.total is None:
            total = "—"
        else:
            total = format_number(f.total) + (" (*)" if f.approximate else "")
        rows.append((str(i), name, total, format_number(f.given), format_number(f.approximate),
                     format_number(f.no_data)))
    out: list[Block] = [Heading("1.", "Số liệu", "arabic", 2),
                        Table(("TT", "Chỉ tiêu", "Tổng cộng", "Số đơn vị có số liệu", "Trong đó số ước tính",
                               "Không có số liệu"), tuple(rows), (True, False, True, True, True, True),
                              widths=(1.0, 6.0, 3.3, 2.1, 2.0, 2.1))]
    notes = ["Tổng cộng chỉ cộng số liệu các đơn vị đã báo cáo; đơn vị trả lời “không có” hoặc chưa có số liệu "
             "được đếm riêng ở cột cuối, không tính là 0."]
    if any(f.approximate for f in found):
        notes.append("(*) Tổng có số ước tính của đơn vị (“hơn”, “trên”, “khoảng”): số thực tế có thể lớn hơn.")
    out += [Paragraph(note) for note in notes]
    return out


def tally_blocks(template: Template, units: Sequence[UnitStatus], number: int) -> list[Block]:
    """Section II.2: every choice and yes/no field, option by option, as a share of the units that answered."""
    found = tallies(template, units)
    if not found:
        return []
    out: list[Block] = [Heading(f"{number}.", "Các nội dung lựa chọn", "arabic", 2)]
    for letter, tally in zip("abcdeghiklmnopqrstuvxy", found, strict=False):
        out.append(Heading(f"{letter})", f"{_short(tally.field)} ({format_number(tally.answered)} đơn vị trả lời"
                           + (f", {format_number(tally.none)} đơn vị trả lời “không có”" if tally.none else "") + ")",
                           "letter", 3))
        rows = tuple((str(i), label, format_number(count), _pct(count, tally.answered))
                     for i, (label, count) in enumerate(tally.counts, 1))
        out.append(Table(("TT", "Nội dung", "Số đơn vị", "Tỷ lệ (%)"), rows, (True, False, True, True),
                         widths=(1.0, 10.5, 2.5, 2.5)))
    return out


def _section_label(path: Sequence[int]) -> str:
    return ".".join(str(n) for n in path) + "."


def digest_section_blocks(section: Section, units: Sequence[UnitStatus], path: tuple[int, ...],
                          leads: Mapping[int, str]) -> list[Block]:
    """Section III for one template section: a few units' excerpts per text field, the rest counted."""
    content: list[Block] = []
    fields = list(text_fields(section))
    for fld in fields:
        digest = text_digest(fld, units, QUOTES_PER_FIELD, QUOTE_CHARS)
        if digest is None:
            continue
        if len(fields) > 1:
            content.append(Paragraph(field_name(fld) + ":"))
        for unit, quote in digest.quotes:
            lead = leads[id(unit)]
            if without_diacritics(unit.answers.get(fld.id)):
                lead = f"{lead} ({UNMARKED})"
            content.append(Paragraph(quote, lead + ": "))
        if digest.others:
            content.append(Paragraph(f"Ngoài ra còn {format_number(digest.others)} đơn vị khác báo cáo nội dung này "
                                     "(toàn văn tại Phụ lục)."))
    n = 0
    for child in section.children:
        if isinstance(child, Section) and child.in_report:
            inner = digest_section_blocks(child, units, (*path, n + 1), leads)
            if inner:
                n += 1
                content += inner
    if not content:
        return []
    level = 2 if len(path) == 1 else 3
    return [Heading(_section_label(path), squash(nfc(section.title)), "arabic", level), *content]


def digest_blocks(template: Template, units: Sequence[UnitStatus]) -> list[Block]:
    """Section III: the digest of every text section, numbered 1., 1.1. (never I. again inside section III);
    first, which units still have text without diacritics (each such quote says so)."""
    out: list[Block] = []
    unmarked = unmarked_units(units)
    if unmarked:
        out.append(Paragraph(f"Ghi chú: nội dung của {format_number(len(unmarked))} đơn vị còn viết không dấu, chưa "
                             f"được đơn vị chỉnh sửa ({UNMARKED}): {', '.join(unmarked)}."))
    n = 0
    leads = _leads(units)
    for section in (s for s in template.sections if s.in_report):
        blocks = digest_section_blocks(section, units, (n + 1,), leads)
        if blocks:
            n += 1
            out += blocks
    return out


def group_fields(template: Template) -> list[Field]:
    """The repeated groups of a template (the nominees of section IV.3)."""
    return [f for f in template.fields() if f.type == "group"]


def group_blocks(fld: Field, units: Sequence[UnitStatus], limit: int | None) -> list[Block]:
    """A repeated group over every reporting unit as one table (at most ``limit`` rows, cells cut short)."""
    rows = group_rows(fld, units)
    if not rows:
        return [Paragraph("Chưa có đơn vị nào giới thiệu.")]
    shown = rows if limit is None else rows[:limit]
    cut = (lambda text: text) if limit is None else (lambda text: excerpt(text, GROUP_CELL_CHARS))
    cells = tuple((str(i), *(cut(c) for c in row[:-2]), f"{row[-2]} ({_province(row[-1])})")
                  for i, row in enumerate(shown, 1))
    columns = ("TT", *(_short(c) for c in fld.fields), "Đơn vị giới thiệu")
    numeric = (True, *(c.type in NUMERIC_TYPES for c in fld.fields), False)
    out: list[Block] = [Paragraph(f"Tổng số: {format_number(len(rows))} người, do "
                                  f"{format_number(len({(r[-2], r[-1]) for r in rows}))} đơn vị giới thiệu.")]
    # Long texts (an achievement) get a wider column, a choice (pupil or teacher) a narrow one.
    weights = [2.2 if (c.max_length or 0) > 500 else 0.8 if c.type in ("choice", "yesno") else 1.0 for c in fld.fields]
    share = (TEXT_W_CM - 1.0 - 3.0) / sum(weights)
    out.append(Table(columns, cells, numeric, widths=(1.0, *(w * share for w in weights), 3.0)))
    if len(rows) > len(shown):
        out.append(Paragraph(f"Danh sách trên gồm {format_number(len(shown))} người đầu tiên theo thứ tự tỉnh, "
                             f"thành phố và tên đơn vị; danh sách đầy đủ {format_number(len(rows))} người tại Phụ lục "
                             "và bảng tính .xlsx."))
    return out


def missing_blocks(units: Sequence[UnitStatus]) -> list[Block]:
    """The units that have not reported, one paragraph per province."""
    found = missing_by_province(units)
    if not found:
        return [Paragraph("Tất cả các đơn vị đã gửi báo cáo.")]
    return [Paragraph(", ".join(names) + ".", f"{_province(province)} ({format_number(len(names))} đơn vị): ")
            for province, names in found]


def _numbered(parts: Sequence[tuple[str, list[Block]]]) -> list[Block]:
    out: list[Block] = []
    n = 0
    for title, blocks in parts:
        if blocks:
            n += 1
            out += [Heading(f"{roman(n)}.", title, "roman", 1), *blocks]
    return out


def annex_blocks(template: Template, units: Sequence[UnitStatus]) -> tuple[Block, ...]:
    """The annex: every reporting unit's full answers, section by section, then every group's full table."""
    parts: list[tuple[str, list[Block]]] = [("Toàn văn nội dung báo cáo của các đơn vị",
                                             list(full_text_blocks(template, units)))]
    for fld in group_fields(template):
        parts.append((_short(fld), group_blocks(fld, units, None)))
    return tuple(_numbered(parts))


def compose_compiled(template: Template, campaign: CampaignInfo, units: Sequence[UnitStatus], *,
                     issued_on: date) -> CompiledReport:
    """The compiled report of a campaign over every invited unit: what a director reads, bounded in length."""
    units = by_unit_name(units)
    rate = reporting_rate(units)
    deadline = _as_date(campaign.deadline)
    department = agency_in_sentence(campaign.department)
    letterhead = Letterhead(
        parent=squash(nfc(campaign.department_parent)).upper(),
        agency_lines=(department.upper(),),
        number_line=number_line(None, campaign.symbol or department_symbol(department)),
        place_date=f"{campaign.place or department_place(campaign.department_parent)}, "
                   f"{format_date_long(issued_on)}",
    )
    opening = Paragraph(
        f"Căn cứ báo cáo của các đơn vị về {_lower_first(squash(nfc(campaign.title)))}, hạn gửi "
        f"{_by(deadline, campaign.deadline_time)}, {department} tổng hợp kết quả như sau:"
    )
    figures = figures_blocks(template, units)
    tally = tally_blocks(template, units, 2 if figures else 1)
    groups: list[Block] = []
    for fld in group_fields(template):
        groups += [Heading("", _short(fld), "arabic", 2)] if len(group_fields(template)) > 1 else []
        groups += group_blocks(fld, units, GROUP_ROWS_MAIN)
    body = [opening, *_numbered([
        ("Tình hình gửi báo cáo", rates_blocks(units, rate, deadline, campaign.deadline_time)),
        ("Tổng hợp số liệu", figures + tally),
        ("Tổng hợp nội dung báo cáo của các đơn vị", digest_blocks(template, units)),
        ("Các điển hình tiên tiến được giới thiệu", groups),
        ("Danh sách đơn vị chưa gửi báo cáo", missing_blocks(units)),
    ]), Paragraph(closing_text())]
    return CompiledReport(
        letterhead=letterhead,
        kind="BÁO CÁO",
        subject="Tổng hợp báo cáo " + _lower_first(squash(nfc(template.meta.subject))),
        rate=rate,
        body=tuple(body),
        noi_nhan=noi_nhan_lines(list(campaign.noi_nhan)),
        signer_lines=signer_lines(*campaign.signer_lines),
        signer_name=campaign.signer_name,
        annex=annex_blocks(template, units),
    )


def full_text_blocks(template: Template, units: Sequence[UnitStatus]) -> Iterator[Block]:
    """Per section, each reporting unit's answer quoted under its name and province (figures are in the tables)."""
    skip = absorbed_fields(template) | {f.id for f in figure_fields(template)} | {f.id for f in group_fields(template)}
    if template.meta.signer.name_field:
        skip |= {template.meta.signer.name_field}
    done = [u for u in units if u.status != "missing"]
    others = [{**formatted_answers(template, u.answers), **unit_values(u.unit)} for u in done]
    leads = _leads(units)
    n = 0
    for section in template.sections:
        blocks = list(_full_section(section, done, others, skip, (n + 1,), leads))
        if blocks:
            n += 1
            yield from blocks


def _full_section(section: Section, units: Sequence[UnitStatus], others: Sequence[Mapping[str, str]],
                  skip: frozenset[str], path: tuple[int, ...], leads: Mapping[int, str]) -> Iterator[Block]:
    """A section's full text; a heading or a field's label only when something is quoted under it."""
    if not section.in_report:
        return
    content: list[Block] = []
    fields = [c for c in section.children if isinstance(c, Field) and c.id not in skip and c.render != ""]
    n = 0
    for child in section.children:
        if isinstance(child, Section):
            inner = list(_full_section(child, units, others, skip, (*path, n + 1), leads))
            if inner:
                n += 1
                content += inner
        elif child.id not in skip:
            quoted = list(_full_field(child, units, others, leads, alone=len(fields) <= 1))
            if quoted and len(fields) > 1:
                content.append(Paragraph(field_name(child) + ":"))
            content += quoted
    if content:
        yield Heading(_section_label(path), squash(nfc(section.title)), "arabic", min(len(path) + 1, 3))
        yield from content


def _full_field(field: Field, units: Sequence[UnitStatus], others: Sequence[Mapping[str, str]],
                leads: Mapping[int, str], *,
                alone: bool) -> Iterator[Block]:
    """Each unit's text for one field under the unit's name; units with nothing to print are left out."""
    for unit, formatted in zip(units, others, strict=True):
        record = unit.answers.get(field.id)
        if record is None or record.status == "skipped":
            continue
        blocks = field_blocks(field, record, formatted, alone=alone)
        blocks = [b for b in blocks if not isinstance(b, Paragraph) or b.text.strip()]
        if not blocks:
            continue
        lead = leads[id(unit)]
        if isinstance(blocks[0], Paragraph):
            yield Paragraph(blocks[0].text, lead + ": ")
            yield from blocks[1:]
        else:
            yield Paragraph("", lead + ":")
            yield from blocks


def closing_text() -> str:
    """The last sentence of the compiled report, closed with "./."."""
    return end_mark("Trên đây là báo cáo tổng hợp kết quả của các đơn vị")


__all__ = ["CompiledReport", "Table", "compose_compiled", "figure_cell", "figure_fields", "totals"]
