"""Template evolution and old states: nobody is stranded, nothing typed is lost."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from dialogs.conversation.engine import resume
from dialogs.conversation.recognise import SPELLINGS
from dialogs.conversation.report import Report, apply
from dialogs.effects import Ask
from dialogs.events import Start, Text
from dialogs.template.loader import load_template_text

MINI_TEXT = (Path(__file__).parent / "templates" / "mini.yaml").read_text(encoding="utf-8")
NOW = datetime.fromisoformat("2025-08-10T09:00:00+07:00")


def _mini(version: str, without: str = "") -> Any:
    """mini.yaml at another version, optionally without the field ``without`` (its whole block)."""
    text = MINI_TEXT.replace('version: "1"', f'version: "{version}"')
    if without:
        start = text.index(f"      - id: {without}\n")
        end = text.index("      - id: ", start + 1)
        text = text[:start] + text[end:]
    return load_template_text(text, source=f"mini@{version}")


def _play(template: Any, report: Report, state: Any, *lines: str) -> tuple[Report, Any, list[Any]]:
    effects: list[Any] = []
    for line in lines:
        step = resume(template, report, state, Text(line) if line != "/start" else Start(), NOW)
        state, report = step.state, apply(report, step.effects)
        effects = step.effects
    return report, state, effects


def test_a_half_typed_long_text_of_a_removed_field_is_kept_as_an_orphan() -> None:
    v1 = _mini("1")
    report, state, _ = _play(v1, Report(), None, "/start", "Đơn vị đã ban hành kế hoạch.", "Ký cam kết thi đua.")
    assert state["wait"] == {"kind": "text", "field": "tinh_hinh"} and len(state["buffer"]) == 2
    v2 = _mini("2", without="tinh_hinh")
    report, state, effects = _play(v2, report, state, "xem lai")
    assert state["buffer"] == []
    kept = [v for k, v in state["orphans"].items() if k.startswith("text:tinh_hinh")]
    assert kept == ["Đơn vị đã ban hành kế hoạch.\nKý cam kết thi đua."]
    assert [e.field_id for e in effects if isinstance(e, Ask)] == ["can_bo"]


@pytest.mark.parametrize("command", sorted({spellings[0] for spellings in SPELLINGS.values()}))
def test_every_command_works_after_the_field_waited_on_is_removed(command: str) -> None:
    """Whatever the user types next — any command — gets an answer, never a crash."""
    v1 = _mini("1")
    report, state, _ = _play(v1, Report(), None, "/start", "Tốt", "xong", "An")
    assert state["wait"]["field"] == "ngay_hop"
    v2 = _mini("2", without="ngay_hop")
    _, after, effects = _play(v2, report, state, command)
    assert effects
    assert after["wait"].get("field") != "ngay_hop"


def test_a_schema_1_state_inside_a_group_resumes_at_its_column() -> None:
    """Release 0.1 kept a group's column as an index: it is read as the column it pointed at."""
    v1 = _mini("1")
    state = {"schema": 1, "started": True, "cursor": "dien_hinh", "answers": {"co_dien_hinh": {
        "status": "answered", "value": True}},
        "group": {"field": "dien_hinh", "items": [], "item": {"ho_ten": "An"}, "col": 1, "phase": "col"}}
    report = Report()
    step = resume(v1, report, state, Start(), NOW)
    assert [e.field_id for e in step.effects if isinstance(e, Ask)] == ["dien_hinh.chuc_vu"]
    assert step.state["group"]["item"] == {"ho_ten": "An"}
    # The legacy answers went to the report once, and only once.
    report = apply(report, step.effects)
    assert report.answers["co_dien_hinh"].value is True
    again = resume(v1, report, step.state, Text("Giáo viên"), NOW)
    assert "legacy_answers" not in again.state
    assert [e.field_id for e in again.effects if isinstance(e, Ask)] == ["dien_hinh.thanh_tich"]
