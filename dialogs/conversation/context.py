"""The turn: the context one event is handled in (template, report, conversation state, now, effects).

It holds no behaviour beyond recording: the modules of :mod:`dialogs.conversation` act on it. A turn
ends by asking for whatever the state now waits for, when something asked for that (:meth:`Turn.reask`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dialogs.answers import AnswerRecord, Status
from dialogs.conversation.report import DRAFT, RETURNED, SUBMITTED, Report
from dialogs.conversation.state import State
from dialogs.effects import AnswerSaved, Ask, Button, Effect, Say, VersionOpened
from dialogs.fields import ParseResult
from dialogs.template.model import Field, Template


@dataclass
class Turn:
    """One resume of one conversation."""

    template: Template
    report: Report
    state: State
    now: datetime
    effects: list[Effect] = field(default_factory=list)
    #: Ask the current wait's question when the turn ends: None, "full" or "brief".
    asking: str | None = None
    #: The field answered last in this turn (an answer may make the questions that depend on it apply).
    answered: str = ""
    #: Propose text typed without diacritics back with them (an import keeps what the file says).
    propose_diacritics: bool = True

    @property
    def answers(self) -> dict[str, AnswerRecord]:
        """The report's answers as they stand in this turn."""
        return self.report.answers

    def say(self, msg: str, buttons: tuple[Button, ...] = (), **params: Any) -> None:
        """Queue message ``msg`` of :mod:`dialogs.messages` with ``params``."""
        self.effects.append(Say(msg, params, buttons))

    def say_problem(self, problem: dict[str, Any]) -> None:
        """Queue a problem given as a message value (``{"msg", "params"}``)."""
        self.effects.append(Say(str(problem["msg"]), dict(problem.get("params") or {})))

    def ask(self, field_id: str, msg: str, buttons: tuple[Button, ...] = (), **params: Any) -> None:
        """Queue a question (the conversation now waits for its answer)."""
        self.asking = None
        self.effects.append(Ask(field_id, msg, params, buttons))

    def reask(self, brief: bool = False) -> None:
        """Ask for what the state waits for once the turn is over (a full question wins over a brief one)."""
        if self.asking != "full":
            self.asking = "brief" if brief else "full"

    def field(self, field_id: str | None) -> Field | None:
        """The template's field with this id, if it still exists."""
        return self.template.field(field_id) if field_id and self.template.has_field(field_id) else None

    def current(self) -> Field | None:
        """The field the conversation waits on, if any."""
        return self.field(self.state.wait.field)

    def record(self, field: Field, status: Status, result: ParseResult | None = None, raw: str = "") -> AnswerRecord:
        """An answer record for ``field`` stamped with the turn's time and the field's type."""
        at, kind = self.now.isoformat(), field.type
        if result is None:
            return AnswerRecord(status=status, raw=raw, at=at, field_type=kind)
        return AnswerRecord(status="answered", value=result.value, raw=raw, display=result.display,
                            approximate=result.approximate, qualifier=result.qualifier, at=at, field_type=kind)

    def ensure_draft(self) -> None:
        """Before a change to a submitted (or returned) report: open its next version; the old one is kept."""
        if self.report.status in (SUBMITTED, RETURNED):
            self.report.version += 1
            self.report.status = DRAFT
            self.effects.append(VersionOpened(self.report.version))
            self.say("engine.new_version", version=self.report.version)

    def save(self, field: Field, record: AnswerRecord) -> None:
        """Record an answer in the report and emit it for storage (the last answer wins)."""
        self.ensure_draft()
        self.report.answers[field.id] = record
        self.answered = field.id
        if field.id in self.state.deferred:
            self.state.deferred.remove(field.id)
        self.state.failures = 0
        self.effects.append(AnswerSaved(field.id, record.to_json(), self.report.version))
