"""Hostile input at every wait of the shipped report: the engine always replies, never raises, and the unit's
report can be exported afterwards.

Arbitrary Unicode — lone surrogates, NUL and other controls, escape sequences, right-to-left marks,
combining marks, superscript and full-width digits, 100 KB lines — is typed (and pressed as button data)
after steps that bring the conversation to each kind of wait: a field's answer of every type, the next
part of a long text, a group's column and "another one?", a question asked back, a field to pick, the
review, the submit confirmation, a submitted report.
"""

from __future__ import annotations

import json
import tempfile
from datetime import datetime
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogs.conversation.engine import resume
from dialogs.conversation.report import Report, apply
from dialogs.effects import Ask, Say
from dialogs.events import Event, Pick, Start, Text
from dialogs.messages import render
from dialogs.template.loader import load_shipped
from exporters.docx_unit import write_unit_docx
from exporters.model import DocInfo, UnitInfo
from tests.chat import script_with_questions
from tests.fuzz.cases import count

TEMPLATE = load_shipped()
NOW = datetime.fromisoformat("2025-08-06T09:00:00+07:00")
FACTS = Path(__file__).resolve().parents[1] / "data" / "sample_003_answers.yaml"

HOSTILE = ["\x00", "\ud800", "\udfff", "\x1b[31m", "\x08", "\x7f", "\u200f", "\u202e", "\u0301\u0301", "²", "⁷⁵",
           "７５", "٣", "\ufeff", "\r", "\t", "\n\n", "\ufffe", "𝟕𝟓", "Ⅻ"]
hostile_text = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=60),  # surrogates and controls included
    st.lists(st.sampled_from([*HOSTILE, "sửa", "nop", "xong", "1", "không có", "có", " "]), max_size=8).map("".join),
    st.sampled_from(["a" * 100_000, "₫" * 5_000 + "\x00", "1" * 400, "sửa " + "9" * 50, "/start " + "\x00" * 5]),
)
hostile_pick = st.one_of(st.text(st.characters(exclude_categories=()), max_size=20),
                         st.sampled_from(["opt:x:²", "pick:²", "pick:-1", "opt:", "cmd:", "field:\x00", "report:9"]))

# Lines that bring the conversation to each kind of wait, from the start of the shipped report.
_SCRIPT = [line for line, _ in script_with_questions(TEMPLATE, yaml.safe_load(FACTS.read_text(encoding="utf-8")),
                                                     submit=False)]
ROUTES: list[list[str]] = [
    [],                                     # the first long text
    _SCRIPT[:3],                            # a later question
    ["sua IV.2"],                           # pick among several fields
    ["sua so_tap_the"],                     # an integer
    ["sua so_tap_the", "1,000"],            # a question asked back
    ["sua cap_khen_thuong"],                # a choice
    ["sua co_dien_hinh"],                   # yes/no
    ["sua co_dien_hinh", "co", "sua dien_hinh_tien_tien"],                          # a group's column
    ["sua co_dien_hinh", "co", "sua dien_hinh_tien_tien", "Nguyễn Thị Hoa", "gv",
     "Giáo viên Trường TH Kiến Quốc", "Giáo viên dạy giỏi cấp thành phố"],          # "another one?"
    _SCRIPT,                                # the review
    [*_SCRIPT, "nộp"],                      # the confirmation
    [*_SCRIPT, "nộp", "đồng ý"],            # a submitted report
]


def _step(report: Report, state: object, event: Event) -> tuple[Report, object]:
    step = resume(TEMPLATE, report, state, event, NOW)  # type: ignore[arg-type]
    json.dumps(step.state, ensure_ascii=False)           # the state can be stored
    replies = [render(e.msg, e.params) for e in step.effects if isinstance(e, (Ask, Say))]
    assert replies or isinstance(event, Start) or step.effects, f"no reply to {event!r}"
    for reply in replies:
        reply.encode("utf-8")                            # every reply can be sent
    return apply(report, step.effects), step.state


def _at(route: list[str]) -> tuple[Report, object]:
    report, state = _step(Report(), None, Start())
    for line in route:
        report, state = _step(report, state, Text(line))
    return report, state


STARTS = [_at(route) for route in ROUTES]


@settings(max_examples=300, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(range(len(ROUTES))), st.lists(st.one_of(hostile_text.map(Text), hostile_pick.map(Pick)),
                                                     min_size=1, max_size=6))
def test_hostile_input_at_every_wait_gets_a_reply_and_leaves_an_exportable_report(
    route: int, events: list[Event]
) -> None:
    count("engine (events at a wait of the shipped report)", len(events))
    report, state = STARTS[route]
    for event in events:
        report, state = _step(report, state, event)
    for record in report.answers.values():
        json.dumps(record.to_json(), ensure_ascii=False).encode("utf-8")
        assert "\x00" not in json.dumps(record.to_json(), ensure_ascii=False)


@settings(max_examples=25, deadline=5000)
@given(st.lists(hostile_text, min_size=1, max_size=4))
def test_a_report_answered_with_hostile_text_exports(texts: list[str]) -> None:
    count("export (hostile answers in the unit's .docx)")
    report, state = STARTS[0]                            # the first long text, then the next questions
    for text in texts:
        report, state = _step(report, state, Text(text))
        report, state = _step(report, state, Text("xong"))
    with tempfile.TemporaryDirectory() as folder:
        out = write_unit_docx(TEMPLATE, UnitInfo("Xã Khúc Thừa Dụ", "xã"), report.answers, DocInfo(None, NOW.date()),
                              Path(folder) / "bao-cao.docx")
        assert out.read_bytes()[:2] == b"PK"
