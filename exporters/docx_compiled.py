"""The department's compiled report as an NĐ 30 .docx: rate, figures per unit, digest, units missing.

The big parts (a row per unit, a paragraph per answer) are written as XML text, not through
python-docx objects: 3,321 communes must compile in seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from docx.enum.section import WD_SECTION

from dialogs.template import Template
from exporters import nd30, nd30_blocks
from exporters.compose import Heading
from exporters.compose_compiled import CompiledReport, closing_text, compose_compiled
from exporters.model import CampaignInfo, UnitStatus
from exporters.nd30 import STYLE_BODY, STYLE_HEADINGS, STYLE_TABLE, text_width_cm, twips
from exporters.xmlbuild import para, table

#: The figures table turns to a landscape section when it has more figure columns than this.
PORTRAIT_MAX_FIGURES = 4
#: Figures tables are dense: 11 pt (Phụ lục I allows smaller type in tables).
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
        return out + [para("Tất cả các đơn vị đã gửi báo cáo.", STYLE_BODY)]
    widths = [twips(w) for w in (1.0, 8.0, 7.5)]
    return out + [table(("TT", "Đơn vị", "Tỉnh, thành phố"), report.missing, widths, style=STYLE_TABLE,
                        numeric=(True, False, False), size_pt=FIGURE_TABLE_PT)]


def write_compiled_docx(template: Template, campaign: CampaignInfo, units: Sequence[UnitStatus], path: str | Path,
                        *, issued_on: date) -> Path:
    """Write the compiled report of ``campaign`` over ``units`` to ``path`` and return it."""
    report = compose_compiled(template, campaign, units, issued_on=issued_on)
    document = nd30.new_document()
    head = [nd30_blocks.letterhead(report.letterhead)]
    head += nd30_blocks.title_block(report.kind, report.subject, ())
    head.append(para(report.opening.text, STYLE_BODY))
    head.append(_heading("I.", "Tình hình gửi báo cáo"))
    head += [para(p.text, STYLE_BODY) for p in report.rate_paragraphs]
    landscape = len(report.figure_kinds) > PORTRAIT_MAX_FIGURES
    if landscape:
        nd30.append(document, head)
        _new_section(document, landscape=True)
        nd30.append(document, figures_section(report, landscape=True))
        _new_section(document, landscape=False)
        rest: list[str] = []
    else:
        rest = head + figures_section(report, landscape=False)
    rest.append(_heading("III.", "Tổng hợp nội dung báo cáo của các đơn vị"))
    rest += nd30_blocks.body(report.digest) if report.digest else []
    rest += missing_section(report)
    rest.append(para(closing_text(), STYLE_BODY, keep_next=True))
    rest.append(nd30_blocks.signature(report.noi_nhan, report.signer_lines, report.signer_name))
    nd30.append(document, rest)
    out = Path(path)
    document.save(str(out))
    return out


def _new_section(document: object, *, landscape: bool) -> None:
    # python-docx clones the previous section's properties, including "different first page": a section
    # that starts mid-document must number its first page too.
    section = document.add_section(WD_SECTION.NEW_PAGE)  # type: ignore[attr-defined]
    nd30.setup_page(section, landscape=landscape)
    section.different_first_page_header_footer = False


__all__ = ["write_compiled_docx"]
