"""What the per-unit report says, checked on the neutral document model (no python-docx involved)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from dialogs.answers import AnswerRecord
from dialogs.template.model import Field, Option, Section
from exporters.compose import Heading, Paragraph, Table, compose_unit, field_blocks, heading_for
from exporters.model import DocInfo, UnitInfo
from exporters.render import MISSING, format_value, sentence
from tests.exporters.conftest import KHUC_THUA_DU, small_answers, small_template

DOC = DocInfo(5, date(2025, 8, 6))


def _texts(blocks) -> list[str]:
    return [b.text for b in blocks if isinstance(b, (Heading, Paragraph))]


def test_sections_in_template_order_with_headings_styled_by_number() -> None:
    report = compose_unit(small_template(), KHUC_THUA_DU, small_answers(), DOC)
    headings = [b for b in report.body if isinstance(b, Heading)]
    assert [h.text for h in headings] == [
        "I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO",
        "1. Công tác lãnh đạo, chỉ đạo của cấp ủy Đảng, chính quyền",
        "2. Công tác xây dựng văn bản chỉ đạo",
        "IV. KẾT QUẢ CÔNG TÁC KHEN THƯỞNG",
        "2. Kết quả cụ thể",
        "3. Giới thiệu điển hình tiên tiến",
        "V. ĐÁNH GIÁ CHUNG",
        "1. Ưu điểm",
        "2. Đề xuất, kiến nghị",
        "a) Đối với Sở Giáo dục và Đào tạo",
    ]
    assert [h.style for h in headings[:3]] == ["roman", "arabic", "arabic"] and headings[-1].style == "letter"


@pytest.mark.parametrize(("number", "depth", "label", "style"), [
    ("IV", 0, "IV.", "roman"), ("IV.", 0, "IV.", "roman"), ("2", 1, "2.", "arabic"), ("b)", 2, "b)", "letter"),
    ("", 1, "", "arabic"),
])
def test_heading_label_follows_the_number(number: str, depth: int, label: str, style: str) -> None:
    heading = heading_for(Section(number, "Tiêu đề", "x"), depth)
    assert (heading.label, heading.style) == (label, style)


def test_opening_names_the_request_and_the_agency_in_sentence_case() -> None:
    report = compose_unit(small_template(), KHUC_THUA_DU, small_answers(), DOC)
    first = report.body[0]
    assert isinstance(first, Paragraph)
    assert first.text.startswith("Thực hiện Công văn số 5270/SGDĐT-VP ngày 05/8/2025 của Sở Giáo dục và Đào tạo về")
    assert "Ủy ban nhân dân xã Khúc Thừa Dụ xây dựng báo cáo" in first.text


def test_figures_quoted_in_another_sentence_are_not_repeated() -> None:
    texts = _texts(compose_unit(small_template(), KHUC_THUA_DU, small_answers(), DOC).body)
    sentence_ = "Hằng năm, xã đã đề nghị và được khen thưởng cho trên 75 tập thể, hơn 650 cá nhân với số tiền hơn " \
                "570.000.000 đồng."
    assert texts.count(sentence_) == 1
    assert not [t for t in texts if t.startswith(("Số cá nhân", "Tổng số tiền"))]
    # A field nobody quotes still reads as its own sentence.
    assert "Tỷ lệ khen thưởng người lao động trực tiếp: 85,5%." in texts


def test_signer_name_and_hidden_sections_stay_out_of_the_body() -> None:
    report = compose_unit(small_template(), KHUC_THUA_DU, small_answers(), DOC)
    assert report.signer_name == "Nguyễn Đình Biểu"
    assert not [t for t in _texts(report.body) if "Nguyễn Đình Biểu" in t or "Người ký" in t]
    assert report.signer_lines == ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")


def test_none_answer_uses_render_none_or_a_default_sentence() -> None:
    report = compose_unit(small_template(), KHUC_THUA_DU, small_answers(), DOC)
    assert "Ủy ban nhân dân xã không có đối tượng đáp ứng đủ các tiêu chí như yêu cầu." in _texts(report.body)
    # Never the prompt: "Không có." under the heading, or the short name when the section holds several fields.
    field = Field("ton_tai", "text", "Những tồn tại, hạn chế? Nếu không có, gõ “không có”.", short="Tồn tại")
    assert sentence(field, AnswerRecord("none"), {}) == "Không có."
    assert sentence(field, AnswerRecord("none"), {}, alone=False) == "Tồn tại: không có."


def test_render_empty_means_never_on_its_own() -> None:
    field = Field("co", "yesno", "Có điển hình không?", render="")
    assert field_blocks(field, AnswerRecord("answered", True), {}) == []
    assert field_blocks(field, AnswerRecord("none"), {}) == []


def test_skipped_optional_is_omitted_and_missing_required_is_marked() -> None:
    optional = Field("ty_le", "percent", "Tỷ lệ?", required=False)
    required = Field("uu_diem", "text", "Ưu điểm?")
    conditional = Field("ly_do", "text", "Lý do?", when="co == false")
    assert field_blocks(optional, AnswerRecord("skipped"), {}) == []
    assert field_blocks(conditional, None, {}) == []
    assert field_blocks(required, None, {}) == [Paragraph(f"Ưu điểm: {MISSING}")]


def test_a_quoted_figure_without_answer_never_leaves_braces() -> None:
    answers = dict(small_answers())
    del answers["so_ca_nhan"]
    answers["so_tien"] = AnswerRecord("none")
    texts = _texts(compose_unit(small_template(), KHUC_THUA_DU, answers, DOC).body)
    line = next(t for t in texts if t.startswith("Hằng năm"))
    # No data is not zero: a plain placeholder says so, never "0".
    assert "{" not in line and f"{MISSING} cá nhân" in line and f"số tiền {MISSING}." in line


@pytest.mark.parametrize(("record", "expected"), [
    (AnswerRecord("answered", 570_000_000, approximate=True, qualifier="hơn"), "hơn 570.000.000 đồng"),
    (AnswerRecord("answered", 570_000_000, approximate=True), "khoảng 570.000.000 đồng"),
    (AnswerRecord("answered", 1_234_567), "1.234.567 đồng"),
])
def test_money_with_qualifier(record: AnswerRecord, expected: str) -> None:
    assert format_value(Field("tien", "money", "Số tiền?"), record) == expected


def test_choice_multichoice_yesno_and_decimal_values() -> None:
    options = (Option("huyen", "UBND cấp huyện"), Option("tp", "UBND thành phố"))
    assert format_value(Field("c", "choice", "?", options=options), AnswerRecord("answered", "tp")) == "UBND thành phố"
    assert format_value(Field("m", "multichoice", "?", options=options),
                        AnswerRecord("answered", ["huyen", "tp"])) == "UBND cấp huyện, UBND thành phố"
    assert format_value(Field("y", "yesno", "?"), AnswerRecord("answered", False)) == "không"
    assert format_value(Field("d", "decimal", "?"), AnswerRecord("answered", 1234567.5)) == "1.234.567,5"


def test_a_file_answer_reads_as_its_name_and_a_photo_without_one_as_a_photo() -> None:
    field = Field("anh", "file", "Ảnh chụp biên bản?")
    named = {"file_id": "f1", "name": "bien-ban.pdf", "mime": "application/pdf", "size": 1200}
    photo = {"file_id": "f2", "name": "", "mime": "image/jpeg", "size": 5400}
    unnamed = {"file_id": "f3", "name": "", "mime": "application/octet-stream", "size": 10}
    assert format_value(field, AnswerRecord("answered", named)) == "bien-ban.pdf"
    assert format_value(field, AnswerRecord("answered", photo)) == "ảnh chụp"
    assert format_value(field, AnswerRecord("answered", unnamed)) == "tệp đính kèm"


def test_group_with_column_sentence_is_one_paragraph_per_item() -> None:
    group = Field("dh", "group", "Điển hình?", render="- {ho_ten}, {chuc_vu}: {thanh_tich}", fields=(
        Field("ho_ten", "text", "Họ tên?"), Field("chuc_vu", "text", "Chức vụ?"),
        Field("thanh_tich", "text", "Thành tích?")))
    items = [{"ho_ten": "Nguyễn Thị Hoa", "chuc_vu": "Giáo viên", "thanh_tich": "Giáo viên dạy giỏi"},
             {"ho_ten": "Trần Văn An", "chuc_vu": "Học sinh lớp 9", "thanh_tich": "Giải Nhất thành phố"}]
    blocks = field_blocks(group, AnswerRecord("answered", items), {})
    assert _texts(blocks) == ["- Nguyễn Thị Hoa, Giáo viên: Giáo viên dạy giỏi",
                              "- Trần Văn An, Học sinh lớp 9: Giải Nhất thành phố"]


def test_group_without_column_sentence_is_a_table() -> None:
    group = Field("dh", "group", "Điển hình?", fields=(Field("ho_ten", "text", "Họ và tên"),
                                                         Field("so_nam", "integer", "Số năm")))
    blocks = field_blocks(group, AnswerRecord("answered", [{"ho_ten": "A", "so_nam": 1200}]), {})
    assert blocks == [Table(("TT", "Họ và tên", "Số năm"), (("1", "A", "1.200"),), (True, False, True))]


def test_closing_mark_after_a_final_table() -> None:
    tpl = small_template()
    last = Section("VI", "Danh sách", "VI", children=(Field("ds", "group", "Danh sách?", fields=(
        Field("ten", "text", "Tên"),)),))
    tpl = replace(tpl, sections=(*tpl.sections, last))
    answers = {**small_answers(), "ds": AnswerRecord("answered", [{"ten": "Xã A"}])}
    body = compose_unit(tpl, KHUC_THUA_DU, answers, DOC).body
    assert isinstance(body[-2], Table) and body[-1] == Paragraph("./.")


def test_place_in_date_line_uses_override_and_rules() -> None:
    kien_thuy = UnitInfo("Xã Kiến Thụy", "xã", "1", "Thành phố Hải Phòng")
    assert compose_unit(small_template(), kien_thuy, {}, DOC).letterhead.place_date == \
        "Kiến Thụy, ngày 06 tháng 8 năm 2025"
    assert compose_unit(small_template(), kien_thuy, {}, replace(DOC, place="Hải Phòng")).letterhead.place_date \
        == "Hải Phòng, ngày 06 tháng 8 năm 2025"
