"""The department's compiled report (.docx): letterhead, rates per province, figure totals with counts, tallies,
nominees, a bounded digest with the full text in the annex, missing units by province, the campaign's signer."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, time
from pathlib import Path

import pytest
from docx.oxml.ns import qn

from dialogs.answers import AnswerRecord
from dialogs.template.model import Field
from dialogs.vietnamese.format import format_number
from exporters.docx_compiled import write_compiled_docx
from exporters.model import CampaignInfo, UnitStatus
from exporters.rate import reporting_rate
from tests.exporters.conftest import small_template
from tests.exporters.docxlook import Look, W

ISSUED = date(2025, 8, 25)


@pytest.fixture
def look(tmp_path: Path, campaign: CampaignInfo, units: list[UnitStatus]) -> Look:
    return Look(write_compiled_docx(small_template(), campaign, units, tmp_path / "c.docx", issued_on=ISSUED))


def _rows(table) -> list[list[str]]:
    return [["".join(Look.text(None, p) for p in tc.findall(qn("w:p"))) for tc in tr.findall(qn("w:tc"))]  # type: ignore[arg-type]
            for tr in table.findall(qn("w:tr"))]


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


def test_a_deadline_with_a_time_is_written_with_it(tmp_path: Path, campaign: CampaignInfo,
                                                   units: list[UnitStatus]) -> None:
    """The opening and the on-time rate say the deadline as the campaign set it: «17:00 ngày 20/8/2025»."""
    timed = replace(campaign, deadline=date(2025, 8, 20), deadline_time=time(17, 0))
    text = "\n".join(Look(write_compiled_docx(small_template(), timed, units, tmp_path / "t.docx",
                                              issued_on=ISSUED)).texts())
    assert "hạn gửi 17:00 ngày 20/8/2025, Sở Giáo dục và Đào tạo tổng hợp" in text
    assert "Số đơn vị gửi đúng hạn (đến 17:00 ngày 20/8/2025):" in text and "đến ngày" not in text


def test_figure_headers_are_short_unless_ambiguous() -> None:
    """Columns read "Số tập thể", "Số tiền (đồng)"; two amounts of money fall back to their prompts."""
    from exporters.compose_compiled import figure_headers

    fields = [Field("a", "integer", "Bao nhiêu tập thể?", unit="tập thể"), Field("b", "money", "Tiền thưởng?"),
              Field("c", "money", "Tiền hỗ trợ?"), Field("d", "decimal", "Diện tích?")]
    assert figure_headers(fields) == ["Số tập thể", "Tiền thưởng (đồng)", "Tiền hỗ trợ (đồng)", "Diện tích"]


def test_ends_with_slash_dot_and_signature(look: Look) -> None:
    """PL I, II.6–II.9: the content closes with "./.", then Nơi nhận and the signer in one unsplittable row."""
    texts = [t for t in (look.text(p) for p in look.body.findall(qn("w:p"))) if t.strip()]
    assert texts[-1].endswith("./.")
    sign = look.tables()[-1]
    assert look.find("Nơi nhận:", sign) is not None and look.find("GIÁM ĐỐC", sign) is not None
    assert sign.find(f"{W}tr/{W}trPr/{W}cantSplit") is not None


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
    quoted = [t for t in texts if t.startswith(f"{reported[1].unit.name} ") or t.startswith(
        f"{reported[1].unit.name}:")]
    assert all(t.startswith(f"{reported[1].unit.name} (chưa có dấu): ") for t in quoted if "uu diem" in t)


def _shipped_look(tmp_path: Path, count: int = 60, **info: object) -> tuple[Look, Path, list[UnitStatus]]:
    """The compiled report of the shipped template over ``count`` communes of two provinces (benchmark answers)."""
    from benchmarks.export import CAMPAIGN, communes, generated
    from dialogs.template.loader import load_shipped

    template = load_shipped()
    units = generated(template, communes(None)[::55][:count], submitted=count * 2 // 3)
    campaign = replace(CAMPAIGN, **info)  # type: ignore[arg-type]
    annex = tmp_path / "phu-luc.docx"
    path = write_compiled_docx(template, campaign, units, tmp_path / "c.docx", issued_on=ISSUED, annex=annex)
    return Look(path), annex, units


def test_the_main_report_is_bounded_and_its_headings_never_clash(tmp_path: Path) -> None:
    look, annex, units = _shipped_look(tmp_path)
    text = "\n".join(look.texts())
    tops = [t for t in look.texts() if re.match(r"^[IVX]+\. ", t)]
    assert [t.split(".")[0] for t in tops] == ["I", "II", "III", "IV", "V"]  # one roman series, never repeated
    # Each text field quotes a few units, the others are counted and sent to the annex.
    assert text.count("(toàn văn tại Phụ lục)") >= 10
    reported = [u for u in units if u.status != "missing"]
    longest = max(len(str(r.value)) for u in reported for r in u.answers.values() if r.field_type == "" and
                  isinstance(r.value, str))
    assert all(len(t) < longest for t in look.texts() if ": " in t)  # excerpts, never a unit's whole answer
    assert len(text) < 0.2 * sum(len(str(r.value)) for u in reported for r in u.answers.values())
    # Several provinces: each quoted unit says which province it is in (five «Xã Bình Minh» are told apart).
    assert any(re.match(r"^(Xã|Phường|Đặc khu) [^:]+ \([^)]+\): ", t) for t in look.texts())
    annex_text = "\n".join(Look(annex).texts())
    assert "PHỤ LỤC" in annex_text and reported[0].unit.name in annex_text


def test_rates_per_province_figures_with_counts_tallies_and_nominees(tmp_path: Path) -> None:
    look, _, units = _shipped_look(tmp_path)
    tables = [_rows(t) for t in look.tables()]
    provinces = next(t for t in tables if t[0][:2] == ["TT", "Tỉnh, thành phố"])
    rate = reporting_rate(units)
    assert provinces[-1][1:4] == ["Cả nước", format_number(rate.expected), format_number(rate.reported)]
    assert len(provinces) >= 4  # header, two provinces or more, the total
    figures = next(t for t in tables if t[0][:2] == ["TT", "Chỉ tiêu"])
    reported = [u for u in units if u.status != "missing"]
    tap_the = next(r for r in figures if r[1] == "Số tập thể được khen thưởng")
    total = sum(u.answers["so_tap_the"].value for u in reported)
    assert tap_the[2].startswith(format_number(total)) and tap_the[3] == format_number(len(reported))
    assert tap_the[2].endswith("(*)")  # some units gave "hơn …": the total says it holds estimates
    choices = [t for t in tables if t[0] == ["TT", "Nội dung", "Số đơn vị", "Tỷ lệ (%)"]]
    assert len(choices) == 3  # the multi-choice, the choice and the yes/no field
    yes = choices[-1][1]
    assert yes[1] == "Có" and yes[2] == format_number(len(reported))
    nominees = next(t for t in tables if t[0][-1] == "Đơn vị giới thiệu")
    assert "Họ và tên" in " ".join(nominees[0]) and len(nominees) > 10
    assert all("(" in row[-1] for row in nominees[1:])  # the unit with its province


def test_missing_units_by_province_and_the_signer_from_the_campaign(tmp_path: Path) -> None:
    look, _, units = _shipped_look(tmp_path, signer_lines=("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
                                   signer_name="Trần Văn Bình", noi_nhan=("UBND thành phố (b/c)",))
    texts = look.texts()
    missing = [u for u in units if u.status == "missing"]
    listed = "\n".join(t for t in texts if "đơn vị): " in t)
    assert all(u.unit.name in listed for u in missing)
    assert "KT. GIÁM ĐỐC" in texts and "PHÓ GIÁM ĐỐC" in texts and "Trần Văn Bình" in texts
    assert any("UBND thành phố (b/c)" in t for t in texts)
