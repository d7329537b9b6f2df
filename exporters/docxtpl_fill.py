"""Fill a department-supplied Word template (docxtpl / Jinja tags) instead of the built-in layout.

The context offers the composed report (the same words as the built-in .docx) and every answer:

- ``unit.name``, ``unit.bare_name``, ``unit.in_sentence``, ``unit.code``, ``unit.province``
- ``doc.number`` ("05" or ""), ``doc.number_line`` ("Số: 05/BC-UBND"), ``doc.place``, ``doc.date``
  ("ngày 06 tháng 8 năm 2025"), ``doc.place_date``, ``doc.draft`` (not submitted yet), ``doc.draft_mark``
  ("DỰ THẢO (chưa nộp, bản ngày 06/8/2025)", "" when final)
- ``parent``, ``agency_lines`` (list), ``agency_1``, ``agency_2``, ``kind``, ``subject``, ``recipients``
- ``blocks``: the content in order, each ``{kind: heading1|heading2|heading3|paragraph|row, text, lead}``
  (a group's table comes as ``row`` lines "1. Nguyễn Văn A — Giáo viên")
- ``answers[id]``: the answer's report sentence; ``values[id]``: the value as written ("hơn 650");
  ``raw[id]``: the stored value; every field id is also a top-level name holding ``values[id]``
- ``noi_nhan`` (list), ``signer_lines`` (list), ``signer_name``

:func:`write_example_template` writes an NĐ 30 starting point that uses these names.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate

from dialogs.answers import AnswerRecord
from dialogs.template.model import Template
from dialogs.vietnamese.format import format_date_long
from exporters import nd30, nd30_blocks
from exporters.compose import Heading, Letterhead, Paragraph, ReportDocument, Table, compose_unit
from exporters.model import DocInfo, UnitInfo
from exporters.nd30 import STYLE_BODY, STYLE_HEADINGS
from exporters.places import place_name
from exporters.render import format_plain, format_value, sentence
from exporters.xmlbuild import para, xml_safe


def _blocks(report: ReportDocument) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for block in report.body:
        if isinstance(block, Heading):
            out.append({"kind": f"heading{min(block.level, 3)}", "text": block.text, "lead": ""})
        elif isinstance(block, Paragraph):
            out.append({"kind": "paragraph", "text": block.text, "lead": block.lead})
        elif isinstance(block, Table):
            out += [{"kind": "row", "text": f"{row[0]}. " + " — ".join(c for c in row[1:] if c), "lead": ""}
                    for row in block.rows]
    return out


def build_context(template: Template, unit: UnitInfo, answers: Mapping[str, AnswerRecord],
                  doc: DocInfo) -> dict[str, Any]:
    """The Jinja context for a Word template (see the module docstring for the names)."""
    report = compose_unit(template, unit, answers, doc)
    values: dict[str, str] = {}
    sentences: dict[str, str] = {}
    raw: dict[str, Any] = {}
    for field in template.fields():
        record = answers.get(field.id)
        if record is None or record.status == "skipped":
            values[field.id] = sentences[field.id] = ""
            raw[field.id] = None
            continue
        values[field.id] = format_value(field, record) if record.status == "answered" else "không có"
        raw[field.id] = record.value
        sentences[field.id] = sentence(field, record, values) if field.type != "group" else format_plain(
            field, record.value or [])
    place = doc.place or place_name(unit)
    lines = [*report.letterhead.agency_lines, "", ""]
    context: dict[str, Any] = {key: value for key, value in values.items() if key.isidentifier()}
    context.update(
        unit={"name": unit.name, "bare_name": unit.bare_name, "in_sentence": unit.in_sentence,
              "code": unit.code, "kind": unit.type_word, "province": unit.province_name},
        doc={"number": "" if doc.number is None else f"{doc.number:02d}", "number_line": report.letterhead.number_line,
             "place": place, "date": format_date_long(doc.issued_on), "place_date": report.letterhead.place_date,
             "draft": doc.draft, "draft_mark": " ".join(report.draft)},
        parent=report.letterhead.parent, agency_lines=list(report.letterhead.agency_lines),
        agency_1=lines[0], agency_2=lines[1], kind=report.kind,
        subject="\n".join(nd30_blocks.subject_lines(report.subject, nd30.TEXT_W_CM * 72 / 2.54)),
        recipients=list(report.recipients), blocks=_blocks(report), answers=sentences, values=values, raw=raw,
        noi_nhan=list(report.noi_nhan), signer_lines=list(report.signer_lines), signer_name=report.signer_name,
    )
    return context


def write_from_word_template(word_template_path: str | Path, template: Template, unit: UnitInfo,
                             answers: Mapping[str, AnswerRecord], doc: DocInfo, path: str | Path) -> Path:
    """Fill the Word template at ``word_template_path`` with this unit's report and save it to ``path``."""
    tpl = DocxTemplate(str(word_template_path))
    # Autoescape: answers contain "&" and "<" ("Sở GD&ĐT"), which must not break the document's XML.
    tpl.render(_safe(build_context(template, unit, answers, doc)), autoescape=True)
    out = Path(path)
    tpl.save(str(out))
    return out


def write_example_template(path: str | Path) -> Path:
    """Write an NĐ 30 Word template with docxtpl tags: a starting point a department can restyle."""
    document = nd30.new_document()
    head = Letterhead("{{ parent }}", ("{{ agency_1 }}", "{{ agency_2 }}"), "{{ doc.number_line }}",
                      "{{ doc.place_date }}")
    fragments = [para("{%p if doc.draft %}", STYLE_BODY), para("{{ doc.draft_mark }}", STYLE_BODY, bold=True,
                                                               align="right"), para("{%p endif %}", STYLE_BODY)]
    fragments.append(nd30_blocks.letterhead(head))
    fragments += nd30_blocks.title_block("{{ kind }}", "{{ subject }}", ())
    fragments.append(para("{%p if recipients %}", STYLE_BODY))
    fragments.append(para("Kính gửi: {{ recipients|join('; ') }}", STYLE_BODY, align="center"))
    fragments.append(para("{%p endif %}", STYLE_BODY))
    fragments.append(para("{%p for b in blocks %}", STYLE_BODY))
    for level in (1, 2, 3):
        keyword = "if" if level == 1 else "elif"
        fragments.append(para(f"{{%p {keyword} b.kind == 'heading{level}' %}}", STYLE_BODY))
        fragments.append(para("{{ b.text }}", STYLE_HEADINGS[level]))
    fragments.append(para("{%p else %}", STYLE_BODY))
    fragments.append(para("{{ b.text }}", STYLE_BODY, lead="{{ b.lead }}"))
    fragments.append(para("{%p endif %}", STYLE_BODY))
    fragments.append(para("{%p endfor %}", STYLE_BODY))
    fragments.append(nd30_blocks.signature(["{{ noi_nhan|join('\n') }}"], ["{{ signer_lines|join('\n') }}"],
                                           "{{ signer_name }}"))
    nd30.append(document, fragments)
    out = Path(path)
    document.save(str(out))
    return out


def _safe(value: Any) -> Any:
    """Every string of a template context without what XML cannot hold."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, dict):
        return {k: _safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_safe(v) for v in value]
    return value
