"""A department's own Word template (docxtpl) filled instead of the built-in layout."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx

from exporters.docx_unit import write_unit_docx
from exporters.docxtpl_fill import build_context, write_example_template, write_from_word_template
from exporters.model import DocInfo
from tests.exporters.conftest import KHUC_THUA_DU, small_answers, small_template
from tests.exporters.docxlook import Look

DOC = DocInfo(5, date(2025, 8, 6))


def test_department_template_gets_unit_values_and_sentences(tmp_path: Path) -> None:
    word = docx.Document()
    word.add_paragraph("{{ unit.name }} — {{ doc.number_line }} — {{ doc.place_date }}")
    word.add_paragraph("Số tập thể: {{ values.so_tap_the }}; tiền: {{ so_tien }}.")
    word.add_paragraph("{{ answers.so_tap_the }}")
    word.add_paragraph("Người ký: {{ signer_name }}; nơi nhận: {{ noi_nhan|join(' ') }}")
    word.save(tmp_path / "dept.docx")
    out = write_from_word_template(tmp_path / "dept.docx", small_template(), KHUC_THUA_DU, small_answers(), DOC,
                                   tmp_path / "out.docx")
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    assert texts[0] == "Xã Khúc Thừa Dụ — Số: 05/BC-UBND — Xã Khúc Thừa Dụ, ngày 06 tháng 8 năm 2025"
    assert texts[1] == "Số tập thể: trên 75; tiền: hơn 570.000.000 đồng."
    assert texts[2].startswith("Hằng năm, xã đã đề nghị và được khen thưởng cho trên 75 tập thể")
    # "&" in "Sở GD&ĐT" survives: the values are escaped into the XML, not pasted raw.
    assert texts[3] == "Người ký: Nguyễn Đình Biểu; nơi nhận: - Sở GD&ĐT (b/c); - Lãnh đạo UBND; - Lưu: VT, VHXH."


def test_context_marks_none_and_missing_answers() -> None:
    answers = dict(small_answers())
    del answers["uu_diem"]
    context = build_context(small_template(), KHUC_THUA_DU, answers, DOC)
    assert context["values"]["dien_hinh"] == "không có" and context["uu_diem"] == ""
    assert context["raw"]["so_tien"] == 570_000_000 and context["doc"]["number"] == "05"


def test_example_template_reproduces_the_built_in_content(tmp_path: Path) -> None:
    template_path = write_example_template(tmp_path / "mau.docx")
    filled = Look(write_from_word_template(template_path, small_template(), KHUC_THUA_DU, small_answers(), DOC,
                                           tmp_path / "filled.docx"))
    built = Look(write_unit_docx(small_template(), KHUC_THUA_DU, small_answers(), DOC, tmp_path / "built.docx"))

    def body(look: Look) -> list[str]:
        texts = [look.text(p) for p in look.body.iterchildren() if p.tag.endswith("}p") and look.text(p).strip()]
        return texts[texts.index("BÁO CÁO"):]

    assert body(filled) == body(built)
    styles = {filled.text(p): filled.style_of(p) for p in filled.paragraphs()}
    assert styles["I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO"] == "ND30Heading1"
    assert styles["a) Đối với Sở Giáo dục và Đào tạo"] == "ND30Heading3"
    header = "\n".join(filled.text(p) for p in filled.paragraphs(filled.tables()[0]))
    assert "XÃ KHÚC THỪA DỤ" in header and "Số: 05/BC-UBND" in header
