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


def test_ca_hai_means_all_only_when_there_are_two_and_a_shared_word_is_asked_about() -> None:
    from dialogs.fields import Choice, ParseSpec, parse

    three = ParseSpec(options=(Choice("UBND cấp huyện", "h"), Choice("UBND thành phố", "tp"), Choice("UBND xã", "x")))
    refused = parse("multichoice", "cả hai", three)
    assert not refused.ok and refused.code == "parse.choice.all_of"
    two = ParseSpec(options=(Choice("Giáo dục", "gd"), Choice("Y tế", "yt")))
    assert parse("multichoice", "ca hai", two).value == ["gd", "yt"]
    for kind in ("choice", "multichoice"):
        asked = parse(kind, "ubnd", three)
        values = [c.value if kind == "choice" else c.value[0] for c in asked.choices]  # multichoice: lists
        assert asked.ask is not None and values == ["h", "tp", "x"]
        assert parse(kind, "ubnd xa", three).ok


def test_every_choice_is_shown_whole_in_the_confirmation_and_the_review() -> None:
    """Release 0.1 cut a multi-choice answer so the second choice could not be checked."""
    field = TEMPLATE.field("phong_trao_thanh_pho")
    step = resume(TEMPLATE, Report(), None, Start(), NOW)
    report, state = apply(Report(), step.effects), step.state
    step = resume(TEMPLATE, report, state, Text("sua phong_trao_thanh_pho"), NOW)
    report, state = apply(report, step.effects), step.state
    step = resume(TEMPLATE, report, state, Text("1, 2"), NOW)
    saved = next(e for e in step.effects if isinstance(e, Say) and e.msg == "engine.saved")
    both = [o.label for o in field.options[:2]]
    assert all(" ".join(label.split()) in render(saved.msg, saved.params) for label in both)
    report, state = apply(report, step.effects), step.state
    review = resume(TEMPLATE, report, state, Text("xem lai"), NOW)
    text = "\n".join(render(e.msg, e.params) for e in review.effects if isinstance(e, Say))
    assert all(" ".join(label.split()) in text for label in both)
