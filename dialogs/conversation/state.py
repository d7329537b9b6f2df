"""A conversation's state: navigation only (what it waits for, group progress, the text being typed).

The answers belong to the report (:mod:`dialogs.conversation.report`), never to a conversation. The
state is JSON with a schema version and registered migrations, and it is never reset: whatever cannot
be understood is kept under ``orphans``.

>>> s = State.from_json(None)
>>> s.schema == SCHEMA_VERSION and s.wait == Wait("start")
True
>>> State.from_json(State(wait=Wait("answer", field="so_tap_the")).to_json()).wait.field
'so_tap_the'
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, fields
from dataclasses import field as default
from typing import Any

SCHEMA_VERSION = 2

#: What a conversation can wait for. Each kind has one row in :data:`dialogs.conversation.waits.RULES`.
WAIT_KINDS: tuple[str, ...] = (
    "start",  # nothing asked yet
    "answer",  # the answer to ``field``
    "text",  # the next part of ``field``'s long text (parts in ``State.buffer``), or "xong"
    "column",  # column ``column`` of the record being filled in group ``field``
    "more",  # "another record?" of group ``field``
    "choose",  # which of ``choices`` was meant by ``raw`` (for ``field``, or its ``column``)
    "pick_field",  # which of ``choices`` (field ids) to edit
    "review",  # everything is answered or deferred: the summary was shown
    "confirm",  # "Nộp báo cáo?"
    "maybe_command",  # "Ý anh/chị là «xong»?" after a one-word typo (``raw``) while typing ``field``'s text
    "diacritics",  # "Dùng bản có dấu này?": ``raw`` typed without diacritics for ``field`` (or its ``column``),
    #               the proposal in ``choices[0]`` ({"value", "label" (unsure words marked), "unsure"})
)


@dataclass(frozen=True)
class Wait:
    """What the conversation waits for, and what that wait needs to know."""

    kind: str
    field: str = ""
    column: str = ""
    raw: str = ""
    #: For "choose" and "pick_field": ``[{"label", "value", "display"?}]``.
    choices: tuple[dict[str, Any], ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Only what is set."""
        data: dict[str, Any] = {"kind": self.kind} if self.kind else {}
        for key, value in (("field", self.field), ("column", self.column), ("raw", self.raw)):
            if value:
                data[key] = value
        if self.choices:
            data["choices"] = [dict(c) for c in self.choices]
        return data

    @classmethod
    def from_json(cls, data: Any) -> Wait:
        """Read a wait; an unknown kind becomes "start" (the caller keeps the original as an orphan)."""
        if not isinstance(data, dict) or data.get("kind") not in WAIT_KINDS:
            return cls("start")
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        values["choices"] = tuple(dict(c) for c in values.get("choices") or ())
        return cls(**values)


GROUP_SCHEMA = 1


@dataclass
class GroupProgress:
    """The repeated group being filled: finished ``items`` and the ``item`` being typed, by column id."""

    field: str
    items: list[dict[str, Any]] = default(default_factory=list)
    item: dict[str, Any] = default(default_factory=dict)
    #: Records to complete before a new one (the template added a required column after they were typed).
    todo: list[dict[str, Any]] = default(default_factory=list)
    #: The record being changed ("sửa mục 2"): its place in ``items`` and its values before the change.
    editing: int | None = None
    old: dict[str, Any] = default(default_factory=dict)
    schema: int = GROUP_SCHEMA

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        data = {"schema": self.schema, "field": self.field, "items": copy.deepcopy(self.items),
                "item": dict(self.item)}
        if self.todo:
            data["todo"] = copy.deepcopy(self.todo)
        if self.editing is not None:
            data["editing"], data["old"] = self.editing, dict(self.old)
        return data

    @classmethod
    def from_json(cls, data: Any) -> GroupProgress | None:
        """Read group progress (None when there is none)."""
        if not isinstance(data, dict) or not data.get("field"):
            return None
        items = [dict(i) for i in data.get("items") or [] if isinstance(i, dict)]
        item = dict(data.get("item") or {})
        todo = [dict(i) for i in data.get("todo") or [] if isinstance(i, dict)]
        editing = data.get("editing")
        position = int(editing) if isinstance(editing, int) and 0 <= editing <= len(items) else None
        old = dict(data.get("old") or {}) if position is not None else {}
        return cls(str(data["field"]), items, item, todo, position, old, int(data.get("schema") or GROUP_SCHEMA))


@dataclass
class State:
    """Where one person stands in one report: the wait, and the navigation around it."""

    schema: int = SCHEMA_VERSION
    template_id: str = ""
    template_version: str = ""
    template_digest: str = ""
    wait: Wait = default(default_factory=lambda: Wait("start"))
    #: Parts of a long text answer sent in several messages, not yet closed with "xong".
    buffer: list[str] = default(default_factory=list)
    #: Unfinished long texts of other fields (left with a command): field id → parts, taken up again there.
    drafts: dict[str, list[str]] = default(default_factory=dict)
    #: The edit under way began at the review: come back to it with a line, not the whole summary.
    from_review: bool = False
    #: Failed attempts at the current question.
    failures: int = 0
    #: After "sửa" or "quay lại", the field to come back to.
    return_to: str | None = None
    group: GroupProgress | None = None
    #: Required fields this person chose to answer later.
    deferred: list[str] = default(default_factory=list)
    paused: bool = False
    started: bool = False
    #: Answers found in a state written before answers moved to the report: handed to the report once.
    legacy_answers: dict[str, Any] = default(default_factory=dict)
    #: What no longer fits the template or the schema: kept, never dropped.
    orphans: dict[str, Any] = default(default_factory=dict)

    @property
    def field(self) -> str:
        """The field the wait is about ("" when none)."""
        return self.wait.field

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        data: dict[str, Any] = {
            "schema": self.schema,
            "template": {"id": self.template_id, "version": self.template_version, "digest": self.template_digest},
            "wait": self.wait.to_json(),
            "buffer": list(self.buffer),
            "drafts": {k: list(v) for k, v in self.drafts.items()},
            "from_review": self.from_review,
            "failures": self.failures,
            "return_to": self.return_to,
            "group": self.group.to_json() if self.group else None,
            "deferred": list(self.deferred),
            "paused": self.paused,
            "started": self.started,
            "orphans": copy.deepcopy(self.orphans),
        }
        if self.legacy_answers:
            data["legacy_answers"] = copy.deepcopy(self.legacy_answers)
        return data

    @classmethod
    def from_json(cls, data: Any) -> State:
        """Read a state of any schema version (or none at all), migrating it to the current one."""
        if not isinstance(data, dict):
            return cls(orphans={"unreadable": data} if data is not None else {})
        data = migrate(_copied(data))
        state = cls()
        tpl = data.get("template") or {}
        state.template_id = str(tpl.get("id", ""))
        state.template_version = str(tpl.get("version", ""))
        state.template_digest = str(tpl.get("digest", ""))
        raw_wait = data.get("wait")
        state.wait = Wait.from_json(raw_wait)
        if raw_wait and state.wait.kind == "start" and (raw_wait or {}).get("kind") != "start":
            state.orphans["wait"] = raw_wait
        state.buffer = [str(x) for x in data.get("buffer") or []]
        state.drafts = {str(k): [str(x) for x in v] for k, v in (data.get("drafts") or {}).items()
                        if isinstance(v, list)}
        state.from_review = bool(data.get("from_review"))
        state.failures = int(data.get("failures") or 0)
        state.return_to = data.get("return_to")
        state.group = GroupProgress.from_json(data.get("group"))
        state.deferred = [str(x) for x in data.get("deferred") or []]
        state.paused = bool(data.get("paused"))
        state.started = bool(data.get("started"))
        state.legacy_answers = dict(data.get("legacy_answers") or {})
        state.orphans.update(data.get("orphans") or {})
        for key in data:
            if key not in _KNOWN:
                state.orphans[f"key:{key}"] = data[key]
        return state


_KNOWN = frozenset(State().to_json()) | {"legacy_answers"}

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


def _from_1(data: dict[str, Any]) -> dict[str, Any]:
    """Schema 1 kept the answers in the conversation, and cursor/mode/pending/group beside each other.

    The answers go to ``legacy_answers`` (the engine hands them to the report once); the rest becomes
    one wait. A group's column was an index then: ``#<index>`` is resolved against the template.
    """
    answers = data.pop("answers", None) or {}
    types = data.pop("types", None) or {}
    legacy = {}
    for key, record in answers.items():
        if isinstance(record, dict):
            record = dict(record)
            if types.get(key) and "type" not in record:
                record["type"] = types[key]
        legacy[key] = record
    data["legacy_answers"] = legacy
    data.setdefault("started", bool(legacy))
    cursor, mode = data.pop("cursor", None), data.pop("mode", None) or "asking"
    pending, group = data.pop("pending", None), data.pop("group", None)
    for key in ("version", "submitted"):  # the report keeps its versions and receipts now
        if key in data:
            data.setdefault("orphans", {})[f"schema1:{key}"] = data.pop(key)
    wait: dict[str, Any] = {"kind": "start"}
    if mode == "confirm_submit":
        wait = {"kind": "confirm"}
    elif mode in ("review", "submitted") or (cursor is None and data.get("started")):
        wait = {"kind": "review"}
    elif cursor:
        wait = {"kind": "answer", "field": cursor}
    if mode == "paused":
        data["paused"] = True
    if isinstance(pending, dict) and pending.get("kind") == "edit":
        wait = {"kind": "pick_field", "choices": pending.get("choices") or []}
    elif isinstance(pending, dict) and pending.get("field"):
        wait = {"kind": "choose", "field": pending["field"], "raw": pending.get("raw", ""),
                "choices": pending.get("choices") or []}
    if isinstance(group, dict) and group.get("field"):
        progress = {"field": group["field"], "items": group.get("items") or [], "item": group.get("item") or {}}
        data["group"] = progress
        if group.get("field") == cursor and wait.get("kind") == "answer":
            kind = "more" if group.get("phase") == "more" else "column"
            wait = {"kind": kind, "field": cursor, "column": f"#{int(group.get('col') or 0)}"}
    data["wait"] = wait
    data["schema"] = 2
    return data


#: schema version → function upgrading a state of that version by one step.
MIGRATIONS: dict[int, Migration] = {0: _from_0, 1: _from_1}


def _copied(value: Any) -> Any:
    """A deep copy of a JSON value (dicts and lists rebuilt, other values shared unless mutable): what
    ``copy.deepcopy`` gives, at a fraction of its cost on the state read every turn.

    >>> data = {"a": [1, {"b": "c"}], "d": None}
    >>> copied = _copied(data)
    >>> copied == data, copied["a"] is data["a"], copied["a"][1] is data["a"][1]
    (True, False, False)
    """
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    if value is None or isinstance(value, (str, int, float)):
        return value
    return copy.deepcopy(value)


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Upgrade ``data`` step by step to :data:`SCHEMA_VERSION`; a newer schema is read as far as possible."""
    version = int(data.get("schema") or 0)
    if version == 0 and not data:
        return {"schema": SCHEMA_VERSION}
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version = int(data.get("schema") or version + 1)
    return data
