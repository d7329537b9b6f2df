"""The NĐ 30/2020 page: A4, margins, Times New Roman in all four font slots, the paragraph styles, page numbers.

:func:`new_document` returns a fresh python-docx ``Document`` already set up; the setup is done once
per process and kept as bytes, so a report costs one small unzip instead of restyling every time.
Sizes follow Phụ lục I of Nghị định 30/2020/NĐ-CP; each constant names the item it follows.
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from xml.sax.saxutils import escape

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.section import Section
from docx.shared import Cm, Mm, Pt
from lxml import etree

from exporters.xmlbuild import parse_fragments

#: Phụ lục I, Phần I, mục I.4: Times New Roman (Unicode, TCVN 6909:2001).
FONT = "Times New Roman"
#: Phụ lục I, Phần I, mục I.1–I.2: A4 (210 × 297 mm), along its length.
PAGE_W_CM, PAGE_H_CM = 21.0, 29.7
#: Phụ lục I, Phần I, mục I.3: top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 20, 20, 30, 15
TEXT_W_CM = PAGE_W_CM - (MARGIN_LEFT_MM + MARGIN_RIGHT_MM) / 10
#: Mẫu 1.4 (Phụ lục III): the header's two columns, about 40/60 of the text width.
HEADER_COLS_CM = (6.5, 10.0)
#: Phụ lục I, Phần I, mục II.6: body 13–14 pt, first-line indent 1–1.27 cm, ≥ 6 pt between paragraphs,
#: line spacing from single to 1.5 lines.
BODY_PT, FIRST_LINE_CM, PARA_GAP_PT, LINE_SPACING = 14, 1.27, 6, 1.15
TABLE_PT = 12
#: Phụ lục I, Phần I, mục I.7: page numbers 13–14 pt, centred in the top margin, none on the first page.
PAGE_NUMBER_PT = 14

STYLE_BODY = "ND30Body"
STYLE_HEADINGS = {1: "ND30Heading1", 2: "ND30Heading2", 3: "ND30Heading3"}
STYLE_TITLE = "ND30Title"
STYLE_CELL = "ND30Cell"
STYLE_TABLE = "ND30Table"

_THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
_base: bytes | None = None


def twips(cm: float) -> int:
    """Centimetres to twentieths of a point (the unit of widths and indents in WordprocessingML)."""
    return round(cm * 1440 / 2.54)


def set_fonts(rpr: etree._Element, name: str = FONT) -> None:
    """Set the ascii, hAnsi, cs and eastAsia slots of ``rpr`` to ``name``, dropping theme fonts that win over them."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = etree.SubElement(rpr, qn("w:rFonts"))
        rpr.insert(0, fonts)
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{slot}"), name)


def new_document() -> Document:
    """A blank NĐ 30 document: A4, margins, styles and page numbers set, body empty."""
    global _base
    if _base is None:
        _base = _build_base()
    return docx.Document(BytesIO(_base))


def append(doc: Document, fragments: list[str] | tuple[str, ...]) -> None:
    """Append body-level XML fragments (see :mod:`exporters.xmlbuild`) at the end of the body."""
    sect_pr = doc.element.body.find(qn("w:sectPr"))
    for element in parse_fragments(fragments):
        sect_pr.addprevious(element)


def set_properties(doc: Document, *, title: str, author: str, subject: str = "", keywords: str = "",
                   created: datetime | None = None) -> None:
    """The file's metadata (File › Properties): title, author, dates; nothing left from python-docx's defaults."""
    props = doc.core_properties
    props.title, props.subject, props.keywords = title, subject, keywords
    props.author = props.last_modified_by = author
    props.comments, props.category, props.content_status = "", "", ""
    props.revision = 1
    props.language = "vi-VN"
    if created is not None:
        props.created = props.modified = created


def setup_page(section: Section, *, landscape: bool = False) -> None:
    """A4 with the NĐ 30 margins (Phụ lục I, mục I.1–I.3); the header sits in the top margin."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = Cm(PAGE_W_CM), Cm(PAGE_H_CM)
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)


def text_width_cm(landscape: bool = False) -> float:
    """Width of the text area in centimetres."""
    return (PAGE_H_CM if landscape else PAGE_W_CM) - (MARGIN_LEFT_MM + MARGIN_RIGHT_MM) / 10


def page_number_xml() -> str:
    """A centred paragraph holding a PAGE field (a complex field, which Word and LibreOffice both update)."""
    size = f'<w:rPr><w:sz w:val="{PAGE_NUMBER_PT * 2}"/><w:szCs w:val="{PAGE_NUMBER_PT * 2}"/></w:rPr>'
    return (
        f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{STYLE_CELL}"/><w:jc w:val="center"/></w:pPr>'
        f'<w:r>{size}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{size}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        f'<w:r>{size}<w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r>{size}<w:t>2</w:t></w:r>"
        f'<w:r>{size}<w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


def setup_page_numbers(section: Section) -> None:
    """Page numbers centred in the header from page 2; the first page's header is defined and empty."""
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    for p in list(header._element):
        header._element.remove(p)
    header._element.append(parse_xml(page_number_xml()))
    # An explicit empty first-page header: without one, some readers fall back to the default header.
    section.first_page_header.is_linked_to_previous = False


def mark_draft_headers(document: Document, mark: str) -> None:
    """A draft says so on every page: ``mark`` (bold, right) in the header of page 2 on, under the page
    number (page 1 carries the boxed mark of :func:`exporters.nd30_blocks.draft_mark`)."""
    for section in document.sections:
        header = section.header
        header.is_linked_to_previous = False
        header._element.append(parse_xml(
            f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{STYLE_CELL}"/><w:jc w:val="right"/></w:pPr>'
            f'<w:r><w:rPr><w:b/></w:rPr><w:t>{escape(mark)}</w:t></w:r></w:p>'))


def _build_base() -> bytes:
    doc = docx.Document()
    setup_page(doc.sections[0])
    _set_defaults(doc)
    _add_styles(doc)
    setup_page_numbers(doc.sections[0])
    doc.core_properties.language = "vi-VN"
    buf = BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _set_defaults(doc: Document) -> None:
    styles = doc.styles.element
    rpr = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    set_fonts(rpr)
    rpr.find(qn("w:sz")).set(qn("w:val"), str(BODY_PT * 2))
    rpr.find(qn("w:szCs")).set(qn("w:val"), str(BODY_PT * 2))
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "vi-VN")
    # The default template spaces every paragraph 10 pt after at 1.15 lines: NĐ 30 tables and the header
    # need none, so the default is single and tight, and the body style adds its own spacing.
    spacing = styles.find(f"{qn('w:docDefaults')}/{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    for key, value in (("before", "0"), ("after", "0"), ("line", "240"), ("lineRule", "auto")):
        spacing.set(qn(f"w:{key}"), value)
    # Styles of the default template name theme fonts (Calibri, Cambria): make every one Times New Roman.
    for fonts in styles.iter(qn("w:rFonts")):
        set_fonts(fonts.getparent())
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    set_fonts(normal.element.get_or_add_rPr())


def _paragraph_style(doc: Document, name: str, *, size: float, bold: bool = False, italic: bool = False):  # type: ignore[no-untyped-def]
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    set_fonts(style.element.get_or_add_rPr())
    return style


def _add_styles(doc: Document) -> None:
    body = _paragraph_style(doc, "ND30 Body", size=BODY_PT)
    pf = body.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.first_line_indent = Cm(FIRST_LINE_CM)
    pf.space_before, pf.space_after = Pt(PARA_GAP_PT), Pt(0)
    pf.line_spacing = LINE_SPACING
    pf.widow_control = True
    for level, bold in ((1, True), (2, True), (3, False)):
        heading = _paragraph_style(doc, f"ND30 Heading{level}", size=BODY_PT, bold=bold)
        heading.base_style = body
        heading.paragraph_format.keep_with_next = True
    title = _paragraph_style(doc, "ND30 Title", size=BODY_PT, bold=True)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.keep_with_next = True
    for name, size in (("ND30 Cell", 13), ("ND30 Table", TABLE_PT)):
        cell = _paragraph_style(doc, name, size=size)
        cell.paragraph_format.space_before = cell.paragraph_format.space_after = Pt(0)
        cell.paragraph_format.line_spacing = 1.0
        cell.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
