"""The NĐ 30 blocks as XML: the header table, the title, "Kính gửi", the body, "Nơi nhận" and the signer.

Each function returns body-level fragments for :func:`exporters.nd30.append`. Sizes name the item of
Phụ lục I (Nghị định 30/2020/NĐ-CP) or Mẫu 1.4 of Phụ lục III they follow.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from exporters.compose import Block, Heading, Letterhead, Paragraph, Table
from exporters.metrics import text_width_pt
from exporters.nd30 import (
    HEADER_COLS_CM,
    STYLE_BODY,
    STYLE_CELL,
    STYLE_HEADINGS,
    STYLE_TABLE,
    STYLE_TITLE,
    TEXT_W_CM,
    twips,
)
from exporters.xmlbuild import para, run, table

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
#: Phụ lục I, Phần I, mục II.1–II.4 and Mẫu 1.4: sizes of the header lines.
AGENCY_PT, QUOC_HIEU_PT, TIEU_NGU_PT, NUMBER_PT, PLACE_DATE_PT = 13, 13, 14, 13, 14
#: Phụ lục I, Phần I, mục II.5 (tên loại, trích yếu), II.7 (chức vụ, họ tên người ký), II.9 (nơi nhận).
KIND_PT, SIGNER_PT, NOI_NHAN_TITLE_PT, NOI_NHAN_ITEM_PT = 14, 14, 12, 11
#: Rules under the agency and the subject: 1/3–1/2 of the text above them (we take 2/5).
RULE_FRACTION = 0.4
#: Blank lines left for the signature and seal.
SIGN_SPACE_LINES = 4
#: The "DỰ THẢO" mark of a draft: bold in a box at the top right of the first page.
DRAFT_PT, DRAFT_NOTE_PT = 13, 12
NBSP = "\u00a0"
#: A parenthesised phrase this short is never broken across lines: "(giai đoạn 2021 - 2025)".
GLUE_MAX_CHARS = 40
#: A subject line is broken before these words rather than in the middle of a phrase.
_BREAK_BEFORE = frozenset({"và", "về", "của", "trong", "đối"})
_PARENS = re.compile(rf"\([^()]{{1,{GLUE_MAX_CHARS}}}\)")

_NO_BORDERS = "".join(
    f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV")
)


def rule(width_pt: float, avail_pt: float) -> str:
    """A horizontal rule: an empty bottom-bordered paragraph, centred by equal indents (editable in Word)."""
    side = round(max(0.0, (avail_pt - width_pt) / 2) * 20)
    return (
        f'<w:p><w:pPr><w:pStyle w:val="{STYLE_CELL}"/>'
        '<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr>'
        f'<w:ind w:left="{side}" w:right="{side}"/>'
        '<w:rPr><w:sz w:val="4"/><w:szCs w:val="4"/></w:rPr></w:pPr></w:p>'
    )


def _cell_para(text: str, size: float, *, bold: bool = False, italic: bool = False) -> str:
    return para(text, STYLE_CELL, bold=bold, italic=italic, size_pt=size)


def _fit(text: str, sizes: Sequence[float], avail_pt: float, *, bold: bool = False, italic: bool = False) -> float:
    """The largest allowed size at which ``text`` fits on one line of ``avail_pt``."""
    for size in sizes:
        if text_width_pt(text, size, bold=bold, italic=italic) <= avail_pt:
            return size
    return sizes[-1]


def borderless_table(cells: Sequence[Sequence[str]], widths_cm: Sequence[float], *, cant_split: bool = False,
                     top_gap_pt: float = 0) -> str:
    """A fixed-width table without borders or cell margins; ``cells`` is rows of cell XML contents."""
    widths = [twips(w) for w in widths_cm]
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    rows = []
    for n, row in enumerate(cells):
        trpr = "<w:trPr><w:cantSplit/></w:trPr>" if cant_split else ""
        gap = f'<w:tcMar><w:top w:w="{round(top_gap_pt * 20)}" w:type="dxa"/></w:tcMar>' if n and top_gap_pt else ""
        tcs = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/>{gap}</w:tcPr>{content}</w:tc>'
            for content, w in zip(row, widths, strict=True)
        )
        rows.append(f"<w:tr>{trpr}{tcs}</w:tr>")
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblInd w:w="0" w:type="dxa"/>'
        f'<w:tblBorders>{_NO_BORDERS}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>'
        f'<w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{"".join(rows)}</w:tbl>'
    )


def letterhead(lh: Letterhead, widths_cm: Sequence[float] = HEADER_COLS_CM) -> str:
    """The header table (Mẫu 1.4): agency and number on the left; Quốc hiệu, Tiêu ngữ, place and date on the right."""
    left_pt, right_pt = (w * 72 / 2.54 for w in widths_cm)
    left = _cell_para(lh.parent, _fit(lh.parent, (AGENCY_PT, 12), left_pt)) if lh.parent else ""
    left += "".join(_cell_para(line, AGENCY_PT, bold=True) for line in lh.agency_lines)
    agency_w = max((text_width_pt(line, AGENCY_PT, bold=True) for line in lh.agency_lines), default=0.0)
    left += rule(RULE_FRACTION * min(agency_w, left_pt), left_pt)
    quoc_hieu_pt = _fit(QUOC_HIEU, (QUOC_HIEU_PT, 12), right_pt, bold=True)
    right = _cell_para(QUOC_HIEU, quoc_hieu_pt, bold=True) + _cell_para(TIEU_NGU, TIEU_NGU_PT, bold=True)
    right += rule(text_width_pt(TIEU_NGU, TIEU_NGU_PT, bold=True), right_pt)
    date_pt = _fit(lh.place_date, (PLACE_DATE_PT, 13), right_pt, italic=True)
    return borderless_table(
        [[left, right], [_cell_para(lh.number_line, NUMBER_PT), _cell_para(lh.place_date, date_pt, italic=True)]],
        widths_cm, top_gap_pt=6,
    )


def glue(text: str) -> str:
    """Short parenthesised phrases held together by non-breaking spaces, so a line never ends inside one.

    >>> glue("5 năm (giai đoạn 2021 - 2025)") == "5 năm (giai\u00a0đoạn\u00a02021\u00a0-\u00a02025)"
    True
    """
    return _PARENS.sub(lambda m: m.group(0).replace(" ", NBSP), text)


def subject_lines(subject: str, avail_pt: float, size_pt: float = KIND_PT) -> list[str]:
    """The subject in lines as a văn thư breaks it: one line if it fits, else two of balanced length,
    broken before "và", "về", "của"… or after a comma where that costs little, never inside a short "(…)".

    >>> subject_lines("Tổng kết phong trào thi đua yêu nước và công tác khen thưởng 5 năm (giai đoạn 2021 - 2025)",
    ...               468)[0]
    'Tổng kết phong trào thi đua yêu nước'
    """
    text = glue(subject)
    width = text_width_pt(text, size_pt, bold=True)
    if width <= avail_pt:
        return [text]
    words = text.split(" ")
    best: tuple[float, list[str]] | None = None
    for n in range(1, len(words)):
        left, right = " ".join(words[:n]), " ".join(words[n:])
        wl, wr = text_width_pt(left, size_pt, bold=True), text_width_pt(right, size_pt, bold=True)
        if max(wl, wr) > avail_pt:
            continue
        nice = words[n].lower() in _BREAK_BEFORE or left.endswith(",")
        score = max(wl, wr) - (0.2 * avail_pt if nice else 0.0)
        if best is None or score < best[0]:
            best = (score, [left, right])
    # Longer than two lines: the glued text, and the reader's own line breaking.
    return best[1] if best else [text]


def title_block(kind: str, subject: str, recipients: Sequence[str], text_w_cm: float = TEXT_W_CM) -> list[str]:
    """"BÁO CÁO", the subject with its short rule, and "Kính gửi" (one line, or an aligned dash list)."""
    avail = text_w_cm * 72 / 2.54
    out = [
        f'<w:p><w:pPr><w:pStyle w:val="{STYLE_TITLE}"/><w:spacing w:before="360"/></w:pPr>{run(kind)}</w:p>',
    ]
    if subject:
        lines = subject_lines(subject, avail)
        runs = "<w:r><w:br/></w:r>".join(run(line) for line in lines)
        out.append(f'<w:p><w:pPr><w:pStyle w:val="{STYLE_TITLE}"/></w:pPr>{runs}</w:p>')
        widest = max(text_width_pt(line, KIND_PT, bold=True) for line in lines)
        out.append(rule(RULE_FRACTION * min(widest, avail), avail))
    out += kinh_gui(recipients, avail)
    return out


def draft_mark(lines: Sequence[str], text_w_cm: float = TEXT_W_CM) -> list[str]:
    """The "DỰ THẢO" mark of a report not yet submitted: its lines in a box at the top right."""
    if not lines:
        return []
    avail = text_w_cm * 72 / 2.54
    sizes = [DRAFT_PT if n == 0 else DRAFT_NOTE_PT for n in range(len(lines))]
    widest = max(text_width_pt(line, size, bold=n == 0, italic=n > 0)
                 for n, (line, size) in enumerate(zip(lines, sizes, strict=True)))
    left = round(max(0.0, avail - widest - 16) * 20)
    box = "".join(f'<w:{side} w:val="single" w:sz="6" w:space="2" w:color="auto"/>'
                  for side in ("top", "left", "bottom", "right"))
    return [
        f'<w:p><w:pPr><w:pStyle w:val="{STYLE_CELL}"/><w:keepNext/><w:pBdr>{box}</w:pBdr>'
        f'<w:ind w:left="{left}" w:right="0"/></w:pPr>'
        f"{run(line, bold=n == 0, italic=n > 0, size_pt=size)}</w:p>"
        for n, (line, size) in enumerate(zip(lines, sizes, strict=True))
    ] + [f'<w:p><w:pPr><w:pStyle w:val="{STYLE_CELL}"/><w:spacing w:after="120"/></w:pPr></w:p>']


def kinh_gui(recipients: Sequence[str], avail_pt: float) -> list[str]:
    """"Kính gửi: X" centred, or "Kính gửi:" followed by "- X;" lines aligned on one tab stop."""
    items = [r.rstrip(" .;") for r in recipients if r.strip()]
    if not items:
        return []
    style = f'<w:pStyle w:val="{STYLE_BODY}"/>'
    if len(items) == 1:
        return [(f'<w:p><w:pPr>{style}<w:spacing w:before="240"/><w:ind w:firstLine="0"/><w:jc w:val="center"/>'
                f"</w:pPr>{run('Kính gửi: ' + items[0])}</w:p>")]
    label_pt = text_width_pt("Kính gửi: ", 14) + 6
    lines = [f"- {item}{'.' if n == len(items) - 1 else ';'}" for n, item in enumerate(items)]
    widest = max(text_width_pt(line, 14) for line in lines)
    left_pt = max(label_pt, (avail_pt - widest - label_pt) / 2 + label_pt)
    left, hang = round(left_pt * 20), round(label_pt * 20)
    out = [
        (f'<w:p><w:pPr>{style}<w:tabs><w:tab w:val="left" w:pos="{left}"/></w:tabs><w:spacing w:before="240"/>'
        f'<w:ind w:left="{left}" w:hanging="{hang}"/><w:jc w:val="left"/></w:pPr>{run("Kính gửi:")}'
        f'<w:r><w:tab/></w:r>{run(lines[0])}</w:p>')
    ]
    out += [
        f'<w:p><w:pPr>{style}<w:spacing w:before="0"/><w:ind w:left="{left}" w:firstLine="0"/><w:jc w:val="left"/>'
        f"</w:pPr>{run(line)}</w:p>"
        for line in lines[1:]
    ]
    return out


def iter_body(blocks: Sequence[Block], text_w_cm: float = TEXT_W_CM) -> Iterator[str]:
    """The content: headings, paragraphs and group tables; the last paragraph keeps with the signature."""
    for n, block in enumerate(blocks):
        last = n == len(blocks) - 1
        if isinstance(block, Heading):
            yield para(block.text, STYLE_HEADINGS[min(block.level, 3)])
        elif isinstance(block, Paragraph):
            yield para(block.text, STYLE_BODY, lead=block.lead, keep_next=last)
        elif isinstance(block, Table):
            yield data_table(block, text_w_cm)


def body(blocks: Sequence[Block], text_w_cm: float = TEXT_W_CM) -> list[str]:
    """:func:`iter_body` as a list."""
    return list(iter_body(blocks, text_w_cm))


def data_table(block: Table, text_w_cm: float = TEXT_W_CM) -> str:
    """A repeated group's items as a bordered table: "TT" narrow, figures 3 cm, text columns share the rest."""
    numeric = block.numeric or (False,) * len(block.columns)
    fixed = [1.0 if n == 0 else 3.0 if num else 0.0 for n, num in enumerate(numeric)]
    flexible = fixed.count(0.0)
    share = (text_w_cm - sum(fixed)) / flexible if flexible else 0.0
    widths = [twips(w) for w in block.widths] if block.widths else [twips(w or share) for w in fixed]
    return table(block.columns, block.rows, widths, style=STYLE_TABLE, numeric=numeric)


def signature(noi_nhan: Sequence[str], signer_lines: Sequence[str], signer_name: str,
              widths_cm: Sequence[float] = HEADER_COLS_CM) -> str:
    """"Nơi nhận" (12 pt bold italic, items 11 pt) beside the signer block, in one row that cannot split."""
    keep = "<w:keepNext/><w:keepLines/>"
    left = (f'<w:p><w:pPr><w:pStyle w:val="{STYLE_CELL}"/>{keep}<w:spacing w:before="240"/><w:jc w:val="left"/>'
            f"</w:pPr>{run('Nơi nhận:', bold=True, italic=True, size_pt=NOI_NHAN_TITLE_PT)}</w:p>")
    left += "".join(
        f'<w:p><w:pPr><w:pStyle w:val="{STYLE_CELL}"/>{keep}<w:jc w:val="left"/></w:pPr>'
        f"{run(item, size_pt=NOI_NHAN_ITEM_PT)}</w:p>"
        for item in noi_nhan
    )
    right = ""
    for n, line in enumerate(signer_lines):
        gap = '<w:spacing w:before="240"/>' if n == 0 else ""
        right += (f'<w:p><w:pPr><w:pStyle w:val="{STYLE_CELL}"/>{keep}{gap}</w:pPr>'
                  f"{run(line, bold=True, size_pt=SIGNER_PT)}</w:p>")
    size = f'<w:rPr><w:sz w:val="{SIGNER_PT * 2}"/></w:rPr>'
    blank = f'<w:p><w:pPr><w:pStyle w:val="{STYLE_CELL}"/>{keep}{size}</w:pPr></w:p>'
    right += blank * SIGN_SPACE_LINES
    right += (f'<w:p><w:pPr><w:pStyle w:val="{STYLE_CELL}"/><w:keepLines/></w:pPr>'
              f"{run(signer_name, bold=True, size_pt=SIGNER_PT) if signer_name else ''}</w:p>")
    return borderless_table([[left, right]], widths_cm, cant_split=True)
