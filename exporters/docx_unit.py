"""The per-unit report as an NĐ 30 .docx: ``write_unit_docx(template, unit, answers, doc, path)``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from docx.document import Document

from dialogs.answers import AnswerRecord
from dialogs.template.model import Template
from exporters import nd30, nd30_blocks
from exporters.compose import ReportDocument, compose_unit
from exporters.model import DocInfo, UnitInfo


def build_report(report: ReportDocument) -> Document:
    """Lay a composed report out on an NĐ 30 page (python-docx ``Document``, not yet saved)."""
    document = nd30.new_document()
    if report.properties is not None:
        props = report.properties
        nd30.set_properties(document, title=props.title, author=props.author, subject=props.subject,
                            keywords=props.keywords, created=props.created)
    fragments = nd30_blocks.draft_mark(report.draft)
    fragments.append(nd30_blocks.letterhead(report.letterhead))
    fragments += nd30_blocks.title_block(report.kind, report.subject, report.recipients)
    fragments += nd30_blocks.body(report.body)
    fragments.append(nd30_blocks.signature(report.noi_nhan, report.signer_lines, report.signer_name))
    nd30.append(document, fragments)
    if report.draft:
        nd30.mark_draft_headers(document, report.draft[0])
    return document


def write_unit_docx(
    template: Template, unit: UnitInfo, answers: Mapping[str, AnswerRecord], doc: DocInfo, path: str | Path
) -> Path:
    """Write one unit's report to ``path`` and return it."""
    out = Path(path)
    build_report(compose_unit(template, unit, answers, doc)).save(str(out))
    return out
