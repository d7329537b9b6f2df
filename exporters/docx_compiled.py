"""The department's compiled report as an NĐ 30 .docx: rate, figures per unit, digest, units missing.

The big parts (a row per unit, a paragraph per answer) are written as XML text, not through
python-docx objects: 3,321 communes must compile in seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from itertools import chain
from pathlib import Path

from dialogs.template.model import Template
from dialogs.vietnamese.text import nfc, squash
from exporters import nd30, nd30_blocks
from exporters.compose import Heading
from exporters.compose_compiled import CompiledReport, agency_in_sentence, closing_text, compose_compiled
from exporters.model import CampaignInfo, UnitStatus
from exporters.nd30 import STYLE_BODY, STYLE_HEADINGS, STYLE_TABLE, text_width_cm, twips
from exporters.stream import save_streamed, section_break, section_properties
from exporters.xmlbuild import para, table

#: The figures table turns to a landscape section when it has more figure columns than this.
PORTRAIT_MAX_FIGURES = 4
#: Figures tables are dense: 11 pt, like the Nơi nhận list (NĐ 30 sets no size for tables).
FIGURE_TABLE_PT = 11


def _figure_widths(kinds: Sequence[str], landscape: bool) -> list[int]:
    # Amounts of money run to 15 characters ("hơn 570.000.000"): their columns get a larger share.
    weights = [1.7 if kind == "money" else 1.0 for kind in kinds]
    fixed = [1.0, 4.6, 2.2]
    unit = (text_width_cm(landscape) - sum(fixed)) / max(sum(weights), 1.0)
    return [twips(w) for w in fixed + [unit * weight for weight in weights]]


def _heading(label: str, title: str) -> str:
    return para(Heading(label, title, "roman", 1).text, STYLE_HEADINGS[1])


def figures_section(report: CompiledReport, landscape: bool) -> list[str]:
    """Section II: every figure per unit with the totals; the header row repeats on every page."""
    n_figures = len(report.figure_kinds)
    numeric = (True, False, False, *([True] * n_figures))
    out = [_heading("II.", "Tổng hợp số liệu")]
    out.append(table(report.figure_columns, report.figure_rows, _figure_widths(report.figure_kinds, landscape),
                     style=STYLE_TABLE, numeric=numeric, size_pt=FIGURE_TABLE_PT, footer=report.figure_footer))
    if report.figure_note:
        out.append(para(report.figure_note, STYLE_BODY, italic=True, size_pt=12))
    return out


def missing_section(report: CompiledReport) -> list[str]:
    """Section IV: the units that have not submitted."""
    out = [_heading("IV.", "Danh sách đơn vị chưa gửi báo cáo")]
    if not report.missing:
        return [*out, para("Tất cả các đơn vị đã gửi báo cáo.", STYLE_BODY)]
    widths = [twips(w) for w in (1.0, 8.0, 7.5)]
    return [*out, table(("TT", "Đơn vị", "Tỉnh, thành phố"), report.missing, widths, style=STYLE_TABLE,
                        numeric=(True, False, False), size_pt=FIGURE_TABLE_PT)]


def write_compiled_docx(template: Template, campaign: CampaignInfo, units: Sequence[UnitStatus], path: str | Path,
                        *, issued_on: date) -> Path:
    """Write the compiled report of ``campaign`` over ``units`` to ``path`` and return it."""
    report = compose_compiled(template, campaign, units, issued_on=issued_on)
    document = nd30.new_document()
    title = f"{report.kind[:1]}{report.kind[1:].lower()} {report.subject[:1].lower()}{report.subject[1:]}"
    nd30.set_properties(document, title=title, author=agency_in_sentence(campaign.department),
                        subject=squash(nfc(campaign.title)), created=datetime.combine(issued_on, time()))
    base = document.sections[0]._sectPr
    landscape = len(report.figure_kinds) > PORTRAIT_MAX_FIGURES
    parts: list[Iterable[str]] = [[nd30_blocks.letterhead(report.letterhead)],
                                  nd30_blocks.title_block(report.kind, report.subject, ())]
    parts.append([para(report.opening.text, STYLE_BODY), _heading("I.", "Tình hình gửi báo cáo")])
    parts.append([para(p.text, STYLE_BODY) for p in report.rate_paragraphs])
    final = None
    if landscape:
        # The wide table gets its own landscape section; the sections after it number their first page.
        parts.append([section_break(section_properties(base, landscape=False, first=True))])
        parts.append(figures_section(report, landscape=True))
        parts.append([section_break(section_properties(base, landscape=True, first=False))])
        final = section_properties(base, landscape=False, first=False)
    else:
        parts.append(figures_section(report, landscape=False))
    parts.append([_heading("III.", "Tổng hợp nội dung báo cáo của các đơn vị")])
    parts.append(nd30_blocks.iter_body(report.digest))
    parts.append(missing_section(report))
    parts.append([para(closing_text(), STYLE_BODY, keep_next=True),
                  nd30_blocks.signature(report.noi_nhan, report.signer_lines, report.signer_name)])
    return save_streamed(document, chain.from_iterable(parts), path, final_section=final)


__all__ = ["write_compiled_docx"]
