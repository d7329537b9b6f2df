"""From hurried answers to a report a văn thư accepts: "không có", partial and approximate answers.

Each test builds the shipped report from sample 003's facts with some answers changed, as a commune in a
hurry gives them, and reads what the unit's .docx, the compiled .docx and the .xlsx say.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
import yaml

from dialogs.answers import AnswerRecord
from dialogs.conversation.importer import import_answers
from dialogs.conversation.report import Report
from dialogs.template.loader import load_shipped, load_template_text
from dialogs.template.model import Template
from exporters.docx_compiled import write_compiled_docx
from exporters.docx_unit import write_unit_docx
from exporters.model import CampaignInfo, DocInfo, UnitInfo, UnitStatus
from exporters.nd30_blocks import NBSP
from exporters.xlsx import write_compiled_xlsx
from tests.exporters.conftest import KHUC_THUA_DU
from tests.exporters.docxlook import Look

ROOT = Path(__file__).resolve().parents[2]
FACTS = ROOT / "tests" / "data" / "sample_003_answers.yaml"
DOC = DocInfo(None, date(2025, 8, 6))
LE_CHAN = UnitInfo("Phường Lê Chân", "phường", "11311", "Thành phố Hải Phòng")
CAT_HAI = UnitInfo("Đặc khu Cát Hải", "đặc khu", "11500", "Thành phố Hải Phòng")
NONE = AnswerRecord("none")
CAMPAIGN = CampaignInfo("c1", "Tổng kết thi đua, khen thưởng 5 năm (2021 - 2025)", datetime(2025, 8, 20, 17, 0),
                        "Sở Giáo dục và Đào tạo", "UBND thành phố Hải Phòng", datetime(2025, 8, 5, 8, 0))
#: What only the bot's questions say: never in a formal document.
PROMPT_WORDS = re.compile(r"gõ “không có”|Nếu không nêu|\?")
#: "xã" as the unit's kind (not "xã hội").
XA = re.compile(r"\bxã\b(?! hội)", re.IGNORECASE)


@pytest.fixture(scope="module")
def template() -> Template:
    return load_shipped()


@pytest.fixture(scope="module")
def facts(template: Template) -> dict[str, AnswerRecord]:
    imported = import_answers(template, Report(), yaml.safe_load(FACTS.read_text()), datetime(2025, 8, 6, 9, 0))
    assert imported.problems == []
    return dict(imported.records)


def _unit(tmp_path: Path, template: Template, answers: dict[str, AnswerRecord], unit: UnitInfo = KHUC_THUA_DU,
          doc: DocInfo = DOC, name: str = "unit.docx") -> Look:
    return Look(write_unit_docx(template, unit, answers, doc, tmp_path / name))


def _after(look: Look, heading: str) -> list[str]:
    """The paragraphs under a heading, up to the next heading."""
    out: list[str] = []
    paragraphs = [p for p in look.body.findall(f"{{{look.body.nsmap['w']}}}p") if look.text(p).strip()]
    for n, p in enumerate(paragraphs):
        if look.text(p) == heading:
            for q in paragraphs[n + 1:]:
                if (look.style_of(q) or "").startswith("ND30Heading"):
                    break
                out.append(look.text(q))
            return out
    raise AssertionError(f"no heading {heading!r}")


def _headings(look: Look) -> list[str]:
    return [look.text(p) for p in look.paragraphs() if (look.style_of(p) or "").startswith("ND30Heading")]


def _body_text(look: Look) -> str:
    texts = look.texts()
    return "\n".join(texts[texts.index("BÁO CÁO"):])


# ---- 1. a text answered "không có" ---------------------------------------------------------------------
def test_text_answered_none_reads_as_a_sentence_never_the_prompt(tmp_path: Path, template: Template,
                                                                  facts: dict[str, AnswerRecord]) -> None:
    answers = {**facts, "nguyen_nhan": NONE, "bai_hoc_kinh_nghiem": NONE, "de_xuat_kien_nghi": NONE,
               "hoat_dong_hoi_dong": NONE, "dien_hinh_tieu_bieu": NONE}
    look = _unit(tmp_path, template, answers)
    text = _body_text(look)
    assert not PROMPT_WORDS.search(text), PROMPT_WORDS.search(text)
    assert _after(look, "3. Nguyên nhân") == ["Không có."]
    assert _after(look, "4. Bài học kinh nghiệm") == ["Không có."]
    assert _after(look, "5. Đề xuất, kiến nghị")[0] == "Không có đề xuất, kiến nghị./."
    assert _after(look, "2. Các điển hình tiên tiến tiêu biểu trong các phong trào thi đua yêu nước") == [
        "Không có tập thể, cá nhân điển hình tiên tiến tiêu biểu để báo cáo."]
    # "render_none: ''": nothing under V's own heading, and its sub-sections follow straight away.
    assert _after(look, "V. HOẠT ĐỘNG CỦA HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG") == []
    assert "1. Ưu điểm" in _headings(look)


def test_compiled_report_quotes_none_answers_as_sentences(tmp_path: Path, template: Template,
                                                          facts: dict[str, AnswerRecord]) -> None:
    units = [UnitStatus(KHUC_THUA_DU, "on_time", datetime(2025, 8, 10, 9), 1, facts),
             UnitStatus(LE_CHAN, "late", datetime(2025, 8, 21, 9), 1, {**facts, "nguyen_nhan": NONE,
                                                                        "hoat_dong_hoi_dong": NONE})]
    annex = tmp_path / "phu-luc.docx"
    look = Look(write_compiled_docx(template, CAMPAIGN, units, tmp_path / "c.docx", issued_on=date(2025, 8, 25),
                                    annex=annex))
    assert not [t for t in look.texts() if PROMPT_WORDS.search(t)]
    texts = Look(annex).texts()  # every unit's full text is in the annex
    assert not [t for t in texts if PROMPT_WORDS.search(t)]
    assert "Phường Lê Chân: Không có." in texts
    # A unit whose answer prints nothing ("render_none: ''") is left out, not shown with an empty line.
    assert not [t for t in texts if t.strip().startswith("Phường Lê Chân") and t.strip().endswith(":")]


# ---- 2. a figure answered "không có" -------------------------------------------------------------------
@pytest.mark.parametrize(("changed", "expected"), [
    ({"so_tap_the": NONE},
     "Hằng năm, xã đã đề nghị và được UBND cấp huyện khen thưởng cho hơn 650 cá nhân với số tiền hơn "
     "570.000.000 đồng."),
    ({"so_tien_khen_thuong": NONE},
     "Hằng năm, xã đã đề nghị và được UBND cấp huyện khen thưởng cho trên 75 tập thể, hơn 650 cá nhân."),
    ({"so_tap_the": NONE, "so_ca_nhan": NONE},
     "Hằng năm, xã đã đề nghị và được UBND cấp huyện khen thưởng với số tiền hơn 570.000.000 đồng."),
])
def test_no_data_is_left_out_of_the_sentence_never_zero(
    tmp_path: Path, template: Template, facts: dict[str, AnswerRecord], changed: dict[str, AnswerRecord],
    expected: str,
) -> None:
    look = _unit(tmp_path, template, {**facts, **changed})
    assert _after(look, "2. Kết quả cụ thể") == [expected]
    assert not re.search(r"\b0\b", _body_text(look))


def test_a_figure_given_alone_is_never_dropped(tmp_path: Path, template: Template,
                                               facts: dict[str, AnswerRecord]) -> None:
    """Only the money answered, and the question carrying the sentence never asked: the money still reads."""
    answers = {**facts, "so_tap_the": NONE, "so_ca_nhan": NONE}
    del answers["cap_khen_thuong"]
    look = _unit(tmp_path, template, answers)
    assert _after(look, "2. Kết quả cụ thể") == ["Số tiền khen thưởng: hơn 570.000.000 đồng."]


def test_no_figures_at_all_says_so_and_no_heading_stands_empty(tmp_path: Path, template: Template,
                                                               facts: dict[str, AnswerRecord]) -> None:
    answers = {**facts, "so_tap_the": NONE, "so_ca_nhan": NONE, "so_tien_khen_thuong": NONE}
    del answers["cap_khen_thuong"]
    look = _unit(tmp_path, template, answers)
    assert _after(look, "2. Kết quả cụ thể") == [
        "Chưa có số liệu về số tập thể, cá nhân được khen thưởng và số tiền khen thưởng."]
    headings = _headings(look)
    nexts = {look.text(p): p for p in look.paragraphs()}
    assert all(_after(look, h) or _has_sub(headings, h) for h in headings), nexts.keys()


def _has_sub(headings: list[str], heading: str) -> bool:
    n = headings.index(heading)
    return n + 1 < len(headings) and heading.split(".")[0].isupper() and not headings[n + 1].split(".")[0].isupper()


def _units(facts: dict[str, AnswerRecord]) -> list[UnitStatus]:
    only_money = {**facts, "so_tap_the": NONE, "so_ca_nhan": NONE}
    del only_money["cap_khen_thuong"]
    return [UnitStatus(KHUC_THUA_DU, "on_time", datetime(2025, 8, 10, 9), 1, facts),
            UnitStatus(LE_CHAN, "on_time", datetime(2025, 8, 11, 9), 1, {**facts, "so_tap_the": NONE}),
            UnitStatus(CAT_HAI, "late", datetime(2025, 8, 21, 9), 1, only_money),
            UnitStatus(UnitInfo("Xã Kiến Thụy", "xã", "11410", "Thành phố Hải Phòng"), "missing")]


def test_compiled_figures_leave_no_data_blank_and_out_of_the_totals(tmp_path: Path, template: Template,
                                                                    facts: dict[str, AnswerRecord]) -> None:
    look = Look(write_compiled_docx(template, CAMPAIGN, _units(facts), tmp_path / "c.docx",
                                    issued_on=date(2025, 8, 25)))
    table = next(t for t in look.tables() if "Chỉ tiêu" in "".join(look.text(p) for p in look.paragraphs(t)))
    rows = [[look.text(next(look.paragraphs(tc))) for tc in tr.findall(f"{{{look.body.nsmap['w']}}}tc")]
            for tr in table.findall(f"{{{look.body.nsmap['w']}}}tr")]
    by_name = {row[1]: row for row in rows[1:]}
    # Total of the units with data, how many gave it, how many of those are estimates, how many had none.
    assert by_name["Số tập thể được khen thưởng"][2:] == ["75 (*)", "1", "1", "2"]
    assert by_name["Số cá nhân được khen thưởng"][2:] == ["1.300 (*)", "2", "2", "1"]
    notes = "\n".join(look.texts())
    assert "không tính là 0" in notes and "(*) Tổng có số ước tính" in notes
    assert "Đặc khu Cát Hải: Hằng năm" not in notes  # its sentence was never asked


def test_xlsx_leaves_no_data_blank_and_counts_it(tmp_path: Path, template: Template,
                                                 facts: dict[str, AnswerRecord]) -> None:
    ws = openpyxl.load_workbook(write_compiled_xlsx(template, CAMPAIGN, _units(facts), tmp_path / "c.xlsx"))[
        "Tổng hợp"]
    cols = {c.value: c.column for c in ws[1]}
    tap_the, money = cols["Số tập thể được khen thưởng"], cols["Số tiền khen thưởng"]
    rows = {ws.cell(r, cols["Đơn vị"]).value: r for r in range(2, ws.max_row + 1)}
    le_chan, cat_hai = rows["Phường Lê Chân"], rows["Đặc khu Cát Hải"]
    assert ws.cell(le_chan, tap_the).value is None and ws.cell(cat_hai, tap_the).value is None  # not 0
    assert ws.cell(cat_hai, money).value == 570_000_000
    total, no_data = ws.max_row - 1, ws.max_row
    assert ws.cell(total, cols["Đơn vị"]).value == "Tổng cộng"
    assert str(ws.cell(total, tap_the).value).startswith("=SUM(")  # a formula over the units' rows
    assert sum(ws.cell(r, money).value or 0 for r in range(2, total)) == 3 * 570_000_000
    assert ws.cell(no_data, cols["Đơn vị"]).value == "Số đơn vị chưa có số liệu"
    assert (ws.cell(no_data, tap_the).value, ws.cell(no_data, money).value) == (2, 0)


# ---- 3. a draft --------------------------------------------------------------------------------------
def test_a_draft_is_marked_and_dated_as_one(tmp_path: Path, template: Template,
                                            facts: dict[str, AnswerRecord]) -> None:
    draft = _unit(tmp_path, template, facts, doc=DocInfo(None, date(2025, 8, 6), draft=True), name="d.docx")
    texts = draft.texts()
    assert texts[:2] == ["DỰ THẢO", "(chưa nộp, bản ngày 06/8/2025)"]
    assert "Xã Khúc Thừa Dụ, ngày      tháng 8 năm 2025" in texts
    final = _unit(tmp_path, template, facts, name="f.docx")
    assert "DỰ THẢO" not in final.texts() and "Xã Khúc Thừa Dụ, ngày 06 tháng 8 năm 2025" in final.texts()
    assert draft.doc.core_properties.title.endswith("(dự thảo)")
    # Every page after the first says so too, in its header (page 1 carries the boxed mark).
    headers = ["".join(p.text for p in s.header.paragraphs) for s in draft.doc.sections]
    assert all("DỰ THẢO" in h for h in headers)
    assert not any("DỰ THẢO" in "".join(p.text for p in s.header.paragraphs) for s in final.doc.sections)


def test_documents_carry_their_own_metadata(tmp_path: Path, template: Template,
                                            facts: dict[str, AnswerRecord]) -> None:
    unit = _unit(tmp_path, template, facts, unit=LE_CHAN).doc.core_properties
    assert unit.author == unit.last_modified_by == "Ủy ban nhân dân phường Lê Chân"
    assert unit.title.startswith("Báo cáo tổng kết phong trào thi đua yêu nước")
    assert unit.created == unit.modified == datetime(2025, 8, 6, tzinfo=UTC)
    assert unit.keywords == "Phường Lê Chân" and unit.comments == ""
    compiled = Look(write_compiled_docx(template, CAMPAIGN, _units(facts), tmp_path / "c.docx",
                                        issued_on=date(2025, 8, 25))).doc.core_properties
    assert compiled.author == "Sở Giáo dục và Đào tạo"
    assert compiled.created == datetime(2025, 8, 25, tzinfo=UTC)
    assert compiled.title.startswith("Báo cáo tổng hợp báo cáo tổng kết")
    for props in (unit, compiled):
        assert "python-docx" not in f"{props.author} {props.comments} {props.last_modified_by}"


# ---- 4. a phường, a đặc khu -------------------------------------------------------------------------------
@pytest.mark.parametrize(("unit", "kind"), [(LE_CHAN, "phường"), (CAT_HAI, "đặc khu")])
def test_the_unit_kind_comes_from_the_unit(tmp_path: Path, template: Template, facts: dict[str, AnswerRecord],
                                           unit: UnitInfo, kind: str) -> None:
    look = _unit(tmp_path, template, facts, unit=unit)
    text = _body_text(look)
    assert f"Hằng năm, {kind} đã đề nghị và được UBND cấp huyện khen thưởng cho trên 75 tập thể" in text
    assert f"Ủy ban nhân dân {unit.in_sentence} xây dựng báo cáo" in text
    # Answers are the commune's own words; everything the template writes follows the unit.
    written = [t for t in look.texts() if t.startswith(("Hằng năm", "Thực hiện Công văn"))]
    assert written and not [t for t in written if XA.search(t)]


def test_compiled_digest_says_each_units_own_kind(tmp_path: Path, template: Template,
                                                  facts: dict[str, AnswerRecord]) -> None:
    annex = tmp_path / "phu-luc.docx"
    write_compiled_docx(template, CAMPAIGN, _units(facts), tmp_path / "c.docx", issued_on=date(2025, 8, 25),
                        annex=annex)
    # One province: the units' names alone (with several, "Phường Lê Chân (Hải Phòng)").
    assert "Phường Lê Chân: Hằng năm, phường đã đề nghị và được UBND cấp huyện khen thưởng cho hơn 650 " \
           "cá nhân với số tiền hơn 570.000.000 đồng." in Look(annex).texts()


# ---- 5. no "Kính gửi" in a báo cáo; the subject broken as a văn thư breaks it -----------------------------
def test_bao_cao_goes_from_subject_to_opening(tmp_path: Path, template: Template,
                                              facts: dict[str, AnswerRecord]) -> None:
    assert template.meta.kinh_gui is False
    texts = _unit(tmp_path, template, facts).texts()
    start = texts.index("BÁO CÁO")
    assert texts[start + 1].split("\n") == [
        "Tổng kết phong trào thi đua yêu nước",
        f"và công tác khen thưởng 5 năm (giai{NBSP}đoạn{NBSP}2021{NBSP}-{NBSP}2025)"]
    assert texts[start + 2].startswith("Thực hiện Công văn số 5270/SGDĐT-VP")
    assert not [t for t in texts if t.startswith("Kính gửi")]


def test_kinh_gui_and_section_render_none_are_template_keys() -> None:
    text = """
id: t
version: "1"
title: T
document: {subject: S, kinh_gui: true}
sections:
  - number: I
    title: A
    render_none: Chưa có số liệu.
    fields:
      - {id: a, type: integer, prompt: "Số?", allow_none: true, render: "[{unit_kind} có {value}.]"}
"""
    loaded = load_template_text(text, "t.yaml")
    assert loaded.meta.kinh_gui is True and loaded.sections[0].render_none == "Chưa có số liệu."
    assert load_template_text(text.replace("kinh_gui: true", "title2: x").replace("title2: x", ""),
                              "t.yaml").meta.kinh_gui is None
    from dialogs.template.loader import TemplateError

    with pytest.raises(TemplateError) as bad:
        load_template_text(text.replace("kinh_gui: true", "kinh_gui: maybe"), "t.yaml")
    assert [i.code for i in bad.value.issues] == ["T107"]
