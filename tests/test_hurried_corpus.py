"""Whole hurried conversations, typed the way phone users type (sample 000), played to a submitted report.

Each entry of tests/corpus/hurried/conversations.yaml is what one commune's staff member types into the
shipped template, from the start to "nộp" + "đồng ý": no diacritics, paragraphs split over several
messages and closed by "xong", "khong co", "xem lai" and "de sau" in the middle of a paragraph and "sua
<muc>" to come back, figures typed as "570tr", "hon 650", "bay muoi lam". Each text typed without
diacritics is proposed back with them; the player answers «ok», as a hurried user does. The conversation runs through
the pure engine exactly as tests/chat.py does; the unit's .docx is then written and its figures section
(IV.2 "Kết quả cụ thể") must read exactly as ``expect_figures`` — what a văn thư accepts. An entry with
``xfail: "<reason>"`` is a known wrong output: its expectation is the correct text.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml

from dialogs.conversation.engine import resume
from dialogs.conversation.report import Report, apply
from dialogs.effects import Ask, Say, Submitted
from dialogs.events import Start, Text
from dialogs.messages import render
from dialogs.template.loader import load_shipped
from dialogs.template.model import Template
from dialogs.vietnamese.diacritics import lacks_diacritics
from exporters.docx_unit import write_unit_docx
from exporters.model import DocInfo, UnitInfo

CORPUS = Path(__file__).parent / "corpus" / "hurried" / "conversations.yaml"
ENTRIES: list[dict[str, Any]] = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
NOW = datetime.fromisoformat("2025-08-06T09:00:00+07:00")
DOC = DocInfo(None, date(2025, 8, 6), draft=False)
#: The figures section's heading in the unit's .docx (template section IV.2).
FIGURES_HEADING = "2. Kết quả cụ thể"
FIGURES = ("so_tap_the", "so_ca_nhan", "so_tien_khen_thuong")
#: What only the bot's questions say: never in a formal document.
PROMPT_WORDS = re.compile(r"gõ “không có”|gõ «|Nếu không|\?")
#: A figure printed as zero (not part of a larger number such as 570.000.000 or 2025).
ZERO = re.compile(r"(?<![\d.,])0(?![\d.,])")
START_LINES = {"/start", "/batdau"}
#: How a hurried user answers «Dùng bản có dấu này?» (after every paragraph or name typed without marks).
PROPOSAL_ANSWER = "ok"


@pytest.fixture(scope="module")
def template() -> Template:
    return load_shipped()


def _play(template: Template, lines: list[str]) -> tuple[Report, list[Any], list[Submitted]]:
    """Play the lines through the engine as tests/chat.py does: each reply, and the report at the end."""
    report, state = Report(), None
    replies: list[Any] = []
    submitted: list[Submitted] = []
    pending = list(lines)
    while pending:
        line = pending.pop(0)
        event = Start() if line in START_LINES else Text(line)
        step = resume(template, report, state, event, NOW)
        state = json.loads(json.dumps(step.state, ensure_ascii=False))
        report = apply(report, step.effects)
        replies += [(line, e) for e in step.effects if isinstance(e, (Ask, Say))]
        submitted += [e for e in step.effects if isinstance(e, Submitted)]
        asks = [e for e in step.effects if isinstance(e, Ask)]
        if asks and asks[-1].msg == "engine.diacritics.ask":
            pending.insert(0, PROPOSAL_ANSWER)  # «Dùng bản có dấu này?»: a hurried user takes it
    return report, replies, submitted


def _paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style id, text) of every non-empty body paragraph."""
    document = docx.Document(str(path))
    return [(p.style.style_id if p.style is not None else "", p.text) for p in document.paragraphs if p.text.strip()]


def _section(paragraphs: list[tuple[str, str]], heading: str) -> list[str]:
    """The paragraphs under ``heading``, up to the next heading."""
    starts = [n for n, (style, text) in enumerate(paragraphs) if text == heading and style.startswith("ND30Heading")]
    assert len(starts) == 1, f"heading {heading!r} found {len(starts)} times"
    out: list[str] = []
    for style, text in paragraphs[starts[0] + 1:]:
        if style.startswith("ND30Heading"):
            break
        out.append(text)
    return out


def _param(entry: dict[str, Any]) -> Any:
    marks = [pytest.mark.xfail(reason=entry["xfail"], strict=True)] if entry.get("xfail") else []
    return pytest.param(entry, id=entry["id"], marks=marks)


def test_the_corpus_is_big_and_varied() -> None:
    assert len(ENTRIES) >= 30
    assert len({e["id"] for e in ENTRIES}) == len(ENTRIES)
    typed = [line for e in ENTRIES for line in e["lines"]]
    for habit in ("xong", "khong co", "xem lai", "de sau", "nop", "dong y"):
        assert habit in typed, habit
    assert any(line.startswith("sua ") for line in typed)
    assert {e["unit"]["kind"] for e in ENTRIES} >= {"xã", "phường"}


@pytest.mark.parametrize("entry", [_param(e) for e in ENTRIES])
def test_hurried_conversation_ends_in_a_report_a_van_thu_accepts(tmp_path: Path, template: Template,
                                                                 entry: dict[str, Any]) -> None:
    report, replies, submitted = _play(template, entry["lines"])
    for line, reply in replies:
        assert not reply.msg.startswith("bot.error"), f"after {line!r}: {reply.msg}"
        assert render(reply.msg, reply.params).strip(), f"after {line!r}: {reply.msg} renders empty"
    assert submitted, f"never submitted; last replies: {[r.msg for _, r in replies[-3:]]}"
    assert report.submitted

    unit = UnitInfo(entry["unit"]["name"], entry["unit"]["kind"], "", "Thành phố Hải Phòng")
    path = write_unit_docx(template, unit, dict(report.answers), DOC, tmp_path / "unit.docx")
    paragraphs = _paragraphs(path)
    body = [text for _, text in paragraphs]
    prompts = [t for t in body if PROMPT_WORDS.search(t)]
    assert not prompts, prompts
    unmarked = [k for k, r in report.answers.items()
                if r.field_type == "text" and isinstance(r.value, str) and lacks_diacritics(r.value)]
    assert not unmarked, f"still without diacritics: {unmarked}"
    figures = "\n".join(_section(paragraphs, FIGURES_HEADING))
    if any(report.answers[f].status == "none" for f in FIGURES if f in report.answers):
        assert not ZERO.search(figures), figures
    assert figures == entry["expect_figures"]
