"""Answers given in a file (field id → answer), taken by the engine itself exactly as if typed in the chat.

Each answer is typed into a conversation waiting on its field, in the template's order: the same parsers,
"không có" / "bỏ qua", conditions, cross-field checks and group limits as the chat, and the same messages
when an answer is refused. Every problem is reported at once; the caller imports nothing if there is one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from dialogs.answers import AnswerRecord
from dialogs.conversation import cursor, flow, submission, waits
from dialogs.conversation.context import Turn
from dialogs.conversation.recognise import label
from dialogs.conversation.report import Report
from dialogs.conversation.state import State
from dialogs.effects import AnswerSaved, Ask, Effect, Say
from dialogs.messages import render, t
from dialogs.template.model import Field, Template
from dialogs.vietnamese.cleaning import clean
from dialogs.vietnamese.matching import Candidate, match

#: Messages that report progress, not a refusal.
_INFORMATIVE = frozenset({"engine.text_part", "engine.saved", "engine.saved_none", "engine.skipped", "engine.kept",
                          "engine.text_saved", "engine.new_version", "engine.deferred"})


@dataclass(frozen=True)
class ImportProblem:
    """Why the answer to one field could not be taken: message ``msg`` of :mod:`dialogs.messages`."""

    field_id: str
    msg: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The problem in Vietnamese."""
        return render(self.msg, self.params)


@dataclass
class Imported:
    """What an import would store: the answers, the effects to apply (in order), and the problems."""

    records: dict[str, AnswerRecord] = field(default_factory=dict)
    effects: list[Effect] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)


def import_answers(template: Template, report: Report, raw: Mapping[str, Any], now: datetime,
                   submit: bool = False) -> Imported:
    """Type every answer of ``raw`` into the report's conversation; what was stored, and every problem.

    With ``submit`` the report is then submitted, as "nộp" and "đồng ý" would (what still blocks it is
    a problem too)."""
    out = Imported()
    turn = Turn(template, report.copy(),
                State(started=True, template_id=template.id, template_version=template.version,
                      template_digest=template.digest), now, propose_diacritics=False)
    for key in raw:
        if not template.has_field(str(key)):
            out.problems.append(_unknown(template, str(key)))
    for fld in template.fields():
        if fld.id not in raw:
            continue
        if not flow.applies(fld, flow.values(turn.answers)):
            out.problems.append(ImportProblem(fld.id, "bot.import.not_applicable", {"when": fld.when or ""}))
            continue
        problem = _one(turn, fld, raw[fld.id])
        if problem is not None:
            out.problems.append(problem)
    if submit and not out.problems:
        blocking = flow.missing_required(template, turn.answers) + flow.flagged(template, turn.answers)
        out.problems += [ImportProblem(f.id, "bot.import.missing_required") for f in dict.fromkeys(blocking)]
        if not out.problems:
            submission.submit_now(turn)
    out.effects = turn.effects
    out.records = {e.field_id: AnswerRecord.from_json(e.record) for e in turn.effects if isinstance(e, AnswerSaved)}
    return out


def _one(turn: Turn, fld: Field, value: Any) -> ImportProblem | None:
    """Type the answer to one field; the problem if it was not stored."""
    lines, shape = _lines(fld, value)
    if shape is not None:
        return shape
    before = len(turn.effects)
    turn.state = State(started=True, template_id=turn.template.id, template_version=turn.template.version,
                       template_digest=turn.template.digest)
    cursor.go_to(turn, fld)
    for line in lines:
        if turn.state.wait.field != fld.id:
            if fld.type == "group" and isinstance(value, list):
                # The chat moved on after the group's largest size: the rest would answer other questions.
                return ImportProblem(fld.id, "bot.import.group_too_many", {"max": fld.max_items or 0})
            break
        if turn.state.wait.kind == "choose" or _refusal(turn.effects[before:]) is not None:
            break
        waits.on_text(turn, line)
    if turn.state.wait.kind == "more" and turn.state.wait.field == fld.id:
        waits.on_text(turn, t("parse.no"))  # "another record?" after the last one
    turn.asking = None
    effects = turn.effects[before:]
    if any(isinstance(e, AnswerSaved) and e.field_id == fld.id for e in effects):
        return None
    problem = _problem(fld, effects)
    progress = turn.state.group
    if fld.type == "group" and progress is not None and problem.msg != "bot.import.group_shape":
        index = len(progress.items) + 1
        return ImportProblem(fld.id, "bot.import.group_item",
                             {"index": index, "problem": {"msg": problem.msg, "params": problem.params}})
    return problem


def _refusal(effects: list[Effect]) -> Say | None:
    """The first message among ``effects`` that refuses an answer."""
    return next((e for e in effects if isinstance(e, Say) and e.msg not in _INFORMATIVE), None)


def _problem(fld: Field, effects: list[Effect]) -> ImportProblem:
    """The refusal among a field's effects, in the chat's words."""
    asks = [e for e in effects if isinstance(e, Ask)]
    refusal = _refusal(effects)
    if refusal is not None:
        return ImportProblem(fld.id, refusal.msg, dict(refusal.params))
    if fld.type == "group":
        return ImportProblem(fld.id, "bot.import.group_shape", {"columns": ", ".join(c.id for c in fld.fields)})
    if asks:
        question = render(asks[-1].msg, asks[-1].params)
        return ImportProblem(fld.id, "bot.import.needs_question", {"question": question})
    return ImportProblem(fld.id, "engine.not_understood")


def _text_of(value: Any) -> str:
    if isinstance(value, bool):
        return t("parse.yes") if value else t("parse.no")
    if isinstance(value, (date, datetime)):
        return f"{value.day}/{value.month}/{value.year}"
    return clean(str(value))


def _lines(fld: Field, value: Any) -> tuple[list[str], ImportProblem | None]:
    """What a person would type for ``value``, line by line (or why the value has the wrong shape)."""
    if value is None:
        return [label("none")], None
    if fld.type == "group" and isinstance(value, list):
        lines: list[str] = []
        for index, item in enumerate(value, start=1):
            if not isinstance(item, Mapping):
                return [], ImportProblem(fld.id, "bot.import.group_shape",
                                         {"columns": ", ".join(c.id for c in fld.fields)})
            for column in fld.fields:
                cell = item.get(column.id)
                if cell in (None, ""):
                    if column.required:
                        return [], ImportProblem(fld.id, "bot.import.group_item", {
                            "index": index, "problem": {"msg": "bot.import.group_missing",
                                                        "params": {"column": column.id}}})
                    lines.append(label("skip"))
                else:
                    lines.append(_text_of(cell))
            if index < len(value):
                lines.append(t("parse.yes"))
        return lines or [label("done")], None
    if fld.type == "group" and not (isinstance(value, str) and value.strip()):
        return [], ImportProblem(fld.id, "bot.import.group_shape", {"columns": ", ".join(c.id for c in fld.fields)})
    if fld.type == "group":
        text = value.strip()
        return [text], None
    text = _text_of(value)
    if flow.is_long_text(fld):
        return [text, label("done")], None
    return [text], None


def _unknown(template: Template, field_id: str) -> ImportProblem:
    found = match(field_id.replace("_", " "), [Candidate(f.id, (f.id.replace("_", " "),)) for f in template.fields()])
    suggestion = found.key if found.kind == "one" else (found.keys[0] if found.keys else "")
    if suggestion:
        params = {"field": field_id, "suggestion": suggestion}
        return ImportProblem(field_id, "bot.import.unknown_field_suggest", params)
    return ImportProblem(field_id, "bot.import.unknown_field", {"field": field_id})
