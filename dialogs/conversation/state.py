"""Conversation state: JSON, keyed by field ids and the template version, with a schema version and migrations.

State is never reset. An unknown or older shape is migrated; whatever cannot be understood is kept
under ``orphans`` so that no answer is ever lost.

>>> s = State.from_json(None)
>>> s.schema == SCHEMA_VERSION and s.answers == {}
True
>>> State.from_json({"answers": {"so_tap_the": {"status": "answered", "value": 75}}}).answers["so_tap_the"].value
75
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dialogs.answers import AnswerRecord
from dialogs.template.model import Template

SCHEMA_VERSION = 1

#: Modes of a conversation.
ASKING, REVIEW, CONFIRM_SUBMIT, SUBMITTED, PAUSED = "asking", "review", "confirm_submit", "submitted", "paused"


@dataclass
class State:
    """Where a conversation stands: answers, the question being asked, and what is pending."""

    schema: int = SCHEMA_VERSION
    template_id: str = ""
    template_version: str = ""
    template_digest: str = ""
    answers: dict[str, AnswerRecord] = field(default_factory=dict)
    #: The field type each answer was given for (a changed type means the answer must be given again).
    types: dict[str, str] = field(default_factory=dict)
    #: The field being asked (None before the start and once everything is answered).
    cursor: str | None = None
    mode: str = ASKING
    #: Parts of a long text answer sent in several messages, not yet closed with "xong".
    buffer: list[str] = field(default_factory=list)
    #: Failed attempts at the current field.
    failures: int = 0
    #: After "sửa", where to go back to.
    return_to: str | None = None
    #: A question asked back: {"field", "choices": [{"label", "value"}], "raw"} or {"kind": "pick_edit", ...}.
    pending: dict[str, Any] | None = None
    #: A repeated group being filled: {"field", "items", "item", "col", "phase"}.
    group: dict[str, Any] | None = None
    #: Required fields the user chose to answer later.
    deferred: list[str] = field(default_factory=list)
    #: The submission version being edited (1 until the first submission).
    version: int = 1
    #: Past submissions: [{"version", "ref", "at"}].
    submitted: list[dict[str, Any]] = field(default_factory=list)
    #: Answers and keys that no longer fit the template or the schema: kept, never dropped.
    orphans: dict[str, Any] = field(default_factory=dict)
    started: bool = False

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (it shares nested values with this state: serialise it, don't mutate it)."""
        return {
            "schema": self.schema,
            "template": {"id": self.template_id, "version": self.template_version, "digest": self.template_digest},
            "answers": {k: v.to_json() for k, v in self.answers.items()},
            "types": dict(self.types),
            "cursor": self.cursor,
            "mode": self.mode,
            "buffer": list(self.buffer),
            "failures": self.failures,
            "return_to": self.return_to,
            "pending": self.pending,
            "group": self.group,
            "deferred": list(self.deferred),
            "version": self.version,
            "submitted": self.submitted,
            "orphans": self.orphans,
            "started": self.started,
        }

    @classmethod
    def from_json(cls, data: Any) -> State:
        """Read a state of any schema version (or none at all), migrating it to the current one."""
        if not isinstance(data, dict):
            return cls(orphans={"unreadable": data} if data is not None else {})
        data = migrate(dict(data))
        state = cls()
        tpl = data.get("template") or {}
        state.template_id = str(tpl.get("id", ""))
        state.template_version = str(tpl.get("version", ""))
        state.template_digest = str(tpl.get("digest", ""))
        for key, raw in (data.get("answers") or {}).items():
            try:
                state.answers[str(key)] = AnswerRecord.from_json(raw)
            except (TypeError, ValueError):
                state.orphans[f"answer:{key}"] = raw
        state.types = {str(k): str(v) for k, v in (data.get("types") or {}).items()}
        state.cursor = data.get("cursor")
        state.mode = str(data.get("mode") or ASKING)
        state.buffer = [str(x) for x in data.get("buffer") or []]
        state.failures = int(data.get("failures") or 0)
        state.return_to = data.get("return_to")
        # The engine changes these in place: copy them so the caller's dict is never touched.
        state.pending = copy.deepcopy(data.get("pending"))
        state.group = copy.deepcopy(data.get("group"))
        state.deferred = [str(x) for x in data.get("deferred") or []]
        state.version = int(data.get("version") or 1)
        state.submitted = [dict(x) for x in data.get("submitted") or []]
        state.orphans.update(data.get("orphans") or {})
        state.started = bool(data.get("started", bool(state.answers)))
        for key in data:
            if key not in _KNOWN:
                state.orphans[f"key:{key}"] = data[key]
        return state


_KNOWN = frozenset(State().to_json())

Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _from_0(data: dict[str, Any]) -> dict[str, Any]:
    """Schema 0 (no version): answers as bare values or records, a ``current`` key for the cursor."""
    answers = {}
    for key, raw in (data.get("answers") or {}).items():
        if isinstance(raw, dict) and "status" in raw:
            answers[key] = raw
        else:
            answers[key] = {"status": "answered", "value": raw, "raw": "" if raw is None else str(raw)}
    data["answers"] = answers
    if "current" in data and "cursor" not in data:
        data["cursor"] = data.pop("current")
    data["schema"] = 1
    return data


#: schema version → function upgrading a state of that version by one step.
MIGRATIONS: dict[int, Migration] = {0: _from_0}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Upgrade ``data`` step by step to :data:`SCHEMA_VERSION`; a newer schema is read as far as possible."""
    version = int(data.get("schema") or 0)
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version = int(data.get("schema") or version + 1)
    return data


def adopt_template(state: State, template: Template) -> bool:
    """Move ``state`` to ``template``'s version, keeping every answer: those whose field was removed or
    changed type are kept under ``orphans``. True when an earlier version was in use (tell the user)."""
    if state.template_digest == template.digest and state.template_id == template.id:
        return False
    changed = bool(state.template_digest) and state.started
    for key in list(state.answers):
        field_type = state.types.get(key)
        if not template.has_field(key) or (field_type and field_type != template.field(key).type):
            state.orphans[f"answer:{key}@{state.template_version or '?'}"] = state.answers.pop(key).to_json()
            state.types.pop(key, None)
    state.deferred = [d for d in state.deferred if template.has_field(d)]
    if state.group and not template.has_field(str(state.group.get("field"))):
        state.orphans["group"] = state.group
        state.group = None
    if state.cursor and not template.has_field(state.cursor):
        state.cursor, state.buffer = None, []
    state.template_id, state.template_version, state.template_digest = template.id, template.version, template.digest
    return changed
