"""Reports own the answers; a conversation is one person on one report.

A report is (campaign, unit): its answers (the ``answers`` table, already keyed so) and its
submitted versions belong to it. A conversation becomes (person, report) and keeps only navigation;
``channel``/``chat_id`` now say where the person last wrote from. Identities remember the report
they are working on (and the report ids offered by a pending "which report?" question); answers
remember the type of their field.

Data, nothing lost and no answer row updated or deleted:

- a conversation with no person gets one (display name "", reporter of the conversation's unit) and
  an identity for its chat, unless that chat is already someone's identity;
- a report is made for every (campaign, unit) that has a conversation, a submission, an answer or an
  invitation; status, version and comment come from its newest submission (draft version 1 without
  one), ``ref`` from its newest submitted one;
- every answer a conversation state holds that the ``answers`` table does not have is appended
  (person, channel, version and field type from the conversation), oldest first; then, if the
  newest answer by time (state or table) is not the current one, it is appended once more so that it
  is: a state answer older than the table's current one that is already in the history is not
  repeated (another person or an import superseded it);
- each conversation is attached to its report; two conversations of one person on one report are
  merged into the most recently updated one: the other's state goes under
  ``orphans["merged_conversation_<id>"]``, its history rows move over renumbered after the kept
  one's versions, and its outbox rows are repointed;
- each identity points at the report of its person's most recently updated conversation on that
  channel.

Conversation states are left as they are otherwise: the engine upgrades their shape when it reads
them. The downgrade restores 0002's schema, and refuses (changing nothing) when two conversations
share a chat or one has no chat, since 0002 keeps a single conversation per chat.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from dialogs.errors import StorageError

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the portable types (a revision must not change when storage/types.py does).
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
NULLABLE_JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")
NO_REPORT = sa.text("report_id IS NULL")
STATUSES = ("answered", "none", "skipped")


class UTC_TIME(sa.types.TypeDecorator[datetime]):
    """Aware UTC datetimes in and out (naive UTC text on SQLite), as the application stores them."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _ts(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _table(name: str, *columns: str, **typed: Any) -> sa.TableClause:
    return sa.table(name, *(sa.column(c) for c in columns), *(sa.column(c, t) for c, t in typed.items()))


T = UTC_TIME()
PEOPLE = _table("people", "id", "display_name", "role", "unit_id", created_at=T)
IDENTITIES = _table("identities", "id", "person_id", "channel", "external_id", "report_id")
REPORTS = _table("reports", "id", "campaign_id", "unit_id", "status", "version", "ref", "comment", "row_version",
                 created_at=T, updated_at=T)
CAMPAIGNS = _table("campaigns", "id", opened_at=T)
INVITED = _table("campaign_units", "campaign_id", "unit_id")
SUBMISSIONS = _table("submissions", "campaign_id", "unit_id", "version", "status", "ref", "comment",
                     created_at=T, submitted_at=T, returned_at=T)
ANSWERS = _table("answers", "id", "campaign_id", "unit_id", "submission_version", "field_id", "status", "raw",
                 "display", "approximate", "qualifier", "person_id", "channel", "field_type", value=JSON,
                 created_at=T)
CONVERSATIONS = _table("conversations", "id", "channel", "chat_id", "person_id", "campaign_id", "unit_id",
                       "report_id", "state_version", state=JSON, created_at=T, updated_at=T)
HISTORY = _table("conversation_states", "conversation_id", "state_version")
OUTBOX = _table("outbox", "conversation_id")


def upgrade() -> None:
    """Create reports, move conversations onto (person, report), carry every answer over."""
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaigns.id"), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id"), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(50), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("row_version", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        sa.UniqueConstraint("campaign_id", "unit_id"),
    )
    with op.batch_alter_table("identities") as batch:
        batch.add_column(sa.Column("report_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("choice", NULLABLE_JSON, nullable=True))
        batch.create_foreign_key("fk_identities_report_id_reports", "reports", ["report_id"], ["id"])
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("field_type", sa.String(20), nullable=False, server_default=""))
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("report_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_conversations_report_id_reports", "reports", ["report_id"], ["id"])

    _migrate_data(op.get_bind())

    with op.batch_alter_table("conversations") as batch:
        batch.drop_constraint("uq_conversations_channel_chat_id", type_="unique")
        batch.drop_constraint("fk_conversations_campaign_id_campaigns", type_="foreignkey")
        batch.drop_constraint("fk_conversations_unit_id_units", type_="foreignkey")
        batch.drop_column("campaign_id")
        batch.drop_column("unit_id")
        batch.alter_column("person_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("channel", existing_type=sa.String(20), nullable=True)
        batch.alter_column("chat_id", existing_type=sa.String(100), nullable=True)
        batch.create_unique_constraint("uq_conversations_person_id_report_id", ["person_id", "report_id"])
        batch.create_index("ix_conversations_report_id", ["report_id"])
    op.create_index("uq_conversations_person_id_no_report", "conversations", ["person_id"], unique=True,
                    sqlite_where=NO_REPORT, postgresql_where=NO_REPORT)


class _Given(NamedTuple):
    """One answer to one field, from a conversation state or the table, with what appending it needs."""

    at: datetime
    status: str
    value: Any
    raw: str = ""
    display: str = ""
    approximate: bool = False
    qualifier: str = ""
    person_id: int | None = None
    channel: str = ""
    version: int = 1
    field_type: str = ""
    from_table: bool = False

    def same(self, other: _Given | None) -> bool:
        """Whether ``other`` is the same answer (status and value; JSON values compare as Python ones)."""
        return other is not None and (self.status, self.value) == (other.status, other.value)


def _migrate_data(conn: sa.Connection) -> None:
    _give_everyone_a_person(conn)
    reports = _make_reports(conn)
    conversations = list(conn.execute(sa.select(CONVERSATIONS).order_by(CONVERSATIONS.c.id)).mappings())
    _carry_answers_over(conn, conversations, reports)
    newest_on_channel: dict[tuple[int, str], Any] = {}
    for conv in conversations:
        report_id = reports.get((conv["campaign_id"], conv["unit_id"]))
        conn.execute(CONVERSATIONS.update().where(CONVERSATIONS.c.id == conv["id"]).values(report_id=report_id))
        key = (conv["person_id"], conv["channel"])
        best = newest_on_channel.get(key)
        if best is None or (conv["updated_at"], conv["id"]) > (best["updated_at"], best["id"]):
            newest_on_channel[key] = {**conv, "report_id": report_id}
    for identity in conn.execute(sa.select(IDENTITIES)).mappings().all():
        newest = newest_on_channel.get((identity["person_id"], identity["channel"]))
        if newest is not None and newest["report_id"] is not None:
            conn.execute(
                IDENTITIES.update().where(IDENTITIES.c.id == identity["id"]).values(report_id=newest["report_id"])
            )
    _merge_duplicates(conn, conversations, reports)


def _give_everyone_a_person(conn: sa.Connection) -> None:
    anonymous = conn.execute(sa.select(CONVERSATIONS).where(CONVERSATIONS.c.person_id.is_(None))).mappings().all()
    for conv in anonymous:
        chat = (IDENTITIES.c.channel == conv["channel"], IDENTITIES.c.external_id == conv["chat_id"])
        person_id = conn.execute(sa.select(IDENTITIES.c.person_id).where(*chat)).scalar()
        if person_id is None:
            values = {"display_name": "", "role": "reporter", "unit_id": conv["unit_id"],
                      "created_at": conv["created_at"]}
            person_id = conn.execute(PEOPLE.insert().values(values).returning(PEOPLE.c.id)).scalar_one()
            conn.execute(IDENTITIES.insert().values(person_id=person_id, channel=conv["channel"],
                                                    external_id=conv["chat_id"]))
        conn.execute(CONVERSATIONS.update().where(CONVERSATIONS.c.id == conv["id"]).values(person_id=person_id))


def _make_reports(conn: sa.Connection) -> dict[tuple[int, int], int]:
    """One report per (campaign, unit) anything refers to; returns their ids."""
    first: dict[tuple[int, int], list[datetime]] = defaultdict(list)  # conversations' created_at
    seen: dict[tuple[int, int], list[datetime]] = defaultdict(list)  # every other time
    for row in conn.execute(sa.select(CONVERSATIONS).where(CONVERSATIONS.c.campaign_id.is_not(None),
                                                           CONVERSATIONS.c.unit_id.is_not(None))).mappings():
        first[(row["campaign_id"], row["unit_id"])].append(row["created_at"])
        seen[(row["campaign_id"], row["unit_id"])].append(row["updated_at"])
    submissions: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for row in conn.execute(sa.select(SUBMISSIONS).order_by(SUBMISSIONS.c.version)).mappings():
        key = (row["campaign_id"], row["unit_id"])
        submissions[key].append(row)
        seen[key].extend(t for t in (row["created_at"], row["submitted_at"], row["returned_at"]) if t)
    answered = sa.select(ANSWERS.c.campaign_id, ANSWERS.c.unit_id, sa.func.min(ANSWERS.c.created_at),
                         sa.func.max(ANSWERS.c.created_at)).group_by(ANSWERS.c.campaign_id, ANSWERS.c.unit_id)
    for campaign_id, unit_id, oldest, newest in conn.execute(answered):
        seen[(campaign_id, unit_id)].extend((oldest, newest))
    opened = {c: t for c, t in conn.execute(sa.select(CAMPAIGNS.c.id, CAMPAIGNS.c.opened_at))}
    invited = {(c, u) for c, u in conn.execute(sa.select(INVITED.c.campaign_id, INVITED.c.unit_id))}
    ids: dict[tuple[int, int], int] = {}
    for key in sorted(invited | set(first) | set(seen)):
        rows = submissions.get(key, [])
        newest = rows[-1] if rows else None
        submitted = [r for r in rows if r["submitted_at"] is not None]
        closed = [r for r in rows if r["status"] != "draft"]
        created = min(first[key] or seen[key] or [opened[key[0]]])
        values = {
            "campaign_id": key[0],
            "unit_id": key[1],
            "status": newest["status"] if newest else "draft",
            "version": newest["version"] if newest else 1,
            "ref": submitted[-1]["ref"] if submitted else None,
            # The department's comment of the last return, unless the report was submitted again since.
            "comment": closed[-1]["comment"] if closed and closed[-1]["status"] == "returned" else None,
            "row_version": 1,
            "created_at": created,
            "updated_at": max([created, *seen[key]]),
        }
        ids[key] = conn.execute(REPORTS.insert().values(values).returning(REPORTS.c.id)).scalar_one()
    return ids


def _parse_time(text: Any, default: datetime) -> datetime:
    try:
        when = datetime.fromisoformat(str(text))
    except ValueError:
        return default
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def _state_answers(conv: Any) -> dict[str, _Given]:
    state: dict[str, Any] = conv["state"] if isinstance(conv["state"], dict) else {}
    answers = state.get("answers")
    types = state.get("types")
    types = types if isinstance(types, dict) else {}
    version = state.get("version")
    version = version if isinstance(version, int) and version >= 1 else 1
    found: dict[str, _Given] = {}
    for field_id, record in (answers if isinstance(answers, dict) else {}).items():
        if not isinstance(record, dict) or "status" not in record:  # schema 0: a bare value
            record = {"status": "answered", "value": record, "raw": "" if record is None else str(record)}
        if record["status"] not in STATUSES:
            continue  # not an answer this table can hold: it stays in the state, which the engine reads
        found[str(field_id)] = _Given(
            at=_parse_time(record.get("at"), conv["updated_at"]),
            status=record["status"],
            value=record.get("value"),
            raw=str(record.get("raw") or ""),
            display=str(record.get("display") or ""),
            approximate=bool(record.get("approximate")),
            qualifier=str(record.get("qualifier") or "")[:20],
            person_id=conv["person_id"],
            channel=conv["channel"],
            version=version,
            field_type=str(types.get(field_id) or "")[:20],
        )
    return found


def _carry_answers_over(conn: sa.Connection, conversations: list[Any], reports: dict[tuple[int, int], int]) -> None:
    given: dict[tuple[int, int], dict[str, list[_Given]]] = defaultdict(lambda: defaultdict(list))
    for conv in conversations:
        key = (conv["campaign_id"], conv["unit_id"])
        if key in reports:
            for field_id, answer in _state_answers(conv).items():
                given[key][field_id].append(answer)
    for (campaign_id, unit_id), fields in sorted(given.items()):
        rows = conn.execute(
            sa.select(ANSWERS).where(ANSWERS.c.campaign_id == campaign_id, ANSWERS.c.unit_id == unit_id,
                                     ANSWERS.c.field_id.in_(list(fields))).order_by(ANSWERS.c.id)
        ).mappings().all()
        by_field: dict[str, list[Any]] = defaultdict(list)
        for row in rows:
            by_field[row["field_id"]].append(row)
        for field_id, candidates in sorted(fields.items()):
            history = [_from_row(row) for row in by_field.get(field_id, [])]
            current = history[-1] if history else None
            known = list(history)
            to_add: list[_Given] = []
            for answer in sorted(candidates, key=lambda a: a.at):
                if not any(answer.same(k) for k in known):
                    known.append(answer)
                    to_add.append(answer)
            # The newest by time must end up current; on a tie, the table's (what the report showed).
            winner = max([*candidates, *history[-1:]], key=lambda a: (a.at, a.from_table))
            to_add = [answer for answer in to_add if not answer.same(winner)]
            if not winner.same(to_add[-1] if to_add else current):
                to_add.append(winner)
            for answer in to_add:
                conn.execute(ANSWERS.insert().values(
                    campaign_id=campaign_id, unit_id=unit_id, submission_version=answer.version,
                    field_id=field_id, status=answer.status, value=answer.value, raw=answer.raw,
                    display=answer.display, approximate=answer.approximate, qualifier=answer.qualifier,
                    person_id=answer.person_id, channel=answer.channel, field_type=answer.field_type,
                    created_at=answer.at,
                ))


def _from_row(row: Any) -> _Given:
    return _Given(
        at=row["created_at"], status=row["status"], value=row["value"], raw=row["raw"], display=row["display"],
        approximate=bool(row["approximate"]), qualifier=row["qualifier"], person_id=row["person_id"],
        channel=row["channel"], version=row["submission_version"], field_type=row["field_type"] or "",
        from_table=True,
    )


def _merge_duplicates(conn: sa.Connection, conversations: list[Any], reports: dict[tuple[int, int], int]) -> None:
    groups: dict[tuple[int, int | None], list[Any]] = defaultdict(list)
    for conv in conversations:
        groups[(conv["person_id"], reports.get((conv["campaign_id"], conv["unit_id"])))].append(conv)
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda c: (c["updated_at"], c["id"]))
        kept, others = group[-1], group[:-1]
        state = dict(kept["state"]) if isinstance(kept["state"], dict) else {"unreadable": kept["state"]}
        orphans = dict(state.get("orphans") or {})
        top = max([kept["state_version"], *_versions(conn, kept["id"])])
        for other in others:
            orphans[f"merged_conversation_{other['id']}"] = other["state"]
            for version in _versions(conn, other["id"]):
                top += 1
                conn.execute(HISTORY.update()
                             .where(HISTORY.c.conversation_id == other["id"], HISTORY.c.state_version == version)
                             .values(conversation_id=kept["id"], state_version=top))
            conn.execute(OUTBOX.update().where(OUTBOX.c.conversation_id == other["id"])
                         .values(conversation_id=kept["id"]))
            conn.execute(CONVERSATIONS.delete().where(CONVERSATIONS.c.id == other["id"]))
        state["orphans"] = orphans
        conn.execute(CONVERSATIONS.update().where(CONVERSATIONS.c.id == kept["id"])
                     .values(state=state, state_version=top + 1))


def _versions(conn: sa.Connection, conversation_id: int) -> list[int]:
    query = sa.select(HISTORY.c.state_version).where(HISTORY.c.conversation_id == conversation_id)
    return sorted(conn.execute(query).scalars())


def downgrade() -> None:
    """Back to one conversation per chat with its campaign and unit (refused if that would lose one)."""
    conn = op.get_bind()
    shared = conn.execute(
        sa.select(CONVERSATIONS.c.channel, CONVERSATIONS.c.chat_id)
        .group_by(CONVERSATIONS.c.channel, CONVERSATIONS.c.chat_id)
        .having(sa.func.count() > 1)
    ).first()
    chatless = conn.execute(sa.select(CONVERSATIONS.c.id).where(
        sa.or_(CONVERSATIONS.c.channel.is_(None), CONVERSATIONS.c.chat_id.is_(None)))).first()
    if shared is not None:
        raise StorageError(f"cannot downgrade below 0003: 0002 keeps one conversation per chat, and chat "
                           f"{shared[0]}:{shared[1]} now has several (one per report)")
    if chatless is not None:
        raise StorageError(f"cannot downgrade below 0003: 0002 needs every conversation's chat, and "
                           f"conversation #{chatless[0]} has none")
    op.drop_index("uq_conversations_person_id_no_report", "conversations")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_index("ix_conversations_report_id")
        batch.drop_constraint("uq_conversations_person_id_report_id", type_="unique")
        batch.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_conversations_campaign_id_campaigns", "campaigns", ["campaign_id"], ["id"])
        batch.create_foreign_key("fk_conversations_unit_id_units", "units", ["unit_id"], ["id"])
    of_report = sa.select(REPORTS.c.id, REPORTS.c.campaign_id, REPORTS.c.unit_id)
    for report_id, campaign_id, unit_id in conn.execute(of_report).all():
        conn.execute(CONVERSATIONS.update().where(CONVERSATIONS.c.report_id == report_id)
                     .values(campaign_id=campaign_id, unit_id=unit_id))
    with op.batch_alter_table("conversations") as batch:
        batch.drop_constraint("fk_conversations_report_id_reports", type_="foreignkey")
        batch.drop_column("report_id")
        batch.alter_column("person_id", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("channel", existing_type=sa.String(20), nullable=False)
        batch.alter_column("chat_id", existing_type=sa.String(100), nullable=False)
        batch.create_unique_constraint("uq_conversations_channel_chat_id", ["channel", "chat_id"])
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("field_type")
    with op.batch_alter_table("identities") as batch:
        batch.drop_constraint("fk_identities_report_id_reports", type_="foreignkey")
        batch.drop_column("choice")
        batch.drop_column("report_id")
    op.drop_table("reports")
