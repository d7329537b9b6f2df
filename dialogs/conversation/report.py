"""The report a conversation works on: (campaign, unit)'s current answers, its version and status.

Storage reads it for every turn; the engine changes its working copy as the turn goes (so later steps
see an answer given earlier in the same turn) and says what changed with effects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from dialogs.answers import AnswerRecord
from dialogs.effects import AnswerSaved, Effect, Submitted, VersionOpened

DRAFT, SUBMITTED, RETURNED = "draft", "submitted", "returned"


@dataclass
class Report:
    """One unit's report in one campaign, as the engine sees it."""

    answers: dict[str, AnswerRecord] = field(default_factory=dict)
    #: The version being edited (or the last one submitted).
    version: int = 1
    status: str = DRAFT
    #: The receipt of the last submission.
    ref: str = ""

    @classmethod
    def of(cls, answers: Mapping[str, AnswerRecord] | None = None, *, version: int = 1, status: str = DRAFT,
           ref: str = "") -> Report:
        """A working copy (the caller's mapping is never changed)."""
        return cls(dict(answers or {}), version, status, ref)

    def copy(self) -> Report:
        """A working copy (answers are immutable records: copying the mapping is enough)."""
        return Report.of(self.answers, version=self.version, status=self.status, ref=self.ref)

    @property
    def submitted(self) -> bool:
        """Whether the current version has been submitted (an edit opens the next one)."""
        return self.status == SUBMITTED


def apply(report: Report, effects: Iterable[Effect]) -> Report:
    """``report`` after ``effects`` (what storage does, without storage): for tests and fakes."""
    out = report.copy()
    for effect in effects:
        if isinstance(effect, AnswerSaved):
            out.answers[effect.field_id] = AnswerRecord.from_json(effect.record)
        elif isinstance(effect, Submitted):
            out.status, out.ref, out.version = SUBMITTED, effect.ref, effect.version
        elif isinstance(effect, VersionOpened):
            out.status, out.version = DRAFT, effect.version
    return out
