"""Properties of the engine: any sequence of messages never crashes it, never loses an answer, and its
state and effects always survive JSON; the same inputs always give the same outputs (no clock, no randomness)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogs.conversation.engine import resume
from dialogs.conversation.report import Report, apply
from dialogs.effects import AnswerSaved, Ask, Say, effect_from_json
from dialogs.events import Pick, Start, Text
from dialogs.messages import render
from dialogs.template.loader import load_template

TEMPLATE = load_template(Path(__file__).parent / "templates" / "mini.yaml")
NOW = datetime.fromisoformat("2025-08-10T09:00:00+07:00")
WORDS = ["xem lai", "sua 3", "sửa II", "quay lại", "bo qua", "de sau", "tam dung", "khong co", "xong", "nop",
         "dong y", "khong", "co", "75", "1,000", "hơn 650", "570tr", "6/8/2025", "31/02/2025", "2", "1, 3",
         "giu nguyen", "/sua", "/nop", "/start", "tro giup", "", "   ", "Nguyễn Văn An", "hủy"]
messages = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=40)), min_size=1, max_size=25)
picks = st.sampled_from(["cmd:review", "cmd:skip", "cmd:none", "opt:0", "opt:yes", "opt:no", "field:so_tien",
                         "field:nope", "cmd:confirm", "weird", "opt:muc_do:1", "opt:co_dien_hinh:no", "pick:0",
                         "pick:7", "opt:nope:3"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages, st.lists(picks, max_size=5))
def test_any_messages_never_crash_and_never_lose_answers(texts: list[str], buttons: list[str]) -> None:
    report = Report()
    first = resume(TEMPLATE, report, None, Start(), NOW)
    state, report = first.state, apply(report, first.effects)
    answered: set[str] = set()
    events = [Text(t) for t in texts] + [Pick(p) for p in buttons]
    for event in events:
        before = dict(report.answers)
        step = resume(TEMPLATE, report, state, event, NOW)
        state = json.loads(json.dumps(step.state, ensure_ascii=False))
        for effect in step.effects:
            assert effect_from_json(json.loads(json.dumps(effect.to_json()))) == effect
            if isinstance(effect, AnswerSaved):
                answered.add(effect.field_id)
        assert report.answers == before, "the engine changed the report it was given"
        report = apply(report, step.effects)
        assert answered <= set(report.answers), "an answer given earlier is missing from the report"
        assert step.effects, f"no reply to {event!r}"
        assert any(render(e.msg, e.params) for e in step.effects if isinstance(e, (Ask, Say))), event


@settings(max_examples=40, deadline=None)
@given(messages)
def test_the_engine_is_deterministic(texts: list[str]) -> None:
    def play() -> list[object]:
        state = None
        report = Report()
        out: list[object] = []
        for event in [Start()] + [Text(t) for t in texts]:
            step = resume(TEMPLATE, report, state, event, NOW)
            state, report = step.state, apply(report, step.effects)
            out.append((step.state, [e.to_json() for e in step.effects]))
        return out

    assert play() == play()
