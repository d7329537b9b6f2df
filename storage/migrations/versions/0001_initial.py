"""Initial schema: units, people, invites, templates, campaigns, submissions, answers, conversations,
processed updates and the outbox.

Revision ID: 0001
Revises:
Create Date: 2025-08-06
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the portable types (a revision must not change when storage/types.py does).
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIGKEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PENDING = sa.text("sent_at IS NULL AND gave_up_at IS NULL")


def _ts(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(name: str, table: str, nullable: bool = True) -> sa.Column[Any]:
    return sa.Column(name, sa.Integer(), sa.ForeignKey(f"{table}.id"), nullable=nullable)


def upgrade() -> None:
    """Create every table."""
    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.Integer(), nullable=True, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("province_code", sa.Integer(), nullable=True),
        sa.Column("province_name", sa.String(100), nullable=True),
        sa.Column("folded", sa.String(200), nullable=False, index=True),
        _ts("created_at"),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        _fk("unit_id", "units"),
        _ts("created_at"),
    )
    op.create_table(
        "identities",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False, index=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("external_id", sa.String(100), nullable=False),
        sa.UniqueConstraint("channel", "external_id"),
    )
    op.create_table(
        "template_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("template_id", sa.String(100), nullable=False, index=True),
        sa.Column("version", sa.String(50), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _ts("created_at"),
    )
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("template_version_id", "template_versions", nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        _ts("opened_at"),
        sa.Column("status", sa.String(10), nullable=False),
        _ts("closed_at", nullable=True),
        _fk("created_by", "people"),
    )
    op.create_table(
        "campaign_units",
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaigns.id"), primary_key=True),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id"), primary_key=True),
    )
    op.create_table(
        "invites",
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        _fk("unit_id", "units"),
        _fk("campaign_id", "campaigns"),
        _ts("created_at"),
        _ts("expires_at", nullable=True),
        _ts("used_at", nullable=True),
        _fk("used_by", "people"),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("campaign_id", "campaigns", nullable=False),
        _fk("unit_id", "units", nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("ref", sa.String(50), nullable=True),
        sa.Column("answers", JSON, nullable=True),
        _ts("created_at"),
        _ts("submitted_at", nullable=True),
        _fk("submitted_by", "people"),
        _ts("returned_at", nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.UniqueConstraint("campaign_id", "unit_id", "version"),
    )
    op.create_table(
        "answers",
        sa.Column("id", BIGKEY, primary_key=True),
        _fk("campaign_id", "campaigns", nullable=False),
        _fk("unit_id", "units", nullable=False),
        sa.Column("submission_version", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.String(100), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("value", JSON, nullable=True),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("display", sa.Text(), nullable=False),
        sa.Column("approximate", sa.Boolean(), nullable=False),
        sa.Column("qualifier", sa.String(20), nullable=False),
        _fk("person_id", "people"),
        sa.Column("channel", sa.String(20), nullable=False),
        _ts("created_at"),
        sa.Index(None, "campaign_id", "unit_id", "field_id", "id"),
    )
    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("chat_id", sa.String(100), nullable=False),
        _fk("person_id", "people"),
        _fk("campaign_id", "campaigns"),
        _fk("unit_id", "units"),
        sa.Column("state", JSON, nullable=False),
        sa.Column("state_version", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        sa.UniqueConstraint("channel", "chat_id"),
    )
    op.create_table(
        "conversation_states",
        sa.Column("conversation_id", sa.Integer(), sa.ForeignKey("conversations.id"), primary_key=True),
        sa.Column("state_version", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("state", JSON, nullable=False),
        _ts("saved_at"),
    )
    op.create_table(
        "processed_updates",
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("update_id", sa.String(100), primary_key=True),
        _ts("processed_at"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", BIGKEY, primary_key=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("chat_id", sa.String(100), nullable=False),
        _fk("conversation_id", "conversations"),
        sa.Column("payload", JSON, nullable=False),
        _ts("created_at"),
        _ts("sent_at", nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        _ts("not_before", nullable=True),
        _ts("gave_up_at", nullable=True),
        sa.Index("ix_outbox_pending", "id", sqlite_where=PENDING, postgresql_where=PENDING),
    )


def downgrade() -> None:
    """Drop every table, dependents first."""
    for table in (
        "outbox",
        "processed_updates",
        "conversation_states",
        "conversations",
        "answers",
        "submissions",
        "invites",
        "campaign_units",
        "campaigns",
        "template_versions",
        "identities",
        "people",
        "units",
    ):
        op.drop_table(table)
