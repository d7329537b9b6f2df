"""Template + answers + unit → a neutral document model that any writer (docx, docxtpl) lays out.

Everything about *what* the report says lives here, testable without python-docx; *how* it looks
(fonts, sizes, borders) lives in :mod:`exporters.nd30`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, time
from typing import Literal

from dialogs.answers import AnswerRecord
from dialogs.template.model import NUMERIC_TYPES, Field, Meta, Section, Template
from dialogs.vietnamese.format import format_date_long, format_date_short
from dialogs.vietnamese.text import fold, nfc, squash
from exporters.model import DocInfo, UnitInfo
from exporters.places import place_name
from exporters.render import (
    MISSING,
    PLACEHOLDER,
    field_label,
    field_name,
    figure_sentence,
    fill,
    filled_names,
    format_plain,
    format_value,
    has_value,
    placeholder_text,
    sentence,
    tidy,
)

HeadingStyle = Literal["roman", "arabic", "letter"]
_ROMAN = re.compile(r"^[IVXLC]+$")
_LETTER = re.compile(r"^[a-zđ]$")
_LINES = re.compile(r"\s*\n\s*")


@dataclass(frozen=True)
class Heading:
    """A numbered heading: "I." upper case bold, "1." bold, "a)" plain."""

    label: str
    title: str
    style: HeadingStyle
    level: int

    @property
    def text(self) -> str:
        """The heading as printed: ``I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO``."""
        title = self.title.upper() if self.style == "roman" else self.title
        return f"{self.label} {title}".strip()


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph; ``lead`` is printed bold before the text (a unit's name in a digest)."""

    text: str
    lead: str = ""


@dataclass(frozen=True)
class Table:
    """A bordered table (a repeated group's items): header labels and rows of formatted cells."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()
    #: Column widths in cm (empty: "TT" narrow, figures 3 cm, text columns share the rest).
    widths: tuple[float, ...] = ()


Block = Heading | Paragraph | Table


@dataclass(frozen=True)
class Letterhead:
    """The header block: parent body, issuing agency, number, place and date."""

    parent: str
    agency_lines: tuple[str, ...]
    number_line: str
    place_date: str


@dataclass(frozen=True)
class Properties:
    """The file's own metadata (File › Properties): never python-docx's defaults."""

    title: str
    author: str
    subject: str = ""
    created: datetime | None = None
    keywords: str = ""


@dataclass(frozen=True)
class ReportDocument:
    """A whole report, ready to lay out; ``draft`` holds the "DỰ THẢO" mark's lines (empty when final)."""

    letterhead: Letterhead
    kind: str
    subject: str
    recipients: tuple[str, ...]
    body: tuple[Block, ...]
    noi_nhan: tuple[str, ...]
    signer_lines: tuple[str, ...]
    signer_name: str
    draft: tuple[str, ...] = ()
    properties: Properties | None = None


#: The mark of a report not yet submitted, printed above the header.
DRAFT_MARK = "DỰ THẢO"
#: What the unit's kind reads as in ``{unit_kind}`` when the unit has none.
DEFAULT_KIND = "đơn vị"


def number_line(number: int | None, symbol: str) -> str:
    """``Số: 05/BC-UBND`` (leading zero under 10), or a blank number for the văn thư to fill in.

    >>> number_line(5, "BC-UBND"), number_line(123, "BC-UBND"), number_line(None, "BC-UBND")
    ('Số: 05/BC-UBND', 'Số: 123/BC-UBND', 'Số:       /BC-UBND')
    """
    return f"Số: {number:02d}/{symbol}" if number is not None else f"Số:       /{symbol}"


def noi_nhan_lines(items: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Recipients as NĐ 30 lists them: "- X;" each, the archive "- Lưu: VT, …." last.

    >>> noi_nhan_lines(["Sở GD&ĐT (b/c)", "Lưu: VT, VHXH", "Lãnh đạo UBND"])
    ('- Sở GD&ĐT (b/c);', '- Lãnh đạo UBND;', '- Lưu: VT, VHXH.')
    """
    clean = [squash(nfc(i)).lstrip("-–+• ").rstrip(";.,") for i in items]
    clean = [i for i in clean if i]
    archive = [i for i in clean if i.lower().startswith("lưu")] or ["Lưu: VT"]
    rest = [i for i in clean if not i.lower().startswith("lưu")]
    ordered = rest + archive[:1]
    return tuple(f"- {item}{'.' if n == len(ordered) - 1 else ';'}" for n, item in enumerate(ordered))


def end_mark(text: str) -> str:
    """Close the last paragraph of the content with "./." as NĐ 30 requires.

    >>> end_mark("tại cơ sở."), end_mark("tại cơ sở"), end_mark("như sau:"), end_mark("đã xong./.")
    ('tại cơ sở./.', 'tại cơ sở./.', 'như sau./.', 'đã xong./.')
    """
    text = text.rstrip()
    if text.endswith("./."):
        return text
    return text.rstrip(".;:,…") + "./."


def heading_for(section: Section, depth: int) -> Heading:
    """The heading of a section: its style follows its number ("IV", "2", "b"), else its depth."""
    raw = squash(section.number).rstrip(".)")
    style: HeadingStyle
    if _ROMAN.match(raw):
        style = "roman"
    elif raw[:1].isdigit():
        style = "arabic"
    elif _LETTER.match(raw):
        style = "letter"
    else:
        style = ("roman", "arabic", "letter")[min(depth, 2)]
    label = "" if not raw else f"{raw})" if style == "letter" else f"{raw}."
    return Heading(label, squash(nfc(section.title)), style, depth + 1)


class Renumbering:
    """Labels of sibling sections as printed: consecutive once a sibling with nothing to print is left out.

    The k-th printed section of a style ("1.", "a)", "I.") takes the k-th label the template gives that
    style among its siblings, so nothing changes when every section prints, and "1., 3." becomes "1., 2."
    when section 2 is dropped (a văn thư reads a gap in the numbering as a missing page).

    >>> siblings = [Section("1", "Một", "IV.1"), Section("2", "Hai", "IV.2"), Section("3", "Ba", "IV.3")]
    >>> numbering = Renumbering(siblings, 1)
    >>> [numbering.relabel([heading_for(s, 1)])[0].text for s in (siblings[0], siblings[2])]
    ['1. Một', '2. Ba']
    """

    def __init__(self, siblings: Iterable[Section | Field], depth: int) -> None:
        self._labels: dict[HeadingStyle, list[str]] = {}
        for sibling in siblings:
            if isinstance(sibling, Section):
                heading = heading_for(sibling, depth)
                if heading.label:
                    self._labels.setdefault(heading.style, []).append(heading.label)
        self._used: dict[HeadingStyle, int] = {}

    def relabel(self, blocks: list[Block]) -> list[Block]:
        """A printed section's blocks with its heading's label the next one of its style (as is if none)."""
        if not blocks or not isinstance(blocks[0], Heading) or not blocks[0].label:
            return blocks
        heading = blocks[0]
        labels = self._labels.get(heading.style, [])
        n = self._used.get(heading.style, 0)
        self._used[heading.style] = n + 1
        if n >= len(labels):
            return blocks
        return [replace(heading, label=labels[n]), *blocks[1:]]


def formatted_answers(template: Template, answers: Mapping[str, AnswerRecord]) -> dict[str, str]:
    """Every field's value as it reads in another sentence, by field id (for ``{other_field}``)."""
    return {field.id: placeholder_text(field, answers.get(field.id)) for field in template.fields()}


def unit_values(unit: UnitInfo) -> dict[str, str]:
    """``{unit}`` ("phường Lê Chân") and ``{unit_kind}`` ("phường") for render sentences and document texts."""
    return {"unit": unit.in_sentence, "unit_kind": unit.type_word or DEFAULT_KIND}


def draft_lines(doc: DocInfo) -> tuple[str, ...]:
    """The "DỰ THẢO" mark of a draft, dated: ``("DỰ THẢO", "(chưa nộp, bản ngày 06/8/2025)")``; () when final."""
    return (DRAFT_MARK, f"(chưa nộp, bản ngày {format_date_short(doc.issued_on)})") if doc.draft else ()


def place_date(place: str, doc: DocInfo) -> str:
    """The place and date line; a draft leaves the day blank for the văn thư, as the number is left blank.

    >>> from datetime import date
    >>> place_date("Kiến Thụy", DocInfo(None, date(2025, 8, 6)))
    'Kiến Thụy, ngày 06 tháng 8 năm 2025'
    >>> place_date("Kiến Thụy", DocInfo(None, date(2025, 8, 6), draft=True))
    'Kiến Thụy, ngày      tháng 8 năm 2025'
    """
    when = format_date_long(doc.issued_on)
    if doc.draft:
        when = f"ngày      tháng {doc.issued_on.month} năm {doc.issued_on.year}"
    return f"{place}, {when}"


def shows_kinh_gui(meta: Meta) -> bool:
    """Whether the document has a "Kính gửi" line: ``document.kinh_gui``, else all kinds but a báo cáo (NĐ 30)."""
    if meta.kinh_gui is not None:
        return meta.kinh_gui
    return fold(meta.kind) != "bao cao"


def field_blocks(field: Field, record: AnswerRecord | None, others: Mapping[str, str], *,
                 alone: bool = True) -> list[Block]:
    """The blocks one field contributes: prose paragraphs, a table for a group, or nothing."""
    if record is None or record.status == "skipped":
        # Optional and conditional fields simply do not appear; a required one shows the gap (a draft).
        if field.required and not field.when:
            return [Paragraph(f"{field_name(field)}: {MISSING}")]
        return []
    if field.type == "group" and record.status == "answered":
        return _group_blocks(field, record, others)
    return paragraphs(sentence(field, record, others, alone=alone))


def quoted_fields(template: Template, answers: Mapping[str, AnswerRecord], others: Mapping[str, str]) -> set[str]:
    """The fields whose value some printed sentence quotes (left-out optional parts do not count)."""
    texts = [template.meta.opening, template.meta.closing, *(s.intro for s in template.all_sections())]
    names = {n for text in texts for n in filled_names(text, others)}
    for field in template.fields():
        record = answers.get(field.id)
        if record is None or record.status == "skipped":
            continue
        pattern = field.render if record.status == "answered" else field.render_none
        if pattern:
            names |= filled_names(pattern, {**others, "value": "", "unit": ""})
    return names


def paragraphs(text: str) -> list[Block]:
    """One paragraph per non-empty line of ``text``."""
    return [Paragraph(line) for line in _LINES.split(text.strip()) if line]


def section_blocks(
    section: Section, answers: Mapping[str, AnswerRecord], others: Mapping[str, str], skip: frozenset[str],
    depth: int = 0, quoted: frozenset[str] | set[str] | None = None,
) -> list[Block]:
    """A section's heading, intro and children, depth first, in template order; nothing when it says nothing.

    A figure given but quoted by no printed sentence (its neighbours were "không có", or the sentence's own
    question was not asked) still reads as its own sentence: a value is never dropped.
    """
    if not section.in_report:
        return []
    content: list[Block] = paragraphs(tidy(fill(section.intro, others))) if section.intro else []
    own = [c for c in section.children if isinstance(c, Field) and c.id not in skip and c.render != ""]
    numbering = Renumbering(section.children, depth + 1)
    for child in section.children:
        if isinstance(child, Section):
            content += numbering.relabel(section_blocks(child, answers, others, skip, depth + 1, quoted))
            continue
        record = answers.get(child.id)
        if child.id not in skip:
            content += field_blocks(child, record, others, alone=len(own) <= 1)
        if (quoted is not None and child.type in NUMERIC_TYPES and has_value(record) and record is not None
                and child.id not in quoted and (child.render == "" or child.id in skip)):
            content.append(Paragraph(figure_sentence(child, format_value(child, record))))
    if not content and section.render_none:
        content = paragraphs(tidy(fill(section.render_none, others)))
    return [heading_for(section, depth), *content] if content else []


def absorbed_fields(template: Template) -> frozenset[str]:
    """Fields printed inside another text's sentence (``{so_ca_nhan}`` in a render) and without their own."""
    texts = [template.meta.opening, template.meta.closing]
    texts += [s.intro for s in template.all_sections()]
    fields = template.fields()
    texts += [t for f in fields for t in (f.render, f.render_none) if t]
    named = {m.group(1) for text in texts for m in PLACEHOLDER.finditer(text)}
    return frozenset(f.id for f in fields if f.id in named and f.render is None)


def compose_unit(
    template: Template, unit: UnitInfo, answers: Mapping[str, AnswerRecord], doc: DocInfo
) -> ReportDocument:
    """The whole per-unit report: header, title, Kính gửi, opening, sections, closing, Nơi nhận, signer."""
    meta = template.meta
    units = unit_values(unit)
    agency = fill(meta.agency, units)
    others = {**formatted_answers(template, answers), "agency": agency, **units,
              "request": meta.request, "request_about": meta.request_about}
    signer_field = meta.signer.name_field
    skip = absorbed_fields(template) | ({signer_field} if signer_field else set())
    quoted = quoted_fields(template, answers, others)
    body: list[Block] = []
    if meta.request or "{request}" not in meta.opening:
        body.append(Paragraph(squash(fill(meta.opening, others))))
    numbering = Renumbering(template.sections, 0)
    for section in template.sections:
        body += numbering.relabel(section_blocks(section, answers, others, skip, quoted=quoted))
    body += paragraphs(fill(meta.closing, others))
    name_record = answers.get(signer_field) if signer_field else None
    letterhead = Letterhead(
        parent=fill(meta.parent_agency, {"province": unit.province_name, "unit": unit.in_sentence}).upper(),
        agency_lines=agency_lines(meta.agency, unit),
        number_line=number_line(doc.number, meta.symbol),
        place_date=place_date(doc.place or place_name(unit), doc),
    )
    subject = squash(nfc(meta.subject))
    properties = Properties(
        title=f"{meta.kind[:1].upper()}{meta.kind[1:].lower()} {subject[:1].lower()}{subject[1:]}"
              + (f" ({DRAFT_MARK.lower()})" if doc.draft else ""),
        author=squash(agency[:1].upper() + agency[1:]), subject=squash(nfc(meta.title)),
        created=datetime.combine(doc.issued_on, time()), keywords=unit.name,
    )
    return ReportDocument(
        letterhead=letterhead,
        kind=meta.kind.upper(),
        subject=subject,
        recipients=tuple(squash(nfc(r)) for r in meta.recipients) if shows_kinh_gui(meta) else (),
        body=close_body(body),
        noi_nhan=noi_nhan_lines(list(meta.noi_nhan)),
        signer_lines=signer_lines(meta.signer.authority, meta.signer.deputy, meta.signer.position),
        signer_name=str(name_record.value) if name_record and name_record.status == "answered" else "",
        draft=draft_lines(doc),
        properties=properties,
    )


def agency_lines(agency: str, unit: UnitInfo) -> tuple[str, ...]:
    """The issuing agency in the header, upper case: ``("ỦY BAN NHÂN DÂN", "XÃ KHÚC THỪA DỤ")``."""
    before, marker, after = agency.partition("{unit}")
    if not marker:
        return (squash(agency).upper(),)
    lines = (squash(before), squash(unit.in_sentence + after))
    return tuple(line.upper() for line in lines if line)


def signer_lines(*lines: str) -> tuple[str, ...]:
    """The signature block's title lines, upper case, empty ones dropped."""
    return tuple(squash(nfc(line)).upper() for line in lines if line and line.strip())


def close_body(body: list[Block]) -> tuple[Block, ...]:
    """The body with "./." after its last paragraph (a paragraph is added after a closing table)."""
    if body and isinstance(body[-1], Paragraph):
        last = body[-1]
        return (*body[:-1], Paragraph(end_mark(last.text), last.lead))
    return (*body, Paragraph("./."))


def _group_blocks(field: Field, record: AnswerRecord, others: Mapping[str, str]) -> list[Block]:
    items = list(record.value or [])
    columns = field.fields
    column_ids = {c.id for c in columns}
    per_item = field.render is not None and any(m.group(1) in column_ids for m in PLACEHOLDER.finditer(field.render))
    if per_item and field.render:
        # A render naming the columns ("- {ho_ten}, {chuc_vu}: {thanh_tich}") is one sentence per item.
        blocks: list[Block] = []
        for item in items:
            cells = {c.id: format_plain(c, item.get(c.id)) for c in columns}
            blocks += paragraphs(fill(field.render, {**others, **cells}))
        return blocks
    blocks = paragraphs(fill(field.render, {**others, "value": format_plain(field, items)})) if field.render else []
    if not items:
        return blocks
    rows = tuple(
        (str(n), *(format_plain(col, item.get(col.id)) for col in columns)) for n, item in enumerate(items, 1)
    )
    numeric = (True, *(col.type in ("integer", "decimal", "percent", "money") for col in columns))
    blocks.append(Table(("TT", *(field_label(c) for c in columns)), rows, numeric))
    return blocks
