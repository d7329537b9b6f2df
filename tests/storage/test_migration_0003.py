"""Revision 0003 on real old data: every answer ends up in its report, every conversation on (person, report).

Two old databases, each upgraded on SQLite and on PostgreSQL:

- ``release-0.1``: the file written by release 0.1 (``tests/storage/data``), checked against the manifest
  0.1 itself wrote. PostgreSQL gets the same rows copied into a schema built at revision 0002.
- an "edge" world built here with SQL at revision 0002, holding what the release scenario lacks: one
  person's two chats on one report, a state answer the table never got, a state answer superseded by a
  colleague, a conversation without a person, a schema-0 state, a returned submission.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from dialogs.errors import StorageError
from storage.db import (
    alembic_config,
    current_revision,
    downgrade,
    make_engine,
    make_session_factory,
    migrate,
    schema_connection,
)
from storage.models import Conversation, Identity, Person
from storage.types import JSONType, UTCDateTime
from tests.storage.dbfixtures import Database

DATA = Path(__file__).parent / "data"
RELEASE_DB = DATA / "release-0.1.sqlite"
#: The newest revision: migrating goes all the way (0003 answers into reports; 0004 link codes; 0005 contact;
#: 0006 inbox and leases; 0007 revoked invites, campaign settings; 0008 invite digests, wrong-code lockout;
#: 0009 channel tokens; 0010 a department account's pending question; 0011 reminders; 0012 deadline times;
#: 0013 reminders by unit.
HEAD = "0013"
MANIFEST = json.loads((DATA / "release-0.1.expected.json").read_text(encoding="utf-8"))


def _table(name: str, *columns: str, **typed: Any) -> sa.TableClause:
    return sa.table(name, *(sa.column(c) for c in columns), *(sa.column(c, t) for c, t in typed.items()))


def _at_0002(db: Database) -> None:
    with schema_connection(db.engine) as connection:
        command.upgrade(alembic_config(connection), "0002")


def _copy_rows_from_sqlite(source: Path, db: Database) -> None:
    """Copy every row of an old SQLite file into ``db`` (already at the same revision), types converted."""
    target = sa.MetaData()
    target.reflect(db.engine)
    raw = sqlite3.connect(source)
    try:
        with db.engine.begin() as conn:
            for table in target.sorted_tables:
                if table.name == "alembic_version":
                    continue
                names = [c.name for c in table.columns]
                rows = raw.execute(f'SELECT {", ".join(names)} FROM "{table.name}"').fetchall()
                if not rows:
                    continue
                # Untyped columns: JSON text goes in as is (PostgreSQL casts it), so SQL NULL stays NULL.
                plain = sa.table(table.name, *(sa.column(n) for n in names))
                conn.execute(plain.insert(), [_convert(table, names, row) for row in rows])
            _bump_sequences(conn)
    finally:
        raw.close()


def _bump_sequences(conn: sa.Connection) -> None:
    """After rows went in with explicit ids, make PostgreSQL's next ids follow them."""
    if conn.dialect.name != "postgresql":
        return
    for table in sa.inspect(conn).get_table_names():
        if "id" in {c["name"] for c in sa.inspect(conn).get_columns(table)}:
            sequence = f"pg_get_serial_sequence('{table}', 'id')"
            conn.execute(sa.text(f"SELECT setval({sequence}, max(id)) FROM {table} "
                                 f"WHERE {sequence} IS NOT NULL HAVING max(id) IS NOT NULL"))


def _convert(table: sa.Table, names: list[str], row: tuple[Any, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in zip(names, row, strict=True):
        kind = table.c[name].type
        if value is not None and isinstance(kind, sa.Boolean):
            value = bool(value)
        elif value is not None and isinstance(kind, sa.DateTime):
            value = datetime.fromisoformat(value).replace(tzinfo=UTC)  # SQLite holds naive UTC text
        elif value is not None and isinstance(kind, sa.JSON) and not isinstance(value, str):
            value = json.dumps(value)  # a JSON column has numeric affinity in SQLite: 75 comes back a number
        values[name] = value
    return values


@pytest.fixture
def release(backend: str, tmp_path: Path, fresh_db: Callable[[], Database]) -> Iterator[Database]:
    """Release 0.1's database at revision 0002, on the backend under test (never the file itself)."""
    copy = tmp_path / "release-0.1.sqlite"
    shutil.copyfile(RELEASE_DB, copy)
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{copy}")
        yield Database("sqlite", engine, make_session_factory(engine))
        engine.dispose()
        return
    db = fresh_db()
    _at_0002(db)
    _copy_rows_from_sqlite(copy, db)
    yield db


def _answer_rows(db: Database) -> dict[int, tuple[Any, ...]]:
    rows = _table("answers", "id", "campaign_id", "unit_id", "field_id", "status", "raw", value=JSONType)
    with db.engine.connect() as conn:
        found = conn.execute(sa.select(rows)).mappings().all()
    return {r["id"]: (r["campaign_id"], r["unit_id"], r["field_id"], r["status"], r["value"], r["raw"]) for r in found}


def test_release_01_database_keeps_every_answer_in_its_report(release: Database) -> None:
    assert current_revision(release.engine) == "0002"
    before = _answer_rows(release)
    assert len(before) == MANIFEST["counts"]["answers"]
    migrate(release.engine)
    assert current_revision(release.engine) == HEAD

    after = _answer_rows(release)
    assert {key: after[key] for key in before} == before  # no row lost or changed
    assert len(after) >= len(before)
    convs = {c["id"]: c for c in MANIFEST["conversations"]}
    with release.uow() as uow:
        for old in MANIFEST["reports"]:
            key = (old["campaign_id"], old["unit_id"])
            report = uow.reports.by_campaign_unit(*key)
            assert report is not None, key
            current = uow.answers.current_records(*key)
            shown = [old["current_records"], *(convs[i]["answers"] for i in old["conversation_ids"])]
            for records in shown:
                for field_id, record in records.items():
                    assert field_id in current, (key, field_id)
                    assert (current[field_id].status, current[field_id].value) == (record["status"], record["value"])
            history = [a["id"] for a in old["answer_history"]]
            assert [a.id for a in uow.answers.history(*key)][: len(history)] == history

            subs = old["submissions"]
            submitted = [s for s in subs if s["submitted_at"]]
            expected = (subs[-1]["status"], subs[-1]["version"]) if subs else ("draft", 1)
            assert (report.status, report.version) == expected, key
            assert report.ref == (submitted[-1]["ref"] if submitted else None)
            versions = uow.submissions.versions(*key)
            assert [(s.version, s.status, s.ref, s.answers) for s in versions] == [
                (s["version"], s["status"], s["ref"], s["answers"]) for s in subs
            ]

        for old_conv in MANIFEST["conversations"]:
            conv = uow.conversations.by_id(old_conv["id"])
            assert conv is not None and conv.person_id == old_conv["person_id"]
            assert (conv.channel, conv.chat_id, conv.state_version) == (
                old_conv["channel"], old_conv["chat_id"], old_conv["state_version"]
            )
            if old_conv["campaign_id"] is None:
                assert conv.report_id is None
            else:
                report = uow.reports.get(conv.report_id)
                assert (report.campaign_id, report.unit_id) == (old_conv["campaign_id"], old_conv["unit_id"])
            assert (conv.state.get("answers") or {}) == old_conv["answers"]  # the state is left to the engine
            assert uow.conversations.get(conv.person_id, conv.report_id).id == conv.id

        people = {p["id"]: p for p in MANIFEST["people"]}
        assert len(uow.session.scalars(sa.select(Person)).all()) == len(people)
        for identity in uow.session.scalars(sa.select(Identity)):
            mine = [c for c in MANIFEST["conversations"] if c["person_id"] == identity.person_id]
            (conv_of_person,) = mine
            if conv_of_person["campaign_id"] is None:
                assert identity.report_id is None  # department staff: no report
            else:
                report = uow.reports.get(identity.report_id)
                assert (report.campaign_id, report.unit_id) == (
                    conv_of_person["campaign_id"], conv_of_person["unit_id"]
                )
    with release.engine.connect() as conn:
        for table in ("conversation_states", "outbox", "submissions", "people", "identities", "invites"):
            assert conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() == MANIFEST["counts"][table]


# --------------------------------------------------------------------------------------------------
# the edge world, written with SQL at revision 0002
# --------------------------------------------------------------------------------------------------

T0 = datetime(2025, 8, 6, 2, 0, tzinfo=UTC)  # 09:00 in Hải Phòng


def at(minutes: int) -> datetime:
    """``minutes`` after 09:00 (+07:00) on the scenario's day."""
    return T0 + timedelta(minutes=minutes)


def iso(minutes: int) -> str:
    """The same time the way 0.1's engine wrote it into states (local, with offset)."""
    return at(minutes).astimezone(timezone(timedelta(hours=7))).isoformat()


TIME = UTCDateTime()
OLD = {
    "units": _table("units", "id", "name", "kind", "folded", created_at=TIME),
    "people": _table("people", "id", "display_name", "role", "unit_id", created_at=TIME),
    "identities": _table("identities", "id", "person_id", "channel", "external_id"),
    "template_versions": _table("template_versions", "id", "template_id", "version", "digest", "title", "text",
                                created_at=TIME),
    "campaigns": _table("campaigns", "id", "template_version_id", "title", "deadline", "status",
                        opened_at=TIME, closed_at=TIME),
    "campaign_units": _table("campaign_units", "campaign_id", "unit_id"),
    "submissions": _table("submissions", "id", "campaign_id", "unit_id", "version", "status", "ref", "comment",
                          answers=JSONType, created_at=TIME, submitted_at=TIME, returned_at=TIME),
    "answers": _table("answers", "id", "campaign_id", "unit_id", "submission_version", "field_id", "status", "raw",
                      "display", "approximate", "qualifier", "person_id", "channel", value=JSONType, created_at=TIME),
    "conversations": _table("conversations", "id", "channel", "chat_id", "person_id", "campaign_id", "unit_id",
                            "state_version", state=JSONType, created_at=TIME, updated_at=TIME),
    "conversation_states": _table("conversation_states", "conversation_id", "state_version", state=JSONType,
                                  saved_at=TIME),
    "outbox": _table("outbox", "id", "channel", "chat_id", "conversation_id", "attempts", payload=JSONType,
                     created_at=TIME),
}
U1, U2, C1, C2 = 1, 2, 1, 2
AN, BICH, DEPT = 1, 2, 3  # people: two reporters of U1, department staff
TELEGRAM_AN, ZALO_AN, BICH_CHAT, ANON, DEPT_TG, DEPT_ZALO = 11, 12, 13, 14, 15, 16  # conversation ids


def record(value: Any, minutes: int | None, status: str = "answered", raw: str | None = None) -> dict[str, Any]:
    """An answer as 0.1's engine kept it in a conversation state."""
    data: dict[str, Any] = {"status": status, "value": value, "raw": str(value) if raw is None else raw}
    data["at"] = iso(minutes) if minutes is not None else "không rõ"
    return data


def state(answers: dict[str, Any], types: dict[str, str], version: int = 1, **rest: Any) -> dict[str, Any]:
    """A schema-1 state of release 0.1."""
    return {"schema": 1, "template": {"id": "mini", "version": "1", "digest": "d"}, "answers": answers,
            "types": types, "version": version, "cursor": rest.pop("cursor", None), "mode": "asking", **rest}


TYPES = {"so_tap_the": "integer", "ghi_chu": "text", "nguyen_nhan": "text", "ket_qua": "text"}
STATES: dict[int, dict[str, Any]] = {
    # An on Telegram: older of An's two chats on (C1, U1); its "ket_qua" draft never reached the table.
    TELEGRAM_AN: state({"so_tap_the": record(70, 0), "ghi_chu": record("x", 1), "ket_qua": record("nháp", 2),
                        "la": record("?", 4, status="weird-status")}, TYPES),
    # An on Zalo, later: so_tap_the corrected to 75, but that row was never written (lost write).
    ZALO_AN: state({"so_tap_the": record(75, 10), "ghi_chu": record("x", 1)}, TYPES, version=2),
    # Bích, same report: her ghi_chu "y" was superseded by An's "x"; her nguyen_nhan has an unreadable time.
    BICH_CHAT: state({"ghi_chu": record("y", -60), "nguyen_nhan": record(None, None, "none", "không có")}, TYPES),
    # No person, schema 0 (bare values), another unit.
    ANON: {"answers": {"so_tap_the": 42}, "current": "ghi_chu"},
    DEPT_TG: {},
    DEPT_ZALO: {"note": "department on zalo"},
}
CONVERSATIONS = [  # id, channel, chat, person, campaign, unit, state_version, created, updated (minutes)
    (TELEGRAM_AN, "telegram", "t-an", AN, C1, U1, 5, 0, 5),
    (ZALO_AN, "zalo", "z-an", AN, C1, U1, 2, 8, 10),
    (BICH_CHAT, "telegram", "t-bich", BICH, C1, U1, 3, -70, 30),
    (ANON, "telegram", "t-anon", None, C1, U2, 1, 20, 21),
    (DEPT_TG, "telegram", "t-dept", DEPT, None, None, 4, 0, 50),
    (DEPT_ZALO, "zalo", "z-dept", DEPT, None, None, 1, 0, 40),
]
#: The answers table 0.1 left: (id, field, value, status, person, channel, minutes).
ROWS = [
    (1, "ghi_chu", "y", "answered", BICH, "telegram", -60),
    (2, "so_tap_the", 70, "answered", AN, "telegram", 0),
    (3, "ghi_chu", "x", "answered", AN, "telegram", 1),
    (4, "ket_qua", "chính thức", "answered", BICH, "telegram", 3),
]


def _build_edge_world(conn: sa.Connection) -> None:
    def put(name: str, *rows: dict[str, Any]) -> None:
        conn.execute(OLD[name].insert(), list(rows))

    put("units", *({"id": u, "name": n, "kind": "xã", "folded": n.lower(), "created_at": at(-600)}
                   for u, n in ((U1, "Xã Một"), (U2, "Xã Hai"))))
    put("people", {"id": AN, "display_name": "An", "role": "reporter", "unit_id": U1, "created_at": at(-100)},
        {"id": BICH, "display_name": "Bích", "role": "reporter", "unit_id": U1, "created_at": at(-100)},
        {"id": DEPT, "display_name": "Sở", "role": "department", "unit_id": None, "created_at": at(-100)})
    put("identities", *({"id": i, "person_id": p, "channel": ch, "external_id": ext} for i, p, ch, ext in (
        (1, AN, "telegram", "t-an"), (2, AN, "zalo", "z-an"), (3, BICH, "telegram", "t-bich"),
        (4, DEPT, "telegram", "t-dept"), (5, DEPT, "zalo", "z-dept"))))
    put("template_versions", {"id": 1, "template_id": "mini", "version": "1", "digest": "d", "title": "Mini",
                              "text": "id: mini", "created_at": at(-500)})
    put("campaigns", {"id": C1, "template_version_id": 1, "title": "Đợt 1", "deadline": date(2025, 8, 20),
                      "status": "open", "opened_at": at(-400), "closed_at": None},
        {"id": C2, "template_version_id": 1, "title": "Đợt cũ", "deadline": date(2025, 7, 1),
         "status": "closed", "opened_at": at(-300), "closed_at": at(-200)})
    put("campaign_units", {"campaign_id": C1, "unit_id": U1}, {"campaign_id": C1, "unit_id": U2},
        {"campaign_id": C2, "unit_id": U2})
    put("submissions",
        {"id": 1, "campaign_id": C1, "unit_id": U1, "version": 1, "status": "submitted", "ref": "R1",
         "comment": None, "answers": {}, "created_at": at(1), "submitted_at": at(2), "returned_at": None},
        {"id": 2, "campaign_id": C1, "unit_id": U1, "version": 2, "status": "returned", "ref": "R2",
         "comment": "Thiếu số liệu", "answers": {}, "created_at": at(3), "submitted_at": at(4),
         "returned_at": at(6)},
        {"id": 3, "campaign_id": C1, "unit_id": U2, "version": 1, "status": "draft", "ref": None,
         "comment": None, "answers": None, "created_at": at(20), "submitted_at": None, "returned_at": None})
    put("answers", *({"id": i, "campaign_id": C1, "unit_id": U1, "submission_version": 1, "field_id": f,
                      "status": s, "value": v, "raw": str(v), "display": str(v), "approximate": False,
                      "qualifier": "", "person_id": p, "channel": ch, "created_at": at(m)}
                     for i, f, v, s, p, ch, m in ROWS))
    put("conversations", *({"id": i, "channel": ch, "chat_id": chat, "person_id": p, "campaign_id": c,
                            "unit_id": u, "state_version": v, "state": STATES[i], "created_at": at(made),
                            "updated_at": at(upd)}
                           for i, ch, chat, p, c, u, v, made, upd in CONVERSATIONS))
    put("conversation_states",
        *({"conversation_id": TELEGRAM_AN, "state_version": v, "state": {"n": v}, "saved_at": at(v)}
          for v in (1, 2)),
        {"conversation_id": ZALO_AN, "state_version": 1, "state": {"zalo": 1}, "saved_at": at(8)},
        {"conversation_id": ZALO_AN, "state_version": 2, "state": {"zalo": 2}, "saved_at": at(10)})
    put("outbox", *({"id": i, "channel": "telegram", "chat_id": "t-an", "conversation_id": c, "attempts": 1,
                     "payload": {"text": str(i)}, "created_at": at(i)}
                    for i, c in ((1, TELEGRAM_AN), (2, TELEGRAM_AN), (3, ZALO_AN), (4, DEPT_ZALO))))


@pytest.fixture
def edge(fresh_db: Callable[[], Database]) -> Database:
    """The edge world at revision 0002, on the backend under test."""
    db = fresh_db()
    _at_0002(db)
    with db.engine.begin() as conn:
        _build_edge_world(conn)
        _bump_sequences(conn)
    return db


def _history(uow: Any, campaign: int, unit: int, field_id: str) -> list[tuple[Any, str, int | None, datetime]]:
    return [(a.value, a.channel, a.person_id, a.created_at) for a in uow.answers.history(campaign, unit, field_id)]


def test_edge_world_answers_come_to_the_report_and_the_newest_stays_current(edge: Database) -> None:
    migrate(edge.engine)
    with edge.uow() as uow:
        report = uow.reports.by_campaign_unit(C1, U1)
        assert report is not None
        current = uow.answers.current(C1, U1)
        assert {k: (a.status, a.value) for k, a in current.items()} == {
            "so_tap_the": ("answered", 75),  # the lost write, from An's newer (Zalo) chat
            "ghi_chu": ("answered", "x"),  # Bích's older "y" is in the history already: not repeated
            "nguyen_nhan": ("none", None),
            "ket_qua": ("answered", "chính thức"),  # newer than An's draft, so still current
        }
        assert _history(uow, C1, U1, "so_tap_the") == [(70, "telegram", AN, at(0)), (75, "zalo", AN, at(10))]
        fixed = current["so_tap_the"]
        assert (fixed.submission_version, fixed.field_type, fixed.raw) == (2, "integer", "75")
        # An unreadable "at": the conversation's last update is the best time known.
        assert (current["nguyen_nhan"].created_at, current["nguyen_nhan"].person_id) == (at(30), BICH)
        assert current["nguyen_nhan"].field_type == "text"
        assert [v for v, *_ in _history(uow, C1, U1, "ket_qua")] == ["chính thức", "nháp", "chính thức"]
        assert [v for v, *_ in _history(uow, C1, U1, "ghi_chu")] == ["y", "x"]
        assert "la" not in current  # not an answer status: it stays in the (merged) state
        old_rows = {a.id: (a.field_id, a.value) for a in uow.answers.history(C1, U1)}
        assert {i: old_rows[i] for i, *_ in ROWS} == {i: (f, v) for i, f, v, *_ in ROWS}
        assert uow.answers.count(C1, U1) == len(ROWS) + 4  # 75, không có, nháp, and chính thức once more
        assert uow.answers.count(C1) == len(ROWS) + 5  # and 42 for U2

        assert (report.status, report.version, report.ref, report.comment) == ("returned", 2, "R2", "Thiếu số liệu")
        assert report.created_at == at(-70)  # the first conversation on it
        other = uow.reports.by_campaign_unit(C1, U2)
        assert other is not None and (other.status, other.version, other.ref) == ("draft", 1, None)
        untouched = uow.reports.by_campaign_unit(C2, U2)  # invited, never started
        assert untouched is not None and (untouched.status, untouched.created_at) == ("draft", at(-300))
        assert uow.reports.by_campaign_unit(C2, U1) is None
        (anon_answer,) = uow.answers.history(C1, U2)
        assert (anon_answer.value, anon_answer.raw, anon_answer.channel) == (42, "42", "telegram")


def test_edge_world_conversations_become_one_per_person_and_report(edge: Database) -> None:
    migrate(edge.engine)
    with edge.uow() as uow:
        report = uow.reports.by_campaign_unit(C1, U1)
        assert report is not None
        assert uow.conversations.by_id(TELEGRAM_AN) is None  # merged into the newer Zalo chat
        kept = uow.conversations.get(AN, report.id)
        assert kept is not None and kept.id == ZALO_AN
        assert (kept.channel, kept.chat_id) == ("zalo", "z-an")
        assert kept.state["orphans"] == {f"merged_conversation_{TELEGRAM_AN}": STATES[TELEGRAM_AN]}
        assert {k: v for k, v in kept.state.items() if k != "orphans"} == STATES[ZALO_AN]
        history = [(h.state_version, h.state) for h in uow.conversations.history(ZALO_AN)]
        assert history == [(1, {"zalo": 1}), (2, {"zalo": 2}), (3, {"n": 1}), (4, {"n": 2})]
        assert kept.state_version == 5
        outbox = uow.session.execute(sa.text("SELECT id, conversation_id FROM outbox ORDER BY id")).all()
        assert [tuple(r) for r in outbox] == [(1, ZALO_AN), (2, ZALO_AN), (3, ZALO_AN), (4, DEPT_TG)]

        bich = uow.conversations.get(BICH, report.id)
        assert bich is not None and bich.state == STATES[BICH_CHAT] and bich.state_version == 3
        assert [c.person_id for c in uow.conversations.for_report(report.id)] == [AN, BICH]

        dept = uow.conversations.get(DEPT, None)
        assert dept is not None and dept.id == DEPT_TG  # the more recently updated one
        assert dept.state == {"orphans": {f"merged_conversation_{DEPT_ZALO}": STATES[DEPT_ZALO]}}

        anon = uow.conversations.by_id(ANON)
        assert anon is not None
        person = uow.people.get(anon.person_id)
        assert (person.display_name, person.role, person.unit_id) == ("", "reporter", U2)
        found = uow.people.lookup("telegram", "t-anon")
        assert found is not None and found[0].id == person.id
        assert anon.report_id == found[1].report_id == uow.reports.by_campaign_unit(C1, U2).id
        assert anon.state == STATES[ANON]

        active = {(i.person_id, i.channel): i.report_id for i in uow.session.scalars(sa.select(Identity))}
        assert active == {(AN, "telegram"): report.id, (AN, "zalo"): report.id, (BICH, "telegram"): report.id,
                          (DEPT, "telegram"): None, (DEPT, "zalo"): None, (person.id, "telegram"): anon.report_id}
        assert len(uow.session.scalars(sa.select(Conversation)).all()) == 4


def test_edge_world_downgrades_to_0002_and_upgrades_again(edge: Database) -> None:
    migrate(edge.engine)
    downgrade(edge.engine, "0002")
    assert current_revision(edge.engine) == "0002"
    with edge.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, channel, chat_id, person_id, campaign_id, unit_id FROM conversations "
                                    "ORDER BY id")).all()
        assert [tuple(r)[4:] for r in rows] == [(C1, U1), (C1, U1), (C1, U2), (None, None)]
        assert "reports" not in sa.inspect(conn).get_table_names()
        answers = conn.execute(sa.text("SELECT count(*) FROM answers")).scalar()
    migrate(edge.engine)  # the answers are all in the table now: nothing more to append
    with edge.uow() as uow:
        assert uow.answers.count(C1) == answers
        report = uow.reports.by_campaign_unit(C1, U1)
        assert report is not None and report.status == "returned"
        assert [c.id for c in uow.conversations.for_report(report.id)] == [ZALO_AN, BICH_CHAT]


def test_downgrade_refuses_when_a_chat_has_conversations_on_two_reports(edge: Database) -> None:
    migrate(edge.engine)
    with edge.uow() as uow:
        other = uow.reports.get_or_create(C1, U2, at(60))
        uow.conversations.get_or_create(AN, other.id, channel="zalo", chat_id="z-an", state={}, now=at(60))
        uow.commit()
    with pytest.raises(StorageError, match="z-an"):
        downgrade(edge.engine, "0002")
    assert current_revision(edge.engine) == HEAD  # nothing changed
    with edge.uow() as uow:
        assert len(uow.conversations.for_person(AN)) == 2
