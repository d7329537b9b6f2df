"""Conversation transcripts kept as data (tests/dialogs/transcripts/*.yaml), run through the pure engine.

A transcript may start from a ``state`` (a schema-1 one may hold ``answers``: they seed the report) and
``legacy: true`` leaves such answers in the state for the engine to hand over. One report is shared by
every conversation of a transcript; ``as: <name>`` makes a step come from another person's conversation
(default ``a``), so two staff members of one unit can alternate on the same report.

Each step is an event (``user``, ``pick``, ``file``, ``start``, ``reminder``, ``timeout``, or a ``template``
switch) followed by what must happen: ``asks`` (the field id of the question asked, ``null`` for none),
``saved`` (field → value stored this step), ``status`` (field → none/skipped), ``says`` (message ids
among the replies), ``not_says``, ``contains`` (text in the rendered replies), ``nothing_saved``,
``submitted``, ``opened_version``, ``contact`` (a request for the department's help was made), ``state``
(a subset of the acting conversation's state; ``wait`` may be given as its kind alone) and ``report``
(``answers`` field → value or null, ``status``, ``version``).
Every state is JSON-encoded between steps and every effect must survive a JSON round trip.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from dialogs.answers import AnswerRecord
from dialogs.conversation.engine import resume
from dialogs.conversation.report import Report, apply
from dialogs.effects import AnswerSaved, Ask, ContactRequested, Say, Submitted, VersionOpened, effect_from_json
from dialogs.events import Event, FileReceived, Pick, ReminderDue, Start, Text, Timeout
from dialogs.messages import render
from dialogs.template.loader import load_template
from dialogs.template.model import Template

HERE = Path(__file__).parent
TRANSCRIPTS = sorted((HERE / "transcripts").glob("*.yaml"))


def _event(step: dict[str, Any]) -> Event | None:
    if "user" in step:
        return Text(str(step["user"]))
    if "pick" in step:
        return Pick(str(step["pick"]))
    if "file" in step:
        return FileReceived(**step["file"])
    if "start" in step:
        return Start()
    if "reminder" in step:
        return ReminderDue(**step["reminder"])
    if "timeout" in step:
        return Timeout()
    return None


def _template(name: str) -> Template:
    return load_template(HERE / "templates" / name)


def run_transcript(path: Path) -> None:
    """Play one transcript and check every expectation."""
    script = yaml.safe_load(path.read_text(encoding="utf-8"))
    template = _template(script["template"])
    now = datetime.fromisoformat(script.get("now", "2025-08-10T09:00:00+07:00"))
    initial = script.get("state")
    report = Report()
    if isinstance(initial, dict) and initial.get("answers") and not script.get("legacy"):
        # A schema-1 state keeps the answers: storage's migration hands them to the report beforehand
        # (``legacy: true`` transcripts leave them to the engine, which hands them over itself).
        initial = dict(initial)
        report = Report.of({k: AnswerRecord.from_json(v) for k, v in initial.pop("answers").items()})
    states: dict[str, dict[str, Any] | None] = {"a": initial}
    for number, step in enumerate(script["steps"], start=1):
        shown = {k: v for k, v in step.items() if k in ("as", "user", "pick", "start", "file", "template")}
        where = f"{path.name} step {number} {json.dumps(shown, ensure_ascii=False)}"
        if "template" in step:
            template = _template(step["template"])
        event = _event(step)
        if event is None:
            continue
        who = str(step.get("as", "a"))
        result = resume(template, report, states.get(who), event, now)
        states[who] = json.loads(json.dumps(result.state, ensure_ascii=False))
        for effect in result.effects:
            assert effect_from_json(json.loads(json.dumps(effect.to_json(), ensure_ascii=False))) == effect, where
        report = apply(report, result.effects)
        check_step(step, result.effects, states[who] or {}, report, where)


def rendered(effects: list[Any]) -> str:
    """What the user would read."""
    return "\n".join(render(e.msg, e.params) for e in effects if isinstance(e, (Ask, Say)))


def check_step(step: dict[str, Any], effects: list[Any], state: dict[str, Any], report: Report, where: str) -> None:
    """Compare one step's effects, state and report with its expectations."""
    asks = [e for e in effects if isinstance(e, Ask)]
    says = [e for e in effects if isinstance(e, Say)]
    saved = {e.field_id: e.record for e in effects if isinstance(e, AnswerSaved)}
    texts = rendered(effects)
    if "asks" in step:
        expected = step["asks"]
        got = asks[-1].field_id if asks else None
        assert got == expected, f"{where}: asked {got!r}, expected {expected!r}\n{texts}"
    for field_id, value in (step.get("saved") or {}).items():
        assert field_id in saved, f"{where}: {field_id} not saved (saved: {list(saved)})\n{texts}"
        assert saved[field_id].get("value") == value, f"{where}: {field_id} = {saved[field_id]!r}"
    for field_id, status in (step.get("status") or {}).items():
        assert field_id in saved and saved[field_id]["status"] == status, f"{where}: {saved}\n{texts}"
    if step.get("nothing_saved"):
        assert not saved, f"{where}: unexpectedly saved {saved}"
    keys = [e.msg for e in says] + [e.msg for e in asks]
    for key in step.get("says") or []:
        assert key in keys, f"{where}: no {key!r} among {keys}\n{texts}"
    for key in step.get("not_says") or []:
        assert key not in keys, f"{where}: unexpected {key!r}\n{texts}"
    for fragment in step.get("contains") or []:
        assert fragment in texts, f"{where}: {fragment!r} not in\n{texts}"
    if "submitted" in step:
        subs = [e for e in effects if isinstance(e, Submitted)]
        assert bool(subs) == bool(step["submitted"]), f"{where}: submitted={subs}\n{texts}"
    if "contact" in step:
        asked = [e for e in effects if isinstance(e, ContactRequested)]
        assert bool(asked) == bool(step["contact"]), f"{where}: contact requested = {asked}"
    if "opened_version" in step:
        opened = [e.version for e in effects if isinstance(e, VersionOpened)]
        assert opened == [step["opened_version"]], f"{where}: opened {opened}"
    for key, value in (step.get("state") or {}).items():
        got = state.get(key)
        if key == "wait" and isinstance(value, str):
            got = (got or {}).get("kind")
        assert got == value, f"{where}: state[{key}] = {got!r}, expected {value!r}"
    expected_report = dict(step.get("report") or {})
    for field_id, expected in (expected_report.pop("answers", None) or {}).items():
        record = report.answers.get(field_id)
        if expected is None:
            assert record is None, f"{where}: {field_id} = {record}"
        else:
            assert record is not None and record.value == expected, f"{where}: {field_id} = {record}"
    for key, value in expected_report.items():
        assert getattr(report, key) == value, f"{where}: report.{key} = {getattr(report, key)!r}, expected {value!r}"


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[p.stem for p in TRANSCRIPTS])
def test_transcript(path: Path) -> None:
    run_transcript(path)


def test_there_are_transcripts_for_every_command_and_field_type() -> None:
    """The transcripts exercise every command and every field type of the template language."""
    from dialogs.conversation.recognise import SPELLINGS
    from dialogs.template.model import FIELD_TYPES
    from dialogs.vietnamese.text import fold

    corpus = "\n".join(p.read_text(encoding="utf-8") for p in TRANSCRIPTS)
    mini = (HERE / "templates" / "mini.yaml").read_text(encoding="utf-8")
    for field_type in FIELD_TYPES:
        assert f"type: {field_type}" in mini, field_type
    used = {"review": "xem lai", "edit": "sua", "back": "quay lai", "skip": "bo qua", "pause": "tam dung",
            "none": "khong co", "done": "xong", "submit": "nop", "help": "tro giup", "later": "de sau",
            "keep": "giu nguyen", "contact": "lien he so"}
    folded = fold(corpus)
    for name, spelling in used.items():
        assert name in SPELLINGS and spelling in folded, name
