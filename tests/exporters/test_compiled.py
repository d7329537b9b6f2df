"""The department's compiled report (.docx): letterhead, reporting rate, figures per unit, digest, missing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from docx.oxml.ns import qn

from dialogs.answers import AnswerRecord
from dialogs.template.model import Field, Section
from dialogs.vietnamese.format import format_number
from exporters.docx_compiled import write_compiled_docx
from exporters.model import CampaignInfo, UnitStatus
from exporters.rate import reporting_rate
from tests.exporters.conftest import small_template
from tests.exporters.docxlook import EMU_PER_CM, Look, W

ISSUED = date(2025, 8, 25)


@pytest.fixture
def look(tmp_path: Path, campaign: CampaignInfo, units: list[UnitStatus]) -> Look:
    return Look(write_compiled_docx(small_template(), campaign, units, tmp_path / "c.docx", issued_on=ISSUED))


def _rows(table) -> list[list[str]]:
    return [["".join(Look.text(None, p) for p in tc.findall(qn("w:p"))) for tc in tr.findall(qn("w:tc"))]  # type: ignore[arg-type]
            for tr in table.findall(qn("w:tr"))]


def _figure_table(look: Look):
    return next(t for t in look.tables() if "Đơn vị" in "".join(look.text(p) for p in look.paragraphs(t))
                and "Tình trạng" in "".join(look.text(p) for p in look.paragraphs(t)))


def test_department_letterhead(look: Look) -> None:
    """PL I, II.2–II.4: parent body upper case not bold, the department bold, "Số: /BC-SGDĐT", place and date."""
    cells = [tr.findall(qn("w:tc")) for tr in look.tables()[0].findall(qn("w:tr"))]
    lines = [p for p in look.paragraphs(cells[0][0]) if look.text(p).strip()]
    assert [look.text(p) for p in lines] == ["UBND THÀNH PHỐ HẢI PHÒNG", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"]
    assert look.flag(lines[0], "b") == {False} and look.flag(lines[1], "b") == {True}
    assert look.text(look.find("Số:", cells[1][0])) == "Số:       /BC-SGDĐT"
    assert look.text(look.find("Hải Phòng", cells[1][1])) == "Hải Phòng, ngày 25 tháng 8 năm 2025"


def test_reporting_rate_paragraphs(look: Look, units: list[UnitStatus]) -> None:
    """The DHIS2 rate: expected, reported with its %, on time with its %, late, missing."""
    rate = reporting_rate(units)
    text = "\n".join(look.texts())
    assert f"Số đơn vị được giao báo cáo: {rate.expected} đơn vị." in text
    assert f"Số đơn vị đã gửi báo cáo: {rate.reported} đơn vị, đạt tỷ lệ {format_number(rate.rate_pct)}%." in text
    assert (f"Số đơn vị gửi đúng hạn (đến ngày 20/8/2025): {rate.on_time} đơn vị, đạt tỷ lệ "
            f"{format_number(rate.on_time_pct)}%; gửi muộn: {rate.late} đơn vị.") in text
    assert f"Số đơn vị chưa gửi báo cáo: {rate.missing} đơn vị." in text
    assert (rate.expected, rate.on_time, rate.late, rate.missing) == (12, 6, 3, 3)


def test_figures_table_every_unit_with_totals(look: Look, units: list[UnitStatus]) -> None:
    """A row per unit in order, its status, each figure the Vietnamese way, and column totals."""
    rows = _rows(_figure_table(look))
    assert rows[0][:3] == ["TT", "Đơn vị", "Tình trạng"] and rows[0][3] == "Số tập thể"
    body, total = rows[1:-1], rows[-1]
    assert [r[1] for r in body] == [u.unit.name for u in units]
    labels = {"on_time": "Đúng hạn", "late": "Muộn", "missing": "Chưa gửi"}
    assert [r[2] for r in body] == [labels[u.status] for u in units]
    reported = [u for u in units if u.status != "missing"]
    assert total[1] == "Tổng cộng" and total[2] == f"{len(reported)}/{len(units)}"
    assert total[3] == format_number(sum(u.answers["so_tap_the"].value for u in reported))
    assert total[4] == format_number(sum(u.answers["so_ca_nhan"].value for u in reported))
    money = sum(u.answers["so_tien"].value or 0 for u in reported)
    assert total[5] == format_number(money) and "." in total[5]
    first = body[0]
    assert first[4] == "hơn 100"  # an approximate figure keeps its word
    none_row = body[5]
    assert none_row[5] == ""  # "không có" is no data: blank, never 0
    assert all(cell == "" for cell in body[3][3:])  # a missing unit has no figures


def test_figure_headers_are_short_unless_ambiguous() -> None:
    """Columns read "Số tập thể", "Số tiền (đồng)"; two amounts of money fall back to their prompts."""
    from exporters.compose_compiled import figure_headers

    fields = [Field("a", "integer", "Bao nhiêu tập thể?", unit="tập thể"), Field("b", "money", "Tiền thưởng?"),
              Field("c", "money", "Tiền hỗ trợ?"), Field("d", "decimal", "Diện tích?")]
    assert figure_headers(fields) == ["Số tập thể", "Tiền thưởng (đồng)", "Tiền hỗ trợ (đồng)", "Diện tích"]


def test_figures_table_header_repeats_and_rows_do_not_split(look: Look) -> None:
    """PL I, II.6 (bảng): the header row repeats on every page; a row never breaks across pages."""
    table = _figure_table(look)
    trs = table.findall(qn("w:tr"))
    assert trs[0].find(f"{W}trPr/{W}tblHeader") is not None
    assert all(tr.find(f"{W}trPr/{W}tblHeader") is None for tr in trs[1:])
    assert all(tr.find(f"{W}trPr/{W}cantSplit") is not None for tr in trs)
    borders = table.find(f"{W}tblPr/{W}tblBorders")
    assert {b.get(qn("w:val")) for b in borders} == {"single"}


def test_digest_quotes_each_unit_under_its_name(look: Look, units: list[UnitStatus]) -> None:
    """Per section, each reporting unit's answer follows its name, in unit order; missing units are absent."""
    texts = look.texts()
    start = texts.index("III. TỔNG HỢP NỘI DUNG BÁO CÁO CỦA CÁC ĐƠN VỊ")
    quoted = [t for t in texts[start:] if t.endswith(".") and "Ưu điểm riêng của" in t]
    reported = [u for u in units if u.status != "missing"]
    assert quoted == [f"{u.unit.name}: Ưu điểm riêng của {u.unit.in_sentence}." for u in reported]
    lead = look.find(f"{reported[0].unit.name}: Ưu điểm")
    assert look.flag(lead, "b") == {True, False}  # the name bold, the answer not
    headings = [t for t in texts[start:] if t.startswith(("I.", "IV.", "V."))]
    assert headings[:2] == ["I. Công tác lãnh đạo, chỉ đạo",
                            "I.1. Công tác lãnh đạo, chỉ đạo của cấp ủy Đảng, chính quyền"]
    assert not [t for t in texts[start:] if t.startswith("IV.2.")]  # figures only: in the table instead


def test_missing_units_listed(look: Look, units: list[UnitStatus]) -> None:
    """Section IV lists every unit that has not submitted, numbered."""
    table = look.tables()[-2]
    rows = _rows(table)
    assert rows[0] == ["TT", "Đơn vị", "Tỉnh, thành phố"]
    missing = [u for u in units if u.status == "missing"]
    assert rows[1:] == [[str(n), u.unit.name, "Thành phố Hải Phòng"] for n, u in enumerate(missing, 1)]


def test_ends_with_slash_dot_and_signature(look: Look) -> None:
    """PL I, II.6–II.9: the content closes with "./.", then Nơi nhận and the signer in one unsplittable row."""
    texts = [t for t in (look.text(p) for p in look.body.findall(qn("w:p"))) if t.strip()]
    assert texts[-1].endswith("./.")
    sign = look.tables()[-1]
    assert look.find("Nơi nhận:", sign) is not None and look.find("GIÁM ĐỐC", sign) is not None
    assert sign.find(f"{W}tr/{W}trPr/{W}cantSplit") is not None


def test_many_figures_turn_the_table_landscape(tmp_path: Path, campaign: CampaignInfo,
                                               units: list[UnitStatus]) -> None:
    """PL I, I.2: a wide table may be laid along the page's width; page numbers continue in that section."""
    from dataclasses import replace

    tpl = small_template()
    extra = tuple(Field(f"chi_so_{n}", "integer", f"Chỉ số {n}?", required=False) for n in range(3))
    tpl = replace(tpl, sections=(*tpl.sections, Section("VI", "Chỉ số khác", "VI", children=extra)))
    units = [replace(u, answers={**u.answers, "chi_so_0": AnswerRecord("answered", 5)}) for u in units]
    look = Look(write_compiled_docx(tpl, campaign, units, tmp_path / "wide.docx", issued_on=ISSUED))
    sections = look.doc.sections
    assert len(sections) == 3
    assert [s.page_width > s.page_height for s in sections] == [False, True, False]
    assert abs(sections[1].page_width / EMU_PER_CM - 29.7) < 0.02
    assert sections[0]._sectPr.find(qn("w:titlePg")) is not None
    assert all(s._sectPr.find(qn("w:titlePg")) is None for s in sections[1:])
    table_section = sections[1]
    widths = [int(g.get(qn("w:w"))) for g in _figure_table(look).findall(f"{W}tblGrid/{W}gridCol")]
    text_w = (table_section.page_width - table_section.left_margin - table_section.right_margin) / EMU_PER_CM
    assert abs(sum(widths) * 2.54 / 1440 - text_w) < 0.05


def test_department_in_capitals_reads_in_sentence_case(tmp_path: Path, campaign: CampaignInfo,
                                                        units: list[UnitStatus]) -> None:
    """A template naming the department in capitals still reads "Sở Giáo dục và Đào tạo" inside sentences."""
    from dataclasses import replace

    shouting = replace(campaign, department="SỞ GIÁO DỤC VÀ ĐÀO TẠO", department_parent="UBND THÀNH PHỐ HẢI PHÒNG")
    look = Look(write_compiled_docx(small_template(), shouting, units, tmp_path / "u.docx", issued_on=ISSUED))
    opening = look.text(look.find("Căn cứ báo cáo"))
    assert opening.endswith(", Sở Giáo dục và Đào tạo tổng hợp kết quả như sau:")
    assert "hạn gửi ngày 20/8/2025" in opening
    cells = look.tables()[0].findall(f"{W}tr/{W}tc")
    assert "SỞ GIÁO DỤC VÀ ĐÀO TẠO" in [look.text(p) for p in look.paragraphs(cells[0])]
    assert look.text(look.find("Số:", cells[2])) == "Số:       /BC-SGDĐT"


def test_units_whose_text_is_still_without_diacritics_are_marked(tmp_path: Path, campaign: CampaignInfo,
                                                                 units: list[UnitStatus]) -> None:
    """A unit that kept its text as typed without diacritics is named in a note and marked where it is quoted."""
    reported = [u for u in units if u.status != "missing"]
    typed = AnswerRecord("answered", "uu diem rieng cua don vi la doan ket", raw="uu diem rieng cua don vi",
                         field_type="text")
    reported[1].answers["uu_diem"] = typed
    look = Look(write_compiled_docx(small_template(), campaign, units, tmp_path / "c.docx", issued_on=ISSUED))
    texts = look.texts()
    notes = [t for t in texts if t.startswith("Ghi chú: nội dung của")]
    assert notes == [f"Ghi chú: nội dung của 1 đơn vị còn viết không dấu, chưa được đơn vị chỉnh sửa (chưa có dấu): "
                     f"{reported[1].unit.name}."]
    assert f"{reported[1].unit.name} (chưa có dấu): uu diem rieng cua don vi la doan ket" in texts
    assert f"{reported[0].unit.name}: Ưu điểm riêng của {reported[0].unit.in_sentence}." in texts
