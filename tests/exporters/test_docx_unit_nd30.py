"""The per-unit .docx against Nghị định 30/2020/NĐ-CP, Phụ lục I: one test per rule, each naming its item.

Items are cited as "PL I, I.x" (Phần I, mục I: khổ giấy, lề, phông, số trang) and "PL I, II.x" (Phần I,
mục II: the parts of a document); Mẫu 1.4 is the báo cáo layout of Phụ lục III.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from docx.oxml.ns import qn

from exporters.docx_unit import write_unit_docx
from exporters.metrics import text_width_pt
from exporters.model import DocInfo
from tests.exporters.conftest import KHUC_THUA_DU, small_answers, small_template
from tests.exporters.docxlook import EMU_PER_CM, Look, W, cm, pt

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"


@pytest.fixture
def look(unit_docx: Path) -> Look:
    return Look(unit_docx)


def _header_cells(look: Look) -> list[list]:
    table = look.tables()[0]
    return [row.findall(qn("w:tc")) for row in table.findall(qn("w:tr"))]


def _rule_width_pt(look: Look, rule_p, cell_width_pt: float) -> float:
    left = look.twips(rule_p, "ind", "left")
    right = look.twips(rule_p, "ind", "right")
    return cell_width_pt - pt(left) - pt(right)


def _cell_width_pt(tc) -> float:
    return int(tc.find(f"{W}tcPr/{W}tcW").get(qn("w:w"))) / 20


def _next_paragraphs(p, count: int) -> list:
    out, cur = [], p.getnext()
    while cur is not None and len(out) < count:
        if cur.tag == qn("w:p"):
            out.append(cur)
        cur = cur.getnext()
    return out


def test_page_is_a4_portrait(look: Look) -> None:
    """PL I, I.1–I.2: khổ A4 (210 × 297 mm), trình bày theo chiều dài."""
    section = look.doc.sections[0]
    assert abs(section.page_width / EMU_PER_CM - 21.0) < 0.02
    assert abs(section.page_height / EMU_PER_CM - 29.7) < 0.02
    assert section.page_height > section.page_width


def test_margins(look: Look) -> None:
    """PL I, I.3: lề trên, dưới 20–25 mm; trái 30–35 mm; phải 15–20 mm."""
    s = look.doc.sections[0]
    mm = {name: getattr(s, f"{name}_margin") / EMU_PER_CM * 10 for name in ("top", "bottom", "left", "right")}
    # Word stores margins in twips: 30 mm is 1,701 twips, 30.004 mm read back.
    within = {name: round(value, 1) for name, value in mm.items()}
    assert 20 <= within["top"] <= 25 and 20 <= within["bottom"] <= 25
    assert 30 <= within["left"] <= 35 and 15 <= within["right"] <= 20


def test_times_new_roman_in_all_four_slots(look: Look) -> None:
    """PL I, I.4: phông Times New Roman — ascii, hAnsi, cs and eastAsia set on the defaults and every style."""
    slots = ("ascii", "hAnsi", "cs", "eastAsia")
    defaults = look.defaults_rpr.find(qn("w:rFonts"))
    assert {defaults.get(qn(f"w:{s}")) for s in slots} == {"Times New Roman"}
    used = {look.style_of(p) for p in look.paragraphs()} | {"Normal"}
    for style_id in used:
        for style in look.chain(style_id):
            fonts = style.find(f"{W}rPr/{W}rFonts")
            if fonts is not None:
                assert {fonts.get(qn(f"w:{s}")) for s in slots} == {"Times New Roman"}, style_id
    # No theme font anywhere (a theme slot wins over the named font in Word).
    for fonts in look.styles_el.iter(qn("w:rFonts")):
        assert not [a for a in fonts.attrib if a.endswith(("Theme", "theme"))]
    # No run names another font.
    for fonts in look.body.iter(qn("w:rFonts")):
        assert set(fonts.attrib.values()) <= {"Times New Roman"}


def test_quoc_hieu_and_tieu_ngu(look: Look) -> None:
    """PL I, II.1: Quốc hiệu in hoa 12–13 đứng đậm, one line; Tiêu ngữ 13–14 đậm with a rule as long as it."""
    cells = _header_cells(look)
    right = cells[0][1]
    qh = look.find(QUOC_HIEU, right)
    size = look.sizes(qh)
    assert len(size) == 1 and 12 <= size.pop() <= 13 and look.flag(qh, "b") == {True}
    assert look.flag(qh, "i") == {False} and look.align(qh) == "center"
    assert text_width_pt(QUOC_HIEU, max(look.sizes(qh)), bold=True) <= _cell_width_pt(right)  # one line
    tn = look.find(TIEU_NGU, right)
    assert all(13 <= s <= 14 for s in look.sizes(tn)) and look.flag(tn, "b") == {True}
    rule_p = _next_paragraphs(tn, 1)[0]
    assert rule_p.find(f"{W}pPr/{W}pBdr/{W}bottom").get(qn("w:val")) == "single"
    expected = text_width_pt(TIEU_NGU, max(look.sizes(tn)), bold=True)
    assert abs(_rule_width_pt(look, rule_p, _cell_width_pt(right)) - expected) < 2


def test_agency_name_and_rule(look: Look) -> None:
    """PL I, II.2: tên cơ quan in hoa 12–13 đứng đậm; rule 1/3–1/2 of the line, centred."""
    left = _header_cells(look)[0][0]
    lines = [p for p in look.paragraphs(left) if look.text(p).strip()]
    assert [look.text(p) for p in lines] == ["ỦY BAN NHÂN DÂN", "XÃ KHÚC THỪA DỤ"]
    for p in lines:
        assert all(12 <= s <= 13 for s in look.sizes(p)) and look.flag(p, "b") == {True}
        assert look.text(p) == look.text(p).upper() and look.align(p) == "center"
    rule_p = _next_paragraphs(lines[-1], 1)[0]
    assert rule_p.find(f"{W}pPr/{W}pBdr/{W}bottom") is not None
    assert look.twips(rule_p, "ind", "left") == look.twips(rule_p, "ind", "right")  # centred
    longest = max(text_width_pt(look.text(p), 13, bold=True) for p in lines)
    ratio = _rule_width_pt(look, rule_p, _cell_width_pt(left)) / longest
    assert 1 / 3 <= ratio <= 1 / 2


def test_parent_agency_is_upper_case_not_bold(tmp_path: Path) -> None:
    """PL I, II.2: tên cơ quan chủ quản in hoa 12–13, đứng, không đậm, above the issuing agency."""
    from dataclasses import replace

    tpl = small_template()
    tpl = replace(tpl, meta=replace(tpl.meta, parent_agency="UBND {province}"))
    path = write_unit_docx(tpl, KHUC_THUA_DU, small_answers(), DocInfo(5, date(2025, 8, 6)), tmp_path / "p.docx")
    look = Look(path)
    left = _header_cells(look)[0][0]
    first = next(p for p in look.paragraphs(left) if look.text(p).strip())
    assert look.text(first) == "UBND THÀNH PHỐ HẢI PHÒNG"
    assert look.flag(first, "b") == {False} and all(12 <= s <= 13 for s in look.sizes(first))


@pytest.mark.parametrize(("number", "expected"), [(5, "Số: 05/BC-UBND"), (123, "Số: 123/BC-UBND"),
                                                   (None, "Số:       /BC-UBND")])
def test_number_and_symbol(tmp_path: Path, number: int | None, expected: str) -> None:
    """PL I, II.3: "Số:" 13 pt đứng, a leading zero under 10, blank for the văn thư when not yet numbered."""
    path = write_unit_docx(small_template(), KHUC_THUA_DU, small_answers(), DocInfo(number, date(2025, 8, 6)),
                           tmp_path / "n.docx")
    look = Look(path)
    cell = _header_cells(look)[1][0]
    p = look.find("Số:", cell)
    assert look.text(p) == expected
    assert look.sizes(p) == {13} and look.flag(p, "b") == {False} and look.align(p) == "center"


@pytest.mark.parametrize(("issued", "expected"), [
    (date(2025, 8, 6), "Xã Khúc Thừa Dụ, ngày 06 tháng 8 năm 2025"),
    (date(2020, 1, 5), "Xã Khúc Thừa Dụ, ngày 05 tháng 01 năm 2020"),
    (date(2024, 12, 25), "Xã Khúc Thừa Dụ, ngày 25 tháng 12 năm 2024"),
])
def test_place_and_date(tmp_path: Path, issued: date, expected: str) -> None:
    """PL I, II.4: địa danh và thời gian in thường 13–14 nghiêng, on the row of "Số"; zero for days < 10, months 1–2."""
    path = write_unit_docx(small_template(), KHUC_THUA_DU, small_answers(), DocInfo(5, issued), tmp_path / "d.docx")
    look = Look(path)
    row = _header_cells(look)[1]
    p = look.find("Xã Khúc", row[1])
    assert look.text(p) == expected
    assert look.flag(p, "i") == {True} and all(13 <= s <= 14 for s in look.sizes(p))
    assert look.text(look.find("Số:", row[0])).startswith("Số:")  # same row


def test_kind_and_subject(look: Look) -> None:
    """PL I, II.5: "BÁO CÁO" in hoa 13–14 đậm centred; trích yếu 13–14 đậm centred; rule 1/3–1/2 below."""
    kind = look.find("BÁO CÁO")
    assert look.flag(kind, "b") == {True} and look.align(kind) == "center"
    assert all(13 <= s <= 14 for s in look.sizes(kind))
    subject, rule_p = _next_paragraphs(kind, 2)
    assert look.text(subject).startswith("Tổng kết phong trào thi đua")
    assert look.flag(subject, "b") == {True} and look.align(subject) == "center"
    assert all(13 <= s <= 14 for s in look.sizes(subject))
    assert rule_p.find(f"{W}pPr/{W}pBdr/{W}bottom") is not None and not look.text(rule_p)
    text_w = (21.0 - 3.0 - 1.5) * 72 / 2.54
    width = _rule_width_pt(look, rule_p, text_w)
    # The subject is two lines broken as a văn thư breaks it; the rule follows the longer one.
    lines = look.text(subject).split("\n")
    assert lines[0] == "Tổng kết phong trào thi đua yêu nước"
    line = min(max(text_width_pt(t, 14, bold=True) for t in lines), text_w)
    assert 1 / 3 <= width / line <= 1 / 2


def test_body_paragraphs(look: Look) -> None:
    """PL I, II.6: nội dung 13–14 pt, canh đều, lùi đầu dòng 1–1,27 cm, ≥ 6 pt giữa đoạn, dòng đơn đến 1,5."""
    p = look.find("- Ban Thường vụ Đảng ủy")
    assert look.align(p) == "both"
    assert 1.0 <= cm(look.twips(p, "ind", "firstLine")) <= 1.27 + 1e-6
    gap = pt(look.twips(p, "spacing", "before")) + pt(look.twips(p, "spacing", "after"))
    assert gap >= 6
    assert look.ppr(p, "spacing", "lineRule") == "auto"
    assert 1.0 <= look.twips(p, "spacing", "line") / 240 <= 1.5
    assert all(13 <= s <= 14 for s in look.sizes(p)) and look.flag(p, "b") == {False}


def test_headings(look: Look) -> None:
    """PL I, II.6: "I." in hoa đứng đậm; "1." đứng đậm with its title; "a)" đứng, không đậm."""
    roman = look.find("I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO")
    assert look.flag(roman, "b") == {True}
    arabic = look.find("1. Công tác lãnh đạo, chỉ đạo của cấp ủy Đảng")
    assert look.flag(arabic, "b") == {True} and look.flag(arabic, "i") == {False}
    letter = look.find("a) Đối với Sở Giáo dục và Đào tạo")
    assert look.flag(letter, "b") == {False} and look.flag(letter, "i") == {False}
    for p in (roman, arabic, letter):
        assert look.ppr(p, "keepNext") is not None  # never alone at the foot of a page


def test_figures_written_the_vietnamese_way(look: Look) -> None:
    """PL I, II.6 (nội dung văn bản): figures the Vietnamese way — thousands ".", decimals ","; qualifiers kept."""
    text = "\n".join(look.texts())
    assert "trên 75 tập thể, hơn 650 cá nhân với số tiền hơn 570.000.000 đồng" in text
    assert "85,5%" in text
    assert "570,000,000" not in text and "85.5%" not in text
    assert "Kế hoạch số 337/KH-UBND ngày 29/12/2023" in text


def test_content_ends_with_slash_dot(look: Look) -> None:
    """PL I, II.6: the content closes with "./." and the last paragraph keeps with the signature."""
    body_ps = [p for p in look.body.findall(qn("w:p")) if look.text(p).strip()]
    last = body_ps[-1]
    assert look.text(last).endswith("cấp xã./.")
    assert sum(look.text(p).endswith("./.") for p in body_ps) == 1
    assert look.ppr(last, "keepNext") is not None


def test_header_table_widths_and_borders(look: Look) -> None:
    """Mẫu 1.4, PL I, IV: a borderless fixed two-column header, about 40/60, single-spaced with no spacing."""
    table = look.tables()[0]
    assert table.find(f"{W}tblPr/{W}tblLayout").get(qn("w:type")) == "fixed"
    widths = [int(g.get(qn("w:w"))) for g in table.findall(f"{W}tblGrid/{W}gridCol")]
    assert len(widths) == 2 and 0.35 <= widths[0] / sum(widths) <= 0.45
    assert cm(sum(widths)) <= 21.0 - 3.0 - 1.5 + 0.01
    borders = table.find(f"{W}tblPr/{W}tblBorders")
    assert {b.get(qn("w:val")) for b in borders} == {"nil"} and len(borders) == 6
    for tc in table.iter(qn("w:tc")):
        assert int(tc.find(f"{W}tcPr/{W}tcW").get(qn("w:w"))) in widths
    for p in look.paragraphs(table):
        assert look.twips(p, "spacing", "before") == 0 and look.twips(p, "spacing", "after") == 0
        assert look.twips(p, "spacing", "line") == 240


def test_rules_are_bordered_paragraphs(look: Look) -> None:
    """PL I, II.1, II.2, II.5: the three rules are bottom-bordered empty paragraphs, not underscores."""
    ruled = [p for p in look.paragraphs() if p.find(f"{W}pPr/{W}pBdr/{W}bottom") is not None]
    assert len(ruled) == 3
    for p in ruled:
        assert look.text(p) == ""
        assert p.find(f"{W}pPr/{W}pBdr/{W}bottom").get(qn("w:val")) == "single"
    assert not any("___" in t for t in look.texts())


def test_page_numbers_from_page_two(look: Look) -> None:
    """PL I, I.7: số trang 13–14, centred in the top margin, not shown on the first page."""
    section = look.doc.sections[0]
    assert section._sectPr.find(qn("w:titlePg")) is not None
    header = section.header._element
    instr = "".join(t.text for t in header.iter(qn("w:instrText")))
    assert instr.strip() == "PAGE"
    assert {f.get(qn("w:fldCharType")) for f in header.iter(qn("w:fldChar"))} == {"begin", "separate", "end"}
    p = header.find(qn("w:p"))
    assert p.find(f"{W}pPr/{W}jc").get(qn("w:val")) == "center"
    sizes = {int(sz.get(qn("w:val"))) / 2 for sz in header.iter(qn("w:sz"))}
    assert sizes and all(13 <= s <= 14 for s in sizes)
    first = section.first_page_header._element
    assert not list(first.iter(qn("w:instrText"))) and not "".join(t.text or "" for t in first.iter(qn("w:t")))
    assert section.header_distance < section.top_margin  # inside the top margin


def test_noi_nhan(look: Look) -> None:
    """PL I, II.9: "Nơi nhận:" 12 pt nghiêng đậm; items 11 pt đứng, "- …;" each, "- Lưu: VT, …." last."""
    table = look.tables()[-1]
    title = look.find("Nơi nhận:", table)
    assert look.sizes(title) == {12} and look.flag(title, "b") == {True} and look.flag(title, "i") == {True}
    items = [p for p in _next_paragraphs(title, 3)]
    assert [look.text(p) for p in items] == ["- Sở GD&ĐT (b/c);", "- Lãnh đạo UBND;", "- Lưu: VT, VHXH."]
    for p in items:
        assert look.sizes(p) == {11} and look.flag(p, "b") == {False} and look.flag(p, "i") == {False}


def test_signer_block(look: Look) -> None:
    """PL I, II.7: quyền hạn, chức vụ in hoa 13–14 đậm; space to sign; họ tên đậm; kept on one page."""
    table = look.tables()[-1]
    cells = table.findall(f"{W}tr/{W}tc")
    assert len(cells) == 2 and look.find("Nơi nhận:", cells[0]) is not None
    ps = list(look.paragraphs(cells[1]))
    lines = [look.text(p) for p in ps]
    assert lines[:3] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert lines[-1] == "Nguyễn Đình Biểu" and lines[3:-1] == [""] * (len(lines) - 4) and len(lines) >= 7
    for p in ps[:3] + ps[-1:]:
        assert look.flag(p, "b") == {True} and all(13 <= s <= 14 for s in look.sizes(p))
        assert look.align(p) == "center"
    row = table.find(qn("w:tr"))
    assert row.find(f"{W}trPr/{W}cantSplit") is not None  # the row never breaks across pages
    assert len(table.findall(qn("w:tr"))) == 1
    borders = table.find(f"{W}tblPr/{W}tblBorders")
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}


def _with_kinh_gui(tmp_path: Path, **meta: object) -> Look:
    from dataclasses import replace

    tpl = small_template()
    tpl = replace(tpl, meta=replace(tpl.meta, kinh_gui=True, **meta))
    return Look(write_unit_docx(tpl, KHUC_THUA_DU, small_answers(), DocInfo(5, date(2025, 8, 6)),
                                tmp_path / "k.docx"))


def test_a_bao_cao_has_no_kinh_gui_unless_the_template_asks(look: Look) -> None:
    """Mẫu 1.4 (báo cáo): the subject is followed by the opening paragraph; "Kính gửi" is an option."""
    texts = look.texts()
    assert not [t for t in texts if t.startswith("Kính gửi")]
    assert texts[texts.index("BÁO CÁO") + 2].startswith("Thực hiện Công văn số 5270/SGDĐT-VP")


def test_kinh_gui_single_line(tmp_path: Path) -> None:
    """PL I, II.9 (ô 9a): one recipient on one line, "Kính gửi: …", centred."""
    look = _with_kinh_gui(tmp_path)
    p = look.find("Kính gửi:")
    assert look.text(p) == "Kính gửi: Sở Giáo dục và Đào tạo thành phố Hải Phòng"
    assert look.align(p) == "center"


def test_kinh_gui_several_as_aligned_dash_list(tmp_path: Path) -> None:
    """PL I, II.9 (ô 9a): several recipients as "- …;" lines aligned under the first."""
    look = _with_kinh_gui(tmp_path, recipients=("Sở Giáo dục và Đào tạo", "Ủy ban nhân dân thành phố"))
    first = look.find("Kính gửi:")
    second = _next_paragraphs(first, 1)[0]
    assert look.text(first) == "Kính gửi:\t- Sở Giáo dục và Đào tạo;"
    assert look.text(second) == "- Ủy ban nhân dân thành phố."
    tab = int(first.find(f"{W}pPr/{W}tabs/{W}tab").get(qn("w:pos")))
    # The first dash starts at the tab stop, which is where the next line's left indent puts its dash.
    assert tab == look.twips(first, "ind", "left") == look.twips(second, "ind", "left")
    assert look.twips(first, "ind", "hanging") > 0
