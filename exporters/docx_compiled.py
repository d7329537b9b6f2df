"""The department's compiled report as an NĐ 30 .docx a director reads, and its annex (every unit's full text).

The main report is bounded: rates (overall and per province), the totals of every figure, the tally of every
choice, a few excerpts per text field, the nominees, the units still missing, the signer block. What does
not fit — each unit's full answers, every nominee — goes to the annex, a second .docx beside it. The big
parts are written as XML text, not through python-docx objects: 3,321 communes must compile in seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from itertools import chain
from pathlib import Path

from docx.document import Document

from dialogs.template.model import Template
from dialogs.vietnamese.format import format_date_short
from dialogs.vietnamese.text import nfc, squash
from exporters import nd30, nd30_blocks
from exporters.compose_compiled import CompiledReport, agency_in_sentence, compose_compiled
from exporters.model import CampaignInfo, UnitStatus
from exporters.nd30 import STYLE_BODY, STYLE_TITLE
from exporters.stream import save_streamed
from exporters.xmlbuild import para, run


def _new(report: CompiledReport, campaign: CampaignInfo, title: str, issued_on: date) -> Document:
    document = nd30.new_document()
    nd30.set_properties(document, title=title, author=agency_in_sentence(campaign.department),
                        subject=squash(nfc(campaign.title)), created=datetime.combine(issued_on, time()))
    return document


def write_compiled_docx(template: Template, campaign: CampaignInfo, units: Sequence[UnitStatus], path: str | Path,
                        *, issued_on: date, annex: str | Path | None = None) -> Path:
    """Write the compiled report of ``campaign`` over ``units`` to ``path`` (and its annex to ``annex``)."""
    report = compose_compiled(template, campaign, units, issued_on=issued_on)
    title = f"{report.kind[:1]}{report.kind[1:].lower()} {report.subject[:1].lower()}{report.subject[1:]}"
    parts: list[Iterable[str]] = [[nd30_blocks.letterhead(report.letterhead)],
                                  nd30_blocks.title_block(report.kind, report.subject, ()),
                                  nd30_blocks.iter_body(report.body),
                                  [nd30_blocks.signature(report.noi_nhan, report.signer_lines, report.signer_name)]]
    out = save_streamed(_new(report, campaign, title, issued_on), chain.from_iterable(parts), path)
    if annex is not None and report.annex:
        write_annex(report, campaign, annex, issued_on)
    return out


def write_annex(report: CompiledReport, campaign: CampaignInfo, path: str | Path, issued_on: date) -> Path:
    """The annex: "PHỤ LỤC", what it goes with, then every unit's full answers and every nominee."""
    number = report.letterhead.number_line.removeprefix("Số:").rstrip()  # its blank kept for the văn thư
    head = [
        f'<w:p><w:pPr><w:pStyle w:val="{STYLE_TITLE}"/></w:pPr>{run("PHỤ LỤC")}</w:p>',
        f'<w:p><w:pPr><w:pStyle w:val="{STYLE_TITLE}"/></w:pPr>'
        f'{run(squash(report.subject[:1].upper() + report.subject[1:]))}</w:p>',
        para(f"(Kèm theo Báo cáo số{number} ngày {format_date_short(issued_on)} của "
             f"{agency_in_sentence(campaign.department)})", STYLE_TITLE, italic=True),
        para("", STYLE_BODY),
    ]
    document = _new(report, campaign, f"Phụ lục: {report.subject}", issued_on)
    return save_streamed(document, chain(head, nd30_blocks.iter_body(report.annex)), path)


__all__ = ["write_annex", "write_compiled_docx"]
