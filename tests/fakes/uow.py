"""An in-memory unit of work (cosmicpython's fake repositories): the runner and the bot services without a database.

:class:`FakeStore` is the database: one dict per table of plain dataclass rows named and shaped like
:mod:`storage.models`, keyed by their primary key. :class:`FakeUnitOfWork` has the repositories and the
methods of :class:`storage.uow.UnitOfWork` (everything but ``session``), with the behaviour of the real
schema that callers lean on:

- nothing is kept without ``commit()``: a unit of work works on its own copy of the committed tables,
  and ``commit()`` makes that copy the committed one (``rollback()`` and leaving the ``with`` drop it);
- JSON columns (conversation states, answer values, outbox payloads, submission snapshots, a pending
  choice) are written through ``json.dumps`` and kept decoded, so a set, a date or NaN fails where it is
  written (TypeError / ValueError) and a tuple comes back a list, as from the database; a JSON value
  changed in place instead of assigned is refused at commit (the ORM would not save it);
- datetimes must be aware and are kept in UTC (a naive one is a ValueError, as in ``UTCDateTime``);
- primary keys, the unique constraints (identity per channel account, report per campaign and unit,
  conversation per person and report, submission per version, template digest, unit code) and the
  foreign keys are checked at ``flush()`` and ``commit()`` (:class:`sqlalchemy.exc.IntegrityError`);
- ``reports.save`` / ``conversations.save`` refuse a stale ``row_version`` / ``state_version``
  (:class:`storage.errors.ConcurrencyError`); answers and template versions are write-once;
- ids come from per-table counters a rollback never rewinds (like PostgreSQL sequences).

Not modelled: row locks and isolation levels (units of work are meant to run one at a time; if two
interleave, the second commit merges its rows into the first's and a row both changed raises
ConcurrencyError — stricter than READ COMMITTED), SQL collations (names sort as Python strings), the
ORM's identity map across units of work, and ``session`` (anything that needs raw SQL needs a database).

>>> from datetime import UTC, datetime
>>> store = FakeStore()
>>> with store.uow() as uow:
...     unit = uow.units.add("Xã Khúc Thừa Dụ", now=datetime(2025, 8, 6, tzinfo=UTC))
>>> with store.uow() as uow:                     # never committed: gone
...     uow.units.all()
[]
>>> with store.uow() as uow:
...     unit = uow.units.add("Xã Khúc Thừa Dụ", now=datetime(2025, 8, 6, tzinfo=UTC))
...     uow.commit()
>>> [u.name for u in store.rows("units")]
['Xã Khúc Thừa Dụ']
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from types import TracebackType
from typing import Any, ClassVar, Self, TypeVar, cast

from sqlalchemy.exc import IntegrityError

from dialogs.answers import AnswerRecord
from dialogs.template.model import Template
from dialogs.vietnamese.text import fold, nfc, squash
from storage.errors import (
    ConcurrencyError,
    DuplicateUnit,
    InviteExpired,
    InviteRevoked,
    InviteUsed,
    NotFound,
    StorageError,
    SubmissionClosed,
)
from storage.models import REPORT_STATUSES
from storage.repositories import KEEP, KIND_PREFIXES, ROLES, Working, guess_kind, template_digest
from storage.repositories._sql import Keep
from storage.repositories.outbox import MAX_ERROR_CHARS
from storage.repositories.people import invite_digest
from storage.repositories.units import _exact_key, _split_kind
from storage.unit_lookup import resolve_unit, sorted_units

__all__ = ["FakeStore", "FakeUnitOfWork"]


# ---- rows ------------------------------------------------------------------------------------------------
def _encode(value: Any, where: str) -> str:
    """``value`` as the JSON text a JSON column would hold; TypeError / ValueError naming the column if not."""
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{where}: {exc}") from exc


def _utc(value: Any, where: str) -> datetime | None:
    """An aware datetime in UTC (what ``UTCDateTime`` gives back); naive ones are refused like there."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise TypeError(f"{where}: expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{where}: naive datetime {value!r}: pass an aware datetime (e.g. tzinfo=UTC)")
    return value.astimezone(UTC)


class Row:
    """A table row: plain attributes; JSON columns pass through ``json``, datetime columns become UTC."""

    TABLE: ClassVar[str]
    KEY: ClassVar[tuple[str, ...]] = ("id",)
    JSON: ClassVar[tuple[str, ...]] = ()
    TIMES: ClassVar[tuple[str, ...]] = ()

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self.JSON:
            text = _encode(value, f"{type(self).__name__}.{name}")
            self.__dict__.setdefault("_json", {})[name] = text
            value = json.loads(text)
        elif name in self.TIMES:
            value = _utc(value, f"{type(self).__name__}.{name}")
        object.__setattr__(self, name, value)

    @property
    def key(self) -> Any:
        """The primary key (a tuple for composite keys)."""
        values = tuple(getattr(self, name) for name in self.KEY)
        return values[0] if len(values) == 1 else values

    def clone(self) -> Self:
        """An independent copy (JSON values decoded afresh from their text)."""
        copy = object.__new__(type(self))
        state = dict(self.__dict__)
        texts = state.get("_json")
        if texts:
            state["_json"] = dict(texts)
            for name, text in texts.items():
                state[name] = json.loads(text)
        copy.__dict__.update(state)
        return copy

    def changed_in_place(self) -> list[str]:
        """The JSON columns whose value was mutated instead of assigned since they were written."""
        texts = self.__dict__.get("_json", {})
        return [name for name in self.JSON if _encode(getattr(self, name), name) != texts.get(name)]


@dataclass(kw_only=True)
class Unit(Row):
    TABLE = "units"
    TIMES = ("created_at",)
    id: int
    code: int | None = None
    name: str
    kind: str
    province_code: int | None = None
    province_name: str | None = None
    folded: str
    created_at: datetime


@dataclass(kw_only=True)
class Person(Row):
    TABLE = "people"
    TIMES = ("created_at",)
    id: int
    display_name: str
    role: str
    unit_id: int | None = None
    created_at: datetime


@dataclass(kw_only=True)
class Identity(Row):
    TABLE = "identities"
    JSON = ("choice", "pending")
    id: int
    person_id: int
    channel: str
    external_id: str
    report_id: int | None = None
    choice: list[int] | None = None
    code_failures: int = 0
    locked_until: datetime | None = None
    pending: dict[str, Any] | None = None


@dataclass(kw_only=True)
class Invite(Row):
    TABLE = "invites"
    KEY = ("code",)
    TIMES = ("created_at", "expires_at", "used_at")
    code: str
    hint: str | None = None
    role: str
    unit_id: int | None = None
    campaign_id: int | None = None
    created_at: datetime
    expires_at: datetime | None = None
    used_at: datetime | None = None
    used_by: int | None = None
    person_id: int | None = None
    revoked_at: datetime | None = None


@dataclass(kw_only=True)
class TemplateVersion(Row):
    TABLE = "template_versions"
    TIMES = ("created_at",)
    id: int
    template_id: str
    version: str
    digest: str
    title: str
    text: str
    created_at: datetime


@dataclass(kw_only=True)
class Campaign(Row):
    TABLE = "campaigns"
    TIMES = ("opened_at", "closed_at")
    id: int
    template_version_id: int
    title: str
    deadline: date
    deadline_time: time | None = None
    opened_at: datetime
    status: str
    closed_at: datetime | None = None
    created_by: int | None = None
    word_template: bytes | None = None
    word_template_name: str | None = None
    contact: str | None = None
    settings: dict[str, Any] | None = None


@dataclass(kw_only=True)
class CampaignUnit(Row):
    TABLE = "campaign_units"
    KEY = ("campaign_id", "unit_id")
    campaign_id: int
    unit_id: int


@dataclass(kw_only=True)
class Submission(Row):
    TABLE = "submissions"
    JSON = ("answers",)
    TIMES = ("created_at", "submitted_at", "returned_at")
    id: int
    campaign_id: int
    unit_id: int
    version: int
    status: str
    ref: str | None = None
    answers: dict[str, Any] | None = None
    created_at: datetime
    submitted_at: datetime | None = None
    submitted_by: int | None = None
    returned_at: datetime | None = None
    comment: str | None = None


@dataclass(kw_only=True)
class Report(Row):
    TABLE = "reports"
    TIMES = ("created_at", "updated_at")
    id: int
    campaign_id: int
    unit_id: int
    status: str
    version: int
    ref: str | None = None
    comment: str | None = None
    row_version: int
    created_at: datetime
    updated_at: datetime


@dataclass(kw_only=True)
class Answer(Row):
    TABLE = "answers"
    JSON = ("value",)
    TIMES = ("created_at",)
    id: int
    campaign_id: int
    unit_id: int
    submission_version: int
    field_id: str
    status: str
    value: Any = None
    raw: str
    display: str
    approximate: bool
    qualifier: str
    person_id: int | None = None
    channel: str
    created_at: datetime
    field_type: str = ""

    def to_record(self) -> AnswerRecord:
        """The answer as the engine and the exporters know it (as :meth:`storage.models.Answer.to_record`)."""
        return AnswerRecord(status=self.status, value=self.value, raw=self.raw,  # type: ignore[arg-type]
                            display=self.display, approximate=self.approximate, qualifier=self.qualifier,
                            at=self.created_at.isoformat(), field_type=self.field_type)


@dataclass(kw_only=True)
class Conversation(Row):
    TABLE = "conversations"
    JSON = ("state",)
    TIMES = ("created_at", "updated_at")
    id: int
    person_id: int
    report_id: int | None = None
    channel: str | None = None
    chat_id: str | None = None
    state: dict[str, Any] = field(default_factory=dict)
    state_version: int
    created_at: datetime
    updated_at: datetime


@dataclass(kw_only=True)
class ConversationState(Row):
    TABLE = "conversation_states"
    KEY = ("conversation_id", "state_version")
    JSON = ("state",)
    TIMES = ("saved_at",)
    conversation_id: int
    state_version: int
    state: dict[str, Any]
    saved_at: datetime


@dataclass(kw_only=True)
class Inbox(Row):
    TABLE = "inbox"
    JSON = ("payload",)
    TIMES = ("received_at", "processed_at", "set_aside_at")
    id: int
    channel: str
    update_id: str
    chat_id: str
    user_id: str
    payload: dict[str, Any]
    received_at: datetime
    processed_at: datetime | None = None
    attempts: int = 0
    last_error: str | None = None
    set_aside_at: datetime | None = None


@dataclass(kw_only=True)
class Outbox(Row):
    TABLE = "outbox"
    JSON = ("payload",)
    TIMES = ("created_at", "sent_at", "not_before", "gave_up_at", "lease_until", "superseded_at")
    id: int
    channel: str
    chat_id: str
    conversation_id: int | None = None
    payload: dict[str, Any]
    created_at: datetime
    sent_at: datetime | None = None
    attempts: int = 0
    last_error: str | None = None
    not_before: datetime | None = None
    gave_up_at: datetime | None = None
    turn: int | None = None
    lease_until: datetime | None = None
    lease_owner: str | None = None
    superseded_at: datetime | None = None
    provider_id: str | None = None

    @property
    def pending(self) -> bool:
        return self.sent_at is None and self.gave_up_at is None and self.superseded_at is None


@dataclass(kw_only=True)
class Reminder(Row):
    TABLE = "reminders"
    TIMES = ("due_at", "done_at", "created_at")
    id: int
    name: str
    campaign_id: int
    unit_id: int | None = None
    kind: str
    slot: str
    deadline: date
    deadline_time: time | None = None
    due_at: datetime
    status: str = "planned"
    done_at: datetime | None = None
    created_at: datetime


@dataclass(kw_only=True)
class ReminderDelivery(Row):
    TABLE = "reminder_deliveries"
    TIMES = ("created_at",)
    id: int
    reminder_id: int
    person_id: int
    channel: str
    outbox_id: int | None = None
    created_at: datetime


ROWS: tuple[type[Row], ...] = (Unit, Person, Identity, Invite, TemplateVersion, Campaign, CampaignUnit, Submission,
                               Report, Answer, Conversation, ConversationState, Inbox, Outbox, Reminder,
                               ReminderDelivery)
TABLES: tuple[str, ...] = tuple(row.TABLE for row in ROWS)

#: The unique constraints besides the primary keys (NULLs distinct, except where :data:`NULLS_EQUAL`).
UNIQUE: dict[str, tuple[tuple[str, ...], ...]] = {
    "units": (("code",),),
    "identities": (("channel", "external_id"),),
    "template_versions": (("digest",),),
    "submissions": (("campaign_id", "unit_id", "version"),),
    "reports": (("campaign_id", "unit_id"),),
    "conversations": (("person_id", "report_id"),),
    "inbox": (("channel", "update_id"),),
    "reminders": (("name",),),
    "reminder_deliveries": (("reminder_id", "person_id", "channel"),),
}
#: ``uq_conversations_person_id_no_report``: one report-less conversation per person.
NULLS_EQUAL = frozenset({"conversations"})
#: Column → referred table (every referred key is an ``id``).
FOREIGN: dict[str, tuple[tuple[str, str], ...]] = {
    "people": (("unit_id", "units"),),
    "identities": (("person_id", "people"), ("report_id", "reports")),
    "invites": (("unit_id", "units"), ("campaign_id", "campaigns"), ("used_by", "people"), ("person_id", "people")),
    "campaigns": (("template_version_id", "template_versions"), ("created_by", "people")),
    "campaign_units": (("campaign_id", "campaigns"), ("unit_id", "units")),
    "submissions": (("campaign_id", "campaigns"), ("unit_id", "units"), ("submitted_by", "people")),
    "reports": (("campaign_id", "campaigns"), ("unit_id", "units")),
    "answers": (("campaign_id", "campaigns"), ("unit_id", "units"), ("person_id", "people")),
    "conversations": (("person_id", "people"), ("report_id", "reports")),
    "conversation_states": (("conversation_id", "conversations"),),
    "outbox": (("conversation_id", "conversations"),),
    "reminders": (("campaign_id", "campaigns"), ("unit_id", "units")),
    "reminder_deliveries": (("reminder_id", "reminders"), ("person_id", "people")),
}
#: Tables whose rows are never updated or deleted (the ORM refuses it: ``storage.models._refuse_change``).
WRITE_ONCE = frozenset({"answers", "template_versions"})

Tables = dict[str, dict[Any, Row]]
R = TypeVar("R", bound=Row)


def _clone_tables(tables: Tables) -> Tables:
    return {name: {key: row.clone() for key, row in rows.items()} for name, rows in tables.items()}


def _integrity(detail: str) -> IntegrityError:
    return IntegrityError("(fake store)", None, Exception(detail))


def _changes(base: Tables, working: Tables) -> dict[str, set[Any]]:
    """Per table, the keys of the rows added, changed or deleted in ``working`` since ``base``."""
    out: dict[str, set[Any]] = {}
    for name in TABLES:
        before, after = base[name], working[name]
        keys = {key for key in after.keys() | before.keys() if before.get(key) != after.get(key)}
        if keys:
            out[name] = keys
    return out


def _check(tables: Tables, changes: Mapping[str, set[Any]], base: Tables) -> None:
    """What the database would refuse at a flush: values changed in place, write-once rows, keys."""
    for name, keys in changes.items():
        for key in keys:
            row = tables[name].get(key)
            if row is not None and (stale := row.changed_in_place()):
                raise StorageError(f"{type(row).__name__} {key!r}: {', '.join(stale)} changed in place; assign a new "
                                   "value (the ORM does not see in-place changes and would not save them)")
            if name in WRITE_ONCE and key in base[name]:
                raise StorageError(f"{type(base[name][key]).__name__} rows are write-once: add a new row instead")
    for name, constraints in UNIQUE.items():
        for columns in constraints:
            seen: dict[tuple[Any, ...], Any] = {}
            for key, row in tables[name].items():
                values = tuple(getattr(row, c) for c in columns)
                if name not in NULLS_EQUAL and None in values:
                    continue
                if values in seen:
                    raise _integrity(f"UNIQUE constraint failed: {name}.({', '.join(columns)}) = {values!r}")
                seen[values] = key
    for name, references in FOREIGN.items():
        for row in tables[name].values():
            for column, target in references:
                value = getattr(row, column)
                if value is not None and value not in tables[target]:
                    raise _integrity(f"FOREIGN KEY constraint failed: {name}.{column} = {value!r} not in {target}")


def _merge(base: Tables, current: Tables, working: Tables, changes: Mapping[str, set[Any]]) -> Tables:
    """``working``'s changes applied on ``current`` (committed meanwhile); a row changed by both is a conflict."""
    merged = _clone_tables(current)
    for name, keys in changes.items():
        for key in keys:
            if current[name].get(key) != base[name].get(key):
                raise ConcurrencyError(f"{name} {key!r} was changed by another unit of work meanwhile")
            row = working[name].get(key)
            if row is None:
                merged[name].pop(key, None)
            else:
                merged[name][key] = row
    return merged


# ---- the store and the unit of work ----------------------------------------------------------------------
class FakeStore:
    """The in-memory database: committed tables (never changed in place: a commit replaces them)."""

    def __init__(self) -> None:
        self.tables: Tables = {name: {} for name in TABLES}
        self._next: dict[str, int] = dict.fromkeys(TABLES, 1)
        #: How many commits went in (for tests of the store itself).
        self.commits = 0

    def uow(self, **options: bool) -> FakeUnitOfWork:
        """A new unit of work on this store (pass ``store.uow`` as ``Runner(uow=...)``)."""
        return FakeUnitOfWork(self, **options)

    def rows(self, table: str) -> list[Any]:
        """Copies of the committed rows of a table, in key order (for assertions)."""
        rows = self.tables[table]
        return [rows[key].clone() for key in sorted(rows)]

    def count(self, table: str) -> int:
        """How many committed rows a table has."""
        return len(self.tables[table])

    def next_id(self, table: str, tables: Tables) -> int:
        """A new id for ``table`` (not given back on rollback, like a sequence)."""
        existing = max((k for k in tables[table] if isinstance(k, int)), default=0)
        value = max(self._next[table], existing + 1)
        self._next[table] = value + 1
        return value


class FakeUnitOfWork:
    """``with FakeUnitOfWork(store) as uow: …; uow.commit()``: nothing is kept without ``commit()``."""

    units: UnitRepository
    people: PersonRepository
    invites: InviteRepository
    templates: TemplateRepository
    campaigns: CampaignRepository
    reports: ReportRepository
    submissions: SubmissionRepository
    answers: AnswerRepository
    conversations: ConversationRepository
    inbox: InboxRepository
    outbox: OutboxRepository
    reminders: ReminderRepository

    def __init__(self, store: FakeStore, *, keep_state_history: bool = True) -> None:
        self.store = store
        self._keep_state_history = keep_state_history
        self._base: Tables | None = None
        self._tables: Tables | None = None

    def __enter__(self) -> Self:
        self._begin()
        self.units = UnitRepository(self)
        self.people = PersonRepository(self)
        self.invites = InviteRepository(self)
        self.templates = TemplateRepository(self)
        self.campaigns = CampaignRepository(self)
        self.reports = ReportRepository(self)
        self.submissions = SubmissionRepository(self)
        self.answers = AnswerRepository(self)
        self.conversations = ConversationRepository(self, keep_history=self._keep_state_history)
        self.inbox = InboxRepository(self)
        self.outbox = OutboxRepository(self)
        self.reminders = ReminderRepository(self)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Whatever was not committed is dropped; rows read stay readable (they are plain objects).
        self._base = self._tables = None

    def commit(self) -> None:
        """Make everything done so far durable (the unit of work stays usable for more work)."""
        tables, base = self.tables, self._base
        assert base is not None
        changes = _changes(base, tables)
        _check(tables, changes, base)
        if self.store.tables is not base:  # another unit of work committed since this one began
            tables = _merge(base, self.store.tables, tables, changes)
            _check(tables, {}, base)
            self._tables = tables
        self.store.tables = _clone_tables(tables)
        self.store.commits += 1
        self._base = self.store.tables

    def rollback(self) -> None:
        """Drop everything done since the last commit (rows read before are detached copies now)."""
        if self._tables is not None:
            self._begin()

    def flush(self) -> None:
        """Check now what the database would refuse (keys, write-once rows, values changed in place)."""
        base = self._base
        assert base is not None
        _check(self.tables, _changes(base, self.tables), base)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: an error inside undoes only what was done inside, then propagates."""
        saved = _clone_tables(self.tables)
        try:
            yield
        except BaseException:
            self._tables = saved
            raise

    # ---- for the repositories ----------------------------------------------------------------------------
    @property
    def tables(self) -> Tables:
        """The working copy of the tables (this unit of work's transaction)."""
        if self._tables is None:
            raise RuntimeError("the unit of work is not open: use it inside `with`")
        return self._tables

    def table(self, name: str) -> dict[Any, Any]:
        return self.tables[name]

    def new_id(self, name: str) -> int:
        return self.store.next_id(name, self.tables)

    def insert(self, row: R) -> R:
        """Add a row; IntegrityError if its primary key is taken (as the INSERT would fail)."""
        rows = self.tables[row.TABLE]
        if row.key in rows:
            raise _integrity(f"UNIQUE constraint failed: {row.TABLE} primary key {row.key!r}")
        rows[row.key] = row
        return row

    def _begin(self) -> None:
        self._base = self.store.tables
        self._tables = _clone_tables(self._base)


class _Repository:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    def _rows(self, kind: type[R]) -> list[R]:
        """The rows of a table in primary-key order."""
        table = self.uow.table(kind.TABLE)
        return [table[key] for key in sorted(table)]

    def _get(self, kind: type[R], key: Any) -> R | None:
        """The row with this primary key, if any."""
        return cast("R | None", self.uow.table(kind.TABLE).get(key))


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")


# ---- units -----------------------------------------------------------------------------------------------
class UnitRepository(_Repository):
    """As :class:`storage.repositories.UnitRepository`."""

    def add(self, name: str, *, now: datetime, code: int | None = None, kind: str | None = None,
            province_code: int | None = None, province_name: str | None = None) -> Unit:
        clean = squash(nfc(name))
        if not clean:
            raise ValueError("a unit needs a name")
        existing = self.duplicate_of(clean, code=code, province_code=province_code)
        if existing is not None:
            if existing.code is None:
                raise DuplicateUnit(existing_id=existing.id, msg="storage.unit_duplicate", name=clean,
                                    id=existing.id, existing=existing.name)
            raise DuplicateUnit(existing_id=existing.id, msg="storage.unit_duplicate_code", name=clean,
                                id=existing.id, existing=existing.name, code=existing.code)
        return self.uow.insert(Unit(id=self.uow.new_id("units"), code=code, name=clean, kind=kind or guess_kind(clean),
                                    province_code=province_code, province_name=province_name, folded=fold(clean),
                                    created_at=now))

    def duplicate_of(self, name: str, *, code: int | None, province_code: int | None) -> Unit | None:
        if code is not None and (same_code := self.by_code(code)) is not None:
            return same_code
        for unit in self._rows(Unit):
            if unit.folded != fold(name) or (code is not None and unit.code is not None):
                continue
            if province_code is None or unit.province_code in (None, province_code):
                return unit
        return None

    def get(self, unit_id: int) -> Unit:
        unit = self._get(Unit, unit_id)
        if unit is None:
            raise NotFound(msg="storage.unit_unknown", id=unit_id)
        return unit

    def by_code(self, code: int) -> Unit | None:
        return next((u for u in self._rows(Unit) if u.code == code), None)

    def all(self, province_code: int | None = None) -> list[Unit]:
        return [u for u in self._rows(Unit) if province_code is None or u.province_code == province_code]

    def find(self, text: str) -> list[Unit]:
        folded = fold(text)
        if not folded:
            return []
        kind, bare = _split_kind(folded)
        names = [folded] if kind else [folded] + [f"{prefix} {bare}" for prefix in KIND_PREFIXES]
        exact = [u for u in self._rows(Unit) if u.folded in names]
        if exact:
            key = _exact_key(text)
            return [u for u in exact if _exact_key(u.name) == key] or exact
        from dialogs.vietnamese.matching import match_unit

        units = self.all()
        match = match_unit(text, list(dict.fromkeys(u.name for u in units)))
        if match.kind == "one" and match.key is not None:
            keys = [match.key]
        elif match.kind == "none":
            keys = []
        else:
            keys = list(match.keys or ())
        return [u for key in keys for u in units if u.name == str(key)]

    def resolve(self, text: str, province: str | None = None) -> Unit:
        return resolve_unit(self, text, province)

    def by_id(self, unit_id: int) -> Unit | None:
        return self._get(Unit, unit_id)

    def with_folded(self, folded: Sequence[str], province_code: int | None) -> list[Unit]:
        return [u for u in self._rows(Unit) if u.folded in folded
                and (province_code is None or u.province_code == province_code)]


# ---- people and invites ----------------------------------------------------------------------------------
class PersonRepository(_Repository):
    """As :class:`storage.repositories.PersonRepository`."""

    def count(self) -> int:
        return len(self._rows(Person))

    def get(self, person_id: int) -> Person:
        person = self._get(Person, person_id)
        if person is None:
            raise NotFound(f"no person #{person_id}")
        return person

    def identity(self, channel: str, external_id: str) -> Identity | None:
        return next((i for i in self._rows(Identity) if (i.channel, i.external_id) == (channel, external_id)),
                    None)

    def by_identity(self, channel: str, external_id: str) -> Person | None:
        found = self.lookup(channel, external_id)
        return None if found is None else found[0]

    def lookup(self, channel: str, external_id: str) -> tuple[Person, Identity] | None:
        identity = self.identity(channel, external_id)
        if identity is None:
            return None
        return self.get(identity.person_id), identity

    def working(self, channel: str, external_id: str) -> Working | None:
        found = self.lookup(channel, external_id)
        if found is None or found[1].report_id is None:
            return None
        person, identity = found
        report = self._get(Report, identity.report_id)
        conversation = self.uow.conversations.get(person.id, identity.report_id)
        if report is None or conversation is None:
            return None
        campaign = self.uow.table("campaigns")[report.campaign_id]
        ids = [a.id for a in self._rows(Answer) if a.campaign_id == report.campaign_id and a.unit_id == report.unit_id]
        return Working(person, identity, report, campaign, conversation, answers=(len(ids), max(ids, default=0)))

    def move_identity(self, identity: Identity, person_id: int) -> None:
        self._stored_identity(identity).person_id = person_id
        identity.person_id = person_id

    def code_failed(self, identity: Identity, now: datetime, *, limit: int, lockout: timedelta) -> datetime | None:
        row = self._get(Identity, identity.id)
        assert row is not None
        failures = row.code_failures + 1
        locked = now + lockout if failures >= limit else None
        for target in {id(row): row, id(identity): identity}.values():
            target.code_failures, target.locked_until = (0 if locked else failures), locked
        return locked

    def code_ok(self, identity: Identity) -> None:
        row = self._get(Identity, identity.id)
        assert row is not None
        for target in {id(row): row, id(identity): identity}.values():
            target.code_failures, target.locked_until = 0, None

    def set_pending(self, identity: Identity, pending: dict[str, Any] | None) -> None:
        row = self._stored_identity(identity)
        row.pending = identity.pending = None if pending is None else dict(pending)

    def set_active_report(self, identity: Identity, report_id: int | None, choice: Sequence[int] | None = None) -> None:
        offered = None if choice is None else [int(x) for x in choice]
        row = self._stored_identity(identity)
        row.report_id, row.choice = report_id, offered
        identity.report_id, identity.choice = report_id, offered

    def get_or_create(self, channel: str, external_id: str, display_name: str, now: datetime, *,
                      role: str = "reporter") -> Person:
        found = self.by_identity(channel, external_id)
        if found is not None:
            return found
        _check_role(role)
        person = self.uow.insert(Person(id=self.uow.new_id("people"), display_name=display_name, role=role,
                                        created_at=now))
        self.uow.insert(Identity(id=self.uow.new_id("identities"), person_id=person.id, channel=channel,
                                 external_id=external_id))
        return person

    def register(self, channel: str, external_id: str, display_name: str, now: datetime, *,
                 role: str = "reporter") -> tuple[Person, Identity]:
        self.get_or_create(channel, external_id, display_name, now, role=role)
        found = self.lookup(channel, external_id)
        assert found is not None
        return found

    def set_unit_and_role(self, person: Person, unit_id: int | None, role: str) -> None:
        _check_role(role)
        person.unit_id, person.role = unit_id, role

    def attach_unit(self, person: Person, unit_id: int | None) -> None:
        person.unit_id = unit_id

    def set_role(self, person: Person, role: str) -> None:
        _check_role(role)
        person.role = role

    def with_role(self, role: str) -> list[Person]:
        return [p for p in self._rows(Person) if p.role == role]

    def identities(self, person_id: int) -> list[Identity]:
        return [i for i in self._rows(Identity) if i.person_id == person_id]

    def for_unit(self, unit_id: int) -> list[Person]:
        return [p for p in self._rows(Person) if p.unit_id == unit_id]

    def _stored_identity(self, identity: Identity) -> Identity:
        row = self._get(Identity, identity.id)
        if row is None:
            raise NotFound(f"no identity #{identity.id}")
        return row


class InviteRepository(_Repository):
    """As :class:`storage.repositories.InviteRepository`."""

    def create(self, code: str, role: str, unit_id: int | None, campaign_id: int | None,
               expires_at: datetime | None, now: datetime, *, person_id: int | None = None) -> Invite:
        _check_role(role)
        return self.uow.insert(Invite(code=invite_digest(code), hint=code.strip().upper()[:4], role=role,
                                      unit_id=unit_id, campaign_id=campaign_id, created_at=now,
                                      expires_at=expires_at, person_id=person_id))

    def get(self, code: str) -> Invite:
        invite = self._get(Invite, invite_digest(code))
        if invite is None:
            raise NotFound(msg="storage.invite_unknown", code=code)
        return invite

    def use(self, code: str, person_id: int, now: datetime) -> Invite:
        invite = self.get(code)
        if invite.revoked_at is not None:
            raise InviteRevoked(msg="storage.invite_revoked", code=code, date=f"{invite.revoked_at:%d/%m/%Y}")
        if invite.used_at is not None:
            raise InviteUsed(msg="storage.invite_used", code=code)
        if invite.expires_at is not None and invite.expires_at <= now:
            raise InviteExpired(msg="storage.invite_expired", code=code, date=f"{invite.expires_at:%d/%m/%Y}")
        invite.used_at, invite.used_by = now, person_id
        return invite

    def revoke(self, code: str, now: datetime) -> Invite:
        invite = self.get(code)
        if invite.revoked_at is None:
            invite.revoked_at = now
        return invite

    def listed(self, campaign_id: int | None = None) -> list[Invite]:
        rows = [i for i in self._rows(Invite) if i.person_id is None
                and (campaign_id is None or i.campaign_id == campaign_id)]
        return sorted(rows, key=lambda i: (i.created_at, i.code))


# ---- templates, campaigns, submissions -------------------------------------------------------------------
class TemplateRepository(_Repository):
    """As :class:`storage.repositories.TemplateRepository`."""

    def ensure(self, template: Template, now: datetime) -> TemplateVersion:
        digest = template_digest(template)
        found = self.by_digest(digest)
        if found is not None:
            return found
        return self.uow.insert(TemplateVersion(id=self.uow.new_id("template_versions"), template_id=template.id,
                                               version=template.version, digest=digest, title=template.meta.title,
                                               text=template.text, created_at=now))

    def get(self, version_id: int) -> TemplateVersion:
        row = self._get(TemplateVersion, version_id)
        if row is None:
            raise NotFound(f"no template version #{version_id}")
        return row

    def by_digest(self, digest: str) -> TemplateVersion | None:
        return next((t for t in self._rows(TemplateVersion) if t.digest == digest), None)

    def latest(self, template_id: str) -> TemplateVersion | None:
        return next((t for t in reversed(self._rows(TemplateVersion)) if t.template_id == template_id), None)


class CampaignRepository(_Repository):
    """As :class:`storage.repositories.CampaignRepository`."""

    def create(self, template_version: TemplateVersion | int, title: str, deadline: date, now: datetime,
               unit_ids: Iterable[int] = (), *, created_by: int | None = None, word_template: bytes | None = None,
               word_template_name: str | None = None, contact: str | None = None,
               deadline_time: time | None = None) -> Campaign:
        version_id = template_version if isinstance(template_version, int) else template_version.id
        campaign = self.uow.insert(Campaign(id=self.uow.new_id("campaigns"), template_version_id=version_id,
                                            title=title, deadline=deadline, deadline_time=deadline_time,
                                            opened_at=now, status="open", created_by=created_by,
                                            word_template=word_template, word_template_name=word_template_name,
                                            contact=contact))
        self.invite_units(campaign.id, unit_ids)
        return campaign

    def lock(self, campaign_id: int) -> None:
        """One writer at a time: nothing to lock."""

    def get(self, campaign_id: int) -> Campaign:
        campaign = self._get(Campaign, campaign_id)
        if campaign is None:
            raise NotFound(msg="storage.campaign_unknown", id=campaign_id)
        return campaign

    def all(self, status: str | None = None) -> list[Campaign]:
        return [c for c in reversed(self._rows(Campaign)) if status is None or c.status == status]

    def open_for_unit(self, unit_id: int) -> list[Campaign]:
        invited = {cu.campaign_id for cu in self._rows(CampaignUnit) if cu.unit_id == unit_id}
        found = [c for c in self._rows(Campaign) if c.id in invited and c.status == "open"]
        return sorted(found, key=lambda c: (c.deadline, c.deadline_time is None, c.deadline_time or time.min, c.id))

    def invite_units(self, campaign_id: int, unit_ids: Iterable[int]) -> int:
        table = self.uow.table("campaign_units")
        new = [u for u in dict.fromkeys(unit_ids) if (campaign_id, u) not in table]
        for unit_id in new:
            self.uow.insert(CampaignUnit(campaign_id=campaign_id, unit_id=unit_id))
        self.uow.flush()  # as the real one: an unknown campaign or unit fails here
        return len(new)

    def expected_units(self, campaign_id: int) -> list[Unit]:
        units = self.uow.table("units")
        found = [units[cu.unit_id] for cu in self._rows(CampaignUnit) if cu.campaign_id == campaign_id]
        return sorted_units(found)

    def remove_units(self, campaign_id: int, unit_ids: Iterable[int]) -> int:
        table = self.uow.table("campaign_units")
        gone = [u for u in dict.fromkeys(unit_ids) if (campaign_id, u) in table]
        for unit_id in gone:
            del table[(campaign_id, unit_id)]
        return len(gone)

    def is_expected(self, campaign_id: int, unit_id: int) -> bool:
        return (campaign_id, unit_id) in self.uow.table("campaign_units")

    def close(self, campaign: Campaign, now: datetime) -> None:
        campaign.status = "closed"
        campaign.closed_at = now

    def reopen(self, campaign: Campaign) -> None:
        campaign.status = "open"
        campaign.closed_at = None


class SubmissionRepository(_Repository):
    """As :class:`storage.repositories.SubmissionRepository`."""

    def _of(self, campaign_id: int, unit_id: int) -> list[Submission]:
        rows = [s for s in self._rows(Submission) if (s.campaign_id, s.unit_id) == (campaign_id, unit_id)]
        return sorted(rows, key=lambda s: s.version)

    def latest(self, campaign_id: int, unit_id: int) -> Submission | None:
        rows = self._of(campaign_id, unit_id)
        return rows[-1] if rows else None

    def versions(self, campaign_id: int, unit_id: int) -> list[Submission]:
        return self._of(campaign_id, unit_id)

    def open_draft(self, campaign_id: int, unit_id: int, now: datetime) -> Submission:
        latest = self.latest(campaign_id, unit_id)
        if latest is not None and latest.status == "draft":
            return latest
        return self._new(campaign_id, unit_id, 1 if latest is None else latest.version + 1, now)

    def of_version(self, campaign_id: int, unit_id: int, version: int) -> Submission | None:
        return next((s for s in self._of(campaign_id, unit_id) if s.version == version), None)

    def draft_for(self, report: Report, now: datetime) -> Submission:
        found = self.of_version(report.campaign_id, report.unit_id, report.version)
        return found if found is not None else self._new(report.campaign_id, report.unit_id, report.version, now)

    def submit(self, submission: Submission | Report, answers_snapshot: Mapping[str, AnswerRecord | Mapping[str, Any]],
               ref: str | None, person_id: int | None, now: datetime) -> Submission:
        if isinstance(submission, Report):
            submission = self.draft_for(submission, now)
        if submission.status != "draft":
            raise SubmissionClosed(
                f"submission v{submission.version} of unit #{submission.unit_id} is {submission.status}")
        submission.answers = {
            field_id: record.to_json() if isinstance(record, AnswerRecord) else dict(record)
            for field_id, record in answers_snapshot.items()
        }
        submission.status = "submitted"
        submission.ref = ref
        submission.submitted_by = person_id
        submission.submitted_at = now
        return submission

    def send_back(self, submission: Submission, comment: str, now: datetime) -> Submission:
        if submission.status not in ("submitted", "accepted"):
            raise SubmissionClosed(
                f"only a submitted report can be returned; v{submission.version} is {submission.status}")
        submission.status = "returned"
        submission.comment = comment
        submission.returned_at = now
        return submission

    def accept(self, submission: Submission) -> Submission:
        if submission.status != "submitted":
            raise SubmissionClosed(
                f"only a submitted report can be accepted; v{submission.version} is {submission.status}")
        submission.status = "accepted"
        return submission

    def for_campaign(self, campaign_id: int) -> list[Submission]:
        newest: dict[int, Submission] = {}
        for s in self._rows(Submission):
            if s.campaign_id == campaign_id and (s.unit_id not in newest or s.version > newest[s.unit_id].version):
                newest[s.unit_id] = s
        return [newest[unit_id] for unit_id in sorted(newest)]

    def last_submitted(self, campaign_id: int, unit_id: int) -> Submission | None:
        done = [s for s in self._of(campaign_id, unit_id) if s.submitted_at is not None]
        return done[-1] if done else None

    def last_submitted_by_unit(self, campaign_id: int) -> dict[int, Submission]:
        newest: dict[int, Submission] = {}
        for s in self._rows(Submission):
            if s.campaign_id == campaign_id and s.submitted_at is not None and (
                    s.unit_id not in newest or s.version > newest[s.unit_id].version):
                newest[s.unit_id] = s
        return newest

    def _new(self, campaign_id: int, unit_id: int, version: int, now: datetime) -> Submission:
        return self.uow.insert(Submission(id=self.uow.new_id("submissions"), campaign_id=campaign_id, unit_id=unit_id,
                                          version=version, status="draft", created_at=now))


# ---- reports and answers ---------------------------------------------------------------------------------
class ReportRepository(_Repository):
    """As :class:`storage.repositories.ReportRepository` (locks are no-ops: one unit of work at a time)."""

    def lock_for_accounts(self, accounts: Iterable[tuple[str, str]]) -> list[int]:
        pairs = {(channel, str(external)) for channel, external in accounts}
        return sorted({i.report_id for i in self._rows(Identity)
                       if (i.channel, i.external_id) in pairs and i.report_id is not None})

    def get_or_create(self, campaign_id: int, unit_id: int, now: datetime, *, for_update: bool = True) -> Report:
        found = self.by_campaign_unit(campaign_id, unit_id)
        if found is not None:
            return found
        return self.uow.insert(Report(id=self.uow.new_id("reports"), campaign_id=campaign_id, unit_id=unit_id,
                                      status="draft", version=1, row_version=1, created_at=now, updated_at=now))

    def get(self, report_id: int, *, for_update: bool = False) -> Report:
        report = self._get(Report, report_id)
        if report is None:
            raise NotFound(f"no report #{report_id}")
        return report

    def by_campaign_unit(self, campaign_id: int, unit_id: int) -> Report | None:
        return next((r for r in self._rows(Report) if (r.campaign_id, r.unit_id) == (campaign_id, unit_id)), None)

    def save(self, report: Report, now: datetime, *, status: str | Keep = KEEP, version: int | Keep = KEEP,
             ref: str | Keep | None = KEEP, comment: str | Keep | None = KEEP) -> int:
        if status is not KEEP and status not in REPORT_STATUSES:
            raise ValueError(f"unknown report status {status!r}: use one of {', '.join(REPORT_STATUSES)}")
        old = report.row_version
        row = self._get(Report, report.id)
        if row is None or row.row_version != old:
            raise ConcurrencyError(f"report #{report.id} changed since row version {old}")
        values: dict[str, Any] = {"row_version": old + 1, "updated_at": now}
        for key, value in (("status", status), ("version", version), ("ref", ref), ("comment", comment)):
            if value is not KEEP:
                values[key] = value
        for target in {id(row): row, id(report): report}.values():
            for key, value in values.items():
                setattr(target, key, value)
        return old + 1

    def open_for_unit(self, unit_id: int) -> list[tuple[Campaign, Report | None]]:
        campaigns = self.uow.table("campaigns")
        found = [campaigns[cu.campaign_id] for cu in self._rows(CampaignUnit) if cu.unit_id == unit_id]
        found = sorted((c for c in found if c.status == "open"), key=lambda c: (c.opened_at, c.id))
        return [(c, self.by_campaign_unit(c.id, unit_id)) for c in found]

    def active(self, report_id: int) -> tuple[Report, Campaign] | None:
        report = self._get(Report, report_id)
        return None if report is None else (report, self.uow.table("campaigns")[report.campaign_id])

    def for_campaign(self, campaign_id: int) -> list[Report]:
        return sorted((r for r in self._rows(Report) if r.campaign_id == campaign_id), key=lambda r: r.unit_id)


class AnswerRepository(_Repository):
    """As :class:`storage.repositories.AnswerRepository`: rows are only ever appended."""

    def append(self, *, campaign_id: int, unit_id: int, field_id: str, record: AnswerRecord, person_id: int | None,
               channel: str, now: datetime, submission_version: int = 1, field_type: str = "") -> int:
        row = self.uow.insert(Answer(id=self.uow.new_id("answers"), campaign_id=campaign_id, unit_id=unit_id,
                                     submission_version=submission_version, field_id=field_id, status=record.status,
                                     value=record.value, raw=record.raw, display=record.display,
                                     approximate=record.approximate, qualifier=record.qualifier, person_id=person_id,
                                     channel=channel, created_at=now, field_type=field_type or record.field_type))
        return int(row.id)

    def history(self, campaign_id: int, unit_id: int, field_id: str | None = None) -> list[Answer]:
        return [a for a in self._rows(Answer) if (a.campaign_id, a.unit_id) == (campaign_id, unit_id)
                and (field_id is None or a.field_id == field_id)]

    def current(self, campaign_id: int, unit_id: int, submission_version: int | None = None) -> dict[str, Answer]:
        newest: dict[str, Answer] = {}
        for answer in self.history(campaign_id, unit_id):
            if submission_version is None or answer.submission_version <= submission_version:
                newest[answer.field_id] = answer
        return {a.field_id: a for a in sorted(newest.values(), key=lambda a: a.id)}

    def current_records(self, campaign_id: int, unit_id: int,
                        submission_version: int | None = None) -> dict[str, AnswerRecord]:
        current = self.current(campaign_id, unit_id, submission_version)
        return {field_id: answer.to_record() for field_id, answer in current.items()}

    @staticmethod
    def as_read(record: AnswerRecord, now: datetime, field_type: str = "") -> AnswerRecord:
        """As :meth:`current_records` reads ``record`` back here (the value as given, the time as given)."""
        return replace(record, at=now.isoformat(), field_type=field_type or record.field_type)

    def count(self, campaign_id: int, unit_id: int | None = None) -> int:
        return sum(1 for a in self._rows(Answer)
                   if a.campaign_id == campaign_id and (unit_id is None or a.unit_id == unit_id))


# ---- conversations and processed updates -----------------------------------------------------------------
class ConversationRepository(_Repository):
    """As :class:`storage.repositories.ConversationRepository`: ``save`` refuses a stale ``state_version``."""

    def __init__(self, uow: FakeUnitOfWork, *, keep_history: bool = True) -> None:
        super().__init__(uow)
        self.keep_history = keep_history

    def get(self, person_id: int, report_id: int | None, *, for_update: bool = True) -> Conversation | None:
        return next((c for c in self._rows(Conversation) if (c.person_id, c.report_id) == (person_id, report_id)),
                    None)

    def by_id(self, conversation_id: int) -> Conversation | None:
        return self._get(Conversation, conversation_id)

    def count(self) -> int:
        return len(self._rows(Conversation))

    def get_or_create(self, person_id: int, report_id: int | None, *, channel: str | None, chat_id: str | None,
                      state: dict[str, Any], now: datetime) -> tuple[Conversation, bool]:
        found = self.get(person_id, report_id)
        if found is not None:
            return found, False
        conversation = self.uow.insert(Conversation(id=self.uow.new_id("conversations"), person_id=person_id,
                                                    report_id=report_id, channel=channel, chat_id=chat_id,
                                                    state=state, state_version=1, created_at=now, updated_at=now))
        self._remember(conversation.id, 1, state, now)
        return conversation, True

    def save(self, conversation: Conversation, state: dict[str, Any], now: datetime, *,
             channel: str | Keep | None = KEEP, chat_id: str | Keep | None = KEEP) -> int:
        old = conversation.state_version
        row = self._get(Conversation, conversation.id)
        if row is None or row.state_version != old:
            raise ConcurrencyError(
                f"conversation #{conversation.id} (person #{conversation.person_id}, report "
                f"#{conversation.report_id}) changed since version {old}")
        values: dict[str, Any] = {"state": state, "state_version": old + 1, "updated_at": now}
        if channel is not KEEP:
            values["channel"] = channel
        if chat_id is not KEEP:
            values["chat_id"] = chat_id
        if conversation is not row:  # links set as attributes on a copy are written by the same UPDATE
            values.update({k: getattr(conversation, k) for k in ("channel", "chat_id")
                           if k not in values and getattr(conversation, k) != getattr(row, k)})
        for target in {id(row): row, id(conversation): conversation}.values():
            for key, value in values.items():
                setattr(target, key, value)
        self._remember(conversation.id, old + 1, state, now)
        return old + 1

    def history(self, conversation_id: int) -> list[ConversationState]:
        return [s for s in self._rows(ConversationState) if s.conversation_id == conversation_id]

    def for_report(self, report_id: int) -> list[Conversation]:
        return [c for c in self._rows(Conversation) if c.report_id == report_id]

    def for_person(self, person_id: int) -> list[Conversation]:
        return [c for c in self._rows(Conversation) if c.person_id == person_id]

    def _remember(self, conversation_id: int, version: int, state: dict[str, Any], now: datetime) -> None:
        if self.keep_history:
            self.uow.insert(ConversationState(conversation_id=conversation_id, state_version=version, state=state,
                                              saved_at=now))


class InboxRepository(_Repository):
    """As :class:`storage.repositories.InboxRepository`."""

    def add(self, channel: str, update_id: str | int, chat_id: str, user_id: str, payload: dict[str, Any],
            now: datetime) -> int | None:
        if any(r.channel == channel and r.update_id == str(update_id) for r in self._rows(Inbox)):
            return None
        row = self.uow.insert(Inbox(id=self.uow.new_id("inbox"), channel=channel, update_id=str(update_id),
                                    chat_id=str(chat_id), user_id=str(user_id), payload=payload, received_at=now))
        return int(row.id)

    def add_many(self, updates: Sequence[Any], now: datetime) -> list[int | None]:
        return [self.add(u.channel, u.update_id, u.chat_id, u.user_id, u.payload, now) for u in updates]

    def _by_key(self, channel: str, update_id: str | int) -> Inbox | None:
        return next((r for r in self._rows(Inbox) if r.channel == channel and r.update_id == str(update_id)), None)

    def seen(self, channel: str, update_id: str | int) -> bool:
        return self._by_key(channel, update_id) is not None

    def processed(self, channel: str, update_id: str | int) -> bool:
        row = self._by_key(channel, update_id)
        return row is not None and (row.processed_at is not None or row.set_aside_at is not None)

    def take(self, limit: int, *, channel: str | None = None, ids: Iterable[int] | None = None) -> list[Inbox]:
        waiting = sorted((r for r in self._rows(Inbox) if r.processed_at is None and r.set_aside_at is None),
                         key=lambda r: r.id)
        heads: dict[tuple[str, str], Inbox] = {}
        for row in waiting:
            heads.setdefault((row.channel, row.chat_id), row)
        wanted = None if ids is None else set(ids)
        rows = [r for r in heads.values() if (channel is None or r.channel == channel)
                and (wanted is None or r.id in wanted)]
        return sorted(rows, key=lambda r: r.id)[:limit]

    def waiting(self, channel: str | None = None) -> int:
        return sum(1 for r in self._rows(Inbox) if r.processed_at is None and r.set_aside_at is None
                   and (channel is None or r.channel == channel))

    def done(self, ids: Iterable[int], now: datetime) -> None:
        table = self.uow.table("inbox")
        for inbox_id in ids:
            table[inbox_id].processed_at = now

    def failed(self, inbox_id: int, error: str, now: datetime, *, max_attempts: int) -> int:
        row = self.uow.table("inbox")[inbox_id]
        row.attempts += 1
        row.last_error = error[:MAX_ERROR_CHARS]
        if row.attempts >= max_attempts:
            row.set_aside_at = now
        return int(row.attempts)

    def set_aside(self, limit: int = 100) -> list[Inbox]:
        rows = [r for r in self._rows(Inbox) if r.set_aside_at is not None]
        return sorted(rows, key=lambda r: -r.id)[:limit]

    def forget_before(self, cutoff: datetime) -> int:
        table = self.uow.table("inbox")
        cutoff_utc = _utc(cutoff, "cutoff")
        assert cutoff_utc is not None
        old = [key for key, row in table.items() if row.processed_at is not None and row.processed_at < cutoff_utc]
        for key in old:
            del table[key]
        return len(old)


# ---- the outbox ------------------------------------------------------------------------------------------
class OutboxRepository(_Repository):
    """As :class:`storage.repositories.OutboxRepository`: per chat oldest first, leased while being sent."""

    def add(self, channel: str, chat_id: str, payload: dict[str, Any], now: datetime,
            conversation_id: int | None = None, *, not_before: datetime | None = None, turn: int | None = None,
            lease: tuple[str, datetime] | None = None) -> int:
        row = self.uow.insert(Outbox(id=self.uow.new_id("outbox"), channel=channel, chat_id=str(chat_id),
                                     conversation_id=conversation_id, payload=payload, created_at=now,
                                     not_before=not_before, turn=turn, lease_owner=lease[0] if lease else None,
                                     lease_until=lease[1] if lease else None))
        return int(row.id)

    def get(self, outbox_id: int) -> Outbox:
        row = self._get(Outbox, outbox_id)
        if row is None:
            raise NotFound(f"no outbox message #{outbox_id}")
        return row

    def find(self, outbox_id: int) -> Outbox | None:
        return self._get(Outbox, outbox_id)

    def newer(self, channel: str, chat_id: str, after_id: int, limit: int = 20) -> list[Outbox]:
        rows = [r for r in self._rows(Outbox) if r.channel == channel and r.chat_id == str(chat_id)
                and r.id > after_id and r.superseded_at is None]
        return sorted(rows, key=lambda r: -r.id)[:limit]

    def busy_chats(self, channel: str, chat_ids: Iterable[str]) -> dict[str, set[str | None]]:
        chats = {str(c) for c in chat_ids}
        busy: dict[str, set[str | None]] = {}
        for r in self._rows(Outbox):
            if r.channel == channel and r.chat_id in chats and r.pending:
                busy.setdefault(r.chat_id, set()).add(r.lease_owner)
        return busy

    def _heads(self, now: datetime, channel: str | None, free_before: datetime | None = None) -> list[Outbox]:
        due = _utc(now, "now")
        free = _utc(free_before or now, "free_before")
        assert due is not None
        heads: dict[tuple[str, str], Outbox] = {}
        for row in sorted((r for r in self._rows(Outbox) if r.pending), key=lambda r: r.id):
            heads.setdefault((row.channel, row.chat_id), row)
        return [r for r in sorted(heads.values(), key=lambda r: r.id)
                if (channel is None or r.channel == channel) and (r.not_before is None or r.not_before <= due)
                and (r.lease_until is None or r.lease_until < free)]

    def claim(self, now: datetime, owner: str, until: datetime, *, limit: int = 100,
              channel: str | None = None, free_before: datetime | None = None) -> list[Outbox]:
        taken: list[Outbox] = []
        for _ in range(4):
            superseded = False
            for row in self._heads(now, channel, free_before)[:limit - len(taken)]:
                if row.lease_owner is not None and row.turn is not None and any(
                        r.channel == row.channel and r.chat_id == row.chat_id and r.turn is not None
                        and r.turn > row.turn for r in self._rows(Outbox)):
                    row.superseded_at, superseded = now, True
                    continue
                row.lease_owner, row.lease_until = owner, until
                taken.append(row)
            if not superseded or len(taken) >= limit:
                break
        return taken

    def renew(self, outbox_ids: Iterable[int], owner: str, until: datetime) -> int:
        count = 0
        for outbox_id in outbox_ids:
            row = self._get(Outbox, outbox_id)
            if row is not None and row.lease_owner == owner and row.sent_at is None:
                row.lease_until = until
                count += 1
        return count

    def release(self, outbox_ids: Iterable[int]) -> None:
        for outbox_id in outbox_ids:
            row = self._get(Outbox, outbox_id)
            if row is not None and row.sent_at is None:
                row.lease_until = row.lease_owner = None

    def pending(self, now: datetime, limit: int = 100, channel: str | None = None) -> list[Outbox]:
        return self._heads(now, channel)[:limit]

    def mark_sent(self, outbox_id: int, now: datetime, provider_id: str | None = None) -> None:
        self.mark_sent_as([(outbox_id, provider_id)], now)

    def mark_sent_as(self, sent: Iterable[tuple[int, str | None]], now: datetime) -> None:
        table = self.uow.table("outbox")
        for outbox_id, provider_id in sent:
            row = table.get(outbox_id)
            if row is not None and row.sent_at is None:
                row.sent_at, row.attempts, row.provider_id = now, row.attempts + 1, provider_id

    def retry_later(self, outbox_id: int, error: str, retry_at: datetime, lease_until: datetime | None) -> int:
        row = self.get(outbox_id)
        row.attempts += 1
        row.last_error = error[:MAX_ERROR_CHARS]
        row.not_before, row.lease_until = retry_at, lease_until
        return int(row.attempts)

    def give_up(self, outbox_id: int, reason: str, now: datetime) -> None:
        row = self.get(outbox_id)
        row.attempts += 1
        row.last_error = reason[:MAX_ERROR_CHARS]
        row.gave_up_at, row.lease_until = now, None

    def given_up(self, limit: int = 100) -> list[Outbox]:
        rows = [r for r in self._rows(Outbox) if r.gave_up_at is not None]
        return sorted(rows, key=lambda r: -r.id)[:limit]

    def unsent_count(self) -> int:
        return sum(1 for r in self.uow.table("outbox").values() if r.pending)

    def oldest_unsent(self) -> datetime | None:
        return min((r.created_at for r in self.uow.table("outbox").values() if r.pending), default=None)


#: The factory type ``Runner(uow=...)`` takes.
UowFactory = Callable[..., FakeUnitOfWork]


class ReminderRepository(_Repository):
    """As :class:`storage.repositories.ReminderRepository`."""

    def plan(self, rows: Sequence[dict[str, Any]]) -> None:
        taken = {r.name for r in self._rows(Reminder)}
        for row in rows:
            if row["name"] not in taken:
                self.uow.insert(Reminder(id=self.uow.new_id("reminders"), **row))
                taken.add(row["name"])

    def of_campaign(self, campaign_id: int, *, status: str | None = None) -> list[Reminder]:
        found = [r for r in self._rows(Reminder) if r.campaign_id == campaign_id and status in (None, r.status)]
        return sorted(found, key=lambda r: (r.due_at, r.id))

    def _set(self, rows: Iterable[Reminder], status: str, now: datetime | None) -> int:
        count = 0
        for row in rows:
            row.status, row.done_at = status, now
            count += 1
        return count

    def cancel(self, campaign_id: int, now: datetime, *, unit_id: int | None = None, keep: Iterable[str] = (),
               kinds: Sequence[str] = ("unit", "escalation", "digest")) -> int:
        kept = set(keep)
        return self._set([r for r in self.of_campaign(campaign_id, status="planned") if r.kind in kinds
                          and unit_id in (None, r.unit_id) and r.name not in kept], "cancelled", now)

    def cancel_keys(self, keys: Sequence[str], now: datetime) -> int:
        wanted = set(keys)
        return self._set([r for r in self._rows(Reminder) if r.name in wanted and r.status == "planned"],
                         "cancelled", now)

    def revive(self, names: Sequence[str]) -> int:
        wanted = set(names)
        return self._set([r for r in self._rows(Reminder) if r.name in wanted and r.status == "cancelled"],
                         "planned", None)

    def restore(self, campaign_id: int, unit_id: int, now: datetime) -> int:
        return self._set([r for r in self.of_campaign(campaign_id, status="cancelled")
                          if r.unit_id == unit_id and r.due_at > now], "planned", None)

    def due(self, now: datetime, limit: int = 1000, *, lock: bool = True) -> list[Reminder]:
        planned = [r for r in self._rows(Reminder) if r.status == "planned" and r.due_at <= now]
        latest = [r for r in planned if not any(o.campaign_id == r.campaign_id and o.kind == r.kind
                                                and o.unit_id == r.unit_id and o.due_at > r.due_at for o in planned)]
        return sorted(latest, key=lambda r: (r.due_at, r.id))[:limit]

    def skip_older(self, reminder: Reminder, now: datetime) -> int:
        return self._set([r for r in self._rows(Reminder) if r.status == "planned" and r.kind == reminder.kind
                          and r.campaign_id == reminder.campaign_id and r.unit_id == reminder.unit_id
                          and r.due_at < reminder.due_at], "skipped", now)

    def delay(self, reminder: Reminder, until: datetime) -> None:
        reminder.due_at = until

    def done(self, reminder: Reminder, status: str, now: datetime) -> None:
        reminder.status, reminder.done_at = status, now

    def deliver(self, reminder_id: int, person_id: int, channel: str, now: datetime) -> bool:
        if any((d.reminder_id, d.person_id, d.channel) == (reminder_id, person_id, channel)
               for d in self._rows(ReminderDelivery)):
            return False
        self.uow.insert(ReminderDelivery(id=self.uow.new_id("reminder_deliveries"), reminder_id=reminder_id,
                                         person_id=person_id, channel=channel, created_at=now))
        return True

    def carried_by(self, reminder_id: int, person_id: int, channel: str, outbox_id: int) -> None:
        for d in self._rows(ReminderDelivery):
            if (d.reminder_id, d.person_id, d.channel) == (reminder_id, person_id, channel):
                d.outbox_id = outbox_id

    def deliveries(self, campaign_id: int | None = None) -> list[tuple[Reminder, ReminderDelivery]]:
        reminders = self.uow.table("reminders")
        return [(reminders[d.reminder_id], d) for d in self._rows(ReminderDelivery)
                if campaign_id in (None, reminders[d.reminder_id].campaign_id)]

    def count(self, status: str | None = None) -> int:
        return sum(status in (None, r.status) for r in self._rows(Reminder))


@dataclass
class FakeDatabase:
    """What tests use of a :class:`tests.storage.dbfixtures.Database`, over a :class:`FakeStore`."""

    store: FakeStore
    backend: str = "fake"
    session_factory: None = None

    def uow(self, **options: bool) -> FakeUnitOfWork:
        """A new unit of work on the store."""
        return self.store.uow(**options)
