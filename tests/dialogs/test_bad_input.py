"""Bad input seen in real use never breaks a conversation or a document (each case failed on release 0.1)."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from dialogs.conversation.engine import resume
from dialogs.conversation.report import Report, apply
from dialogs.effects import AnswerSaved, Ask, Say
from dialogs.events import Pick, Start, Text
from dialogs.template.loader import load_shipped
from dialogs.vietnamese.cleaning import MAX_LENGTH
from exporters.docx_unit import write_unit_docx
from exporters.model import DocInfo, UnitInfo

TEMPLATE = load_shipped()
NOW = datetime.fromisoformat("2025-08-06T09:00:00+07:00")


def _say(report: Report, state: object, *texts: str) -> tuple[Report, object, list[object]]:
    effects: list[object] = []
    for text in texts:
        step = resume(TEMPLATE, report, state, Text(text) if text != "/start" else Start(), NOW)  # type: ignore[arg-type]
        report, state, effects = apply(report, step.effects), step.state, step.effects
    return report, state, effects


def test_superscript_digits_in_an_edit_a_choice_and_a_group_column() -> None:
    report, state, effects = _say(Report(), None, "/start", "sửa ²")
    assert [e.field_id for e in effects if isinstance(e, Ask)] == [TEMPLATE.fields()[1].id]  # "sửa 2"
    report, state, effects = _say(report, state, "sửa cap_khen_thuong", "²")
    saved = [e for e in effects if isinstance(e, AnswerSaved)]
    assert saved and saved[0].record["value"] == TEMPLATE.field("cap_khen_thuong").options[1].value
    report, state, effects = _say(report, state, "sửa co_dien_hinh", "có", "sửa dien_hinh_tien_tien", "Nguyễn Thị Hoa",
                                  "²")
    assert any(isinstance(e, (Ask, Say)) for e in effects)
    step = resume(TEMPLATE, report, state, Pick("pick:²"), NOW)  # type: ignore[arg-type]
    assert step.effects


def test_control_characters_are_not_stored_and_the_report_exports() -> None:
    typed = "Đảng ủy\x08\x08 xã\x1b[31m lãnh đạo\x00 tốt, thường xuyên chỉ đạo."
    report, _, _ = _say(Report(), None, "/start", typed, "xong")
    first = TEMPLATE.fields()[0].id
    record = report.answers[first]
    assert record.value == "Đảng ủy xã lãnh đạo tốt, thường xuyên chỉ đạo."
    assert "\x00" not in record.raw and "\x1b" not in record.raw
    with tempfile.TemporaryDirectory() as folder:
        path = write_unit_docx(TEMPLATE, UnitInfo("Xã Khúc Thừa Dụ", "xã"), report.answers,
                               DocInfo(None, NOW.date()), Path(folder) / "r.docx")
        assert path.stat().st_size > 0


def test_undecodable_bytes_become_a_replacement_character_and_the_conversation_goes_on() -> None:
    broken = b"\xff\xfe k\xe9 ho\xe1ch".decode("utf-8", errors="surrogateescape")  # as a terminal may pass it
    report, _, effects = _say(Report(), None, "/start", broken, "Đảng ủy xã luôn xác định thi đua là động lực.",
                              "xong")
    first = TEMPLATE.fields()[0].id
    assert "\ufffd" in report.answers[first].value and "\udcff" not in report.answers[first].value
    assert [e.field_id for e in effects if isinstance(e, Ask)] == [TEMPLATE.fields()[1].id]


def test_a_huge_paste_is_cut_not_fatal() -> None:
    _, _, effects = _say(Report(), None, "/start", "Tốt. " * 50_000)
    part = next(e for e in effects if isinstance(e, Say) and e.msg == "engine.text_part")
    assert 0 < part.params["chars"] <= MAX_LENGTH  # kept, but cut to what any report can need
