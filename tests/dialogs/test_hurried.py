"""Hurried use of the shipped report: what "nộp" says when much is missing."""

from __future__ import annotations

from datetime import datetime

from dialogs.conversation.engine import resume
from dialogs.conversation.report import Report, apply
from dialogs.effects import Say
from dialogs.events import Start, Text
from dialogs.messages import render
from dialogs.template.loader import load_shipped

TEMPLATE = load_shipped()
NOW = datetime.fromisoformat("2025-08-06T09:00:00+07:00")


def test_submit_with_many_gaps_says_how_many_it_does_not_list() -> None:
    step = resume(TEMPLATE, Report(), None, Start(), NOW)
    report, state = apply(Report(), step.effects), step.state
    step = resume(TEMPLATE, report, state, Text("nop"), NOW)
    said = next(e for e in step.effects if isinstance(e, Say) and e.msg == "engine.submit_missing")
    total = said.params["count"]
    assert total > 10 and len(said.params["items"]) == 10
    assert said.params["more"]["params"]["count"] == total - 10
    assert f"… và {total - 10} mục khác" in render(said.msg, said.params)
