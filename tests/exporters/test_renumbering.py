"""What a unit report prints: sub-sections numbered without gaps when one is left out, references read whole."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from dialogs.answers import AnswerRecord
from dialogs.template.model import Field, Section, Template
from exporters.docx_unit import write_unit_docx
from exporters.model import DocInfo
from tests.exporters.conftest import KHUC_THUA_DU, small_answers, small_template
from tests.exporters.docxlook import Look


def _template() -> Template:
    """Section IV as the shipped template has it: 1 figures, 2 an optional text, 3 the điển hình."""
    base = small_template()
    s1, s4, s5 = base.sections
    renumbered = zip(s4.children, "13", strict=True)
    ket_qua, dien_hinh = (dataclasses.replace(s, number=n, path=f"IV.{n}") for s, n in renumbered)
    doi_moi = Section("2", "Đổi mới công tác khen thưởng", "IV.2", children=(
        Field("doi_moi", "text", "Đổi mới công tác khen thưởng?", required=False, section="IV.2"),
    ))
    s4 = dataclasses.replace(s4, children=(ket_qua, doi_moi, dien_hinh))
    return dataclasses.replace(base, sections=(s1, s4, s5))


def _unit_text(tmp_path: Path, answers: dict[str, AnswerRecord]) -> list[str]:
    path = write_unit_docx(_template(), KHUC_THUA_DU, answers, DocInfo(5, date(2025, 8, 6)), tmp_path / "u.docx")
    look = Look(path)
    return [look.text(p) for p in look.paragraphs()]


def _section_iv(lines: list[str]) -> list[str]:
    start = lines.index("IV. KẾT QUẢ CÔNG TÁC KHEN THƯỞNG")
    end = lines.index("V. ĐÁNH GIÁ CHUNG")
    return [line for line in lines[start + 1 : end] if line[:2] in ("1.", "2.", "3.")]


@pytest.mark.parametrize(
    ("doi_moi", "headings"),
    [
        # Nothing dropped: the template's numbers, as they are.
        (AnswerRecord("answered", "Khen thưởng kịp thời, đúng đối tượng."),
         ["1. Kết quả cụ thể", "2. Đổi mới công tác khen thưởng", "3. Giới thiệu điển hình tiên tiến"]),
        # IV.2 has nothing to print: IV.3 is printed as 2, not after a gap.
        (None, ["1. Kết quả cụ thể", "2. Giới thiệu điển hình tiên tiến"]),
    ],
)
def test_printed_sub_sections_are_numbered_without_gaps(
    tmp_path: Path, doi_moi: AnswerRecord | None, headings: list[str]
) -> None:
    answers = small_answers()
    if doi_moi is not None:
        answers["doi_moi"] = doi_moi
    assert _section_iv(_unit_text(tmp_path, answers)) == headings


def test_a_template_gap_is_kept_when_nothing_is_dropped(tmp_path: Path) -> None:
    """The fixture's section IV has only sub-sections 2 and 3: the template's choice, printed as is."""
    path = write_unit_docx(small_template(), KHUC_THUA_DU, small_answers(), DocInfo(5, date(2025, 8, 6)),
                           tmp_path / "u.docx")
    look = Look(path)
    lines = [look.text(p) for p in look.paragraphs()]
    assert "2. Kết quả cụ thể" in lines and "3. Giới thiệu điển hình tiên tiến" in lines


def test_a_dropped_top_level_section_closes_the_roman_numbering(tmp_path: Path) -> None:
    base = _template()
    s1, s4, s5 = base.sections
    extra = Section("II", "Kết quả phong trào thi đua", "II", children=(
        Section("1", "Phong trào do xã phát động", "II.1", children=(
            Field("phong_trao", "text", "Phong trào?", required=False, section="II.1"),
        )),
    ))
    s4, s5 = (dataclasses.replace(s, number=n) for s, n in ((s4, "III"), (s5, "IV")))
    template = dataclasses.replace(base, sections=(s1, extra, s4, s5))
    path = write_unit_docx(template, KHUC_THUA_DU, small_answers(), DocInfo(5, date(2025, 8, 6)), tmp_path / "u.docx")
    look = Look(path)
    romans = [t for t in (look.text(p) for p in look.paragraphs()) if t[:3] in ("I. ", "II.", "III", "IV.")]
    assert romans == ["I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO", "II. KẾT QUẢ CÔNG TÁC KHEN THƯỞNG", "III. ĐÁNH GIÁ CHUNG"]


def test_the_report_sentence_names_the_issuer_of_a_reference(tmp_path: Path) -> None:
    answers = small_answers()
    answers["van_ban"] = AnswerRecord("answered", {"number": "337", "symbol": "KH-UBND", "kind": "Kế hoạch",
                                                   "date": "2023-12-29", "issuer": "Ủy ban nhân dân thành phố"})
    lines = _unit_text(tmp_path, answers)
    assert ("Thực hiện Kế hoạch số 337/KH-UBND ngày 29/12/2023 của Ủy ban nhân dân thành phố, xã ban hành kế hoạch "
            "thi đua hằng năm.") in lines


def test_a_party_document_reads_with_its_hyphen_in_the_report(tmp_path: Path) -> None:
    answers = small_answers()
    answers["van_ban"] = AnswerRecord("answered", {"number": "34", "symbol": "CT/TW", "kind": "Chỉ thị",
                                                   "date": None})
    assert "Thực hiện Chỉ thị số 34-CT/TW, xã ban hành kế hoạch thi đua hằng năm." in _unit_text(tmp_path, answers)
