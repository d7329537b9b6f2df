"""The durable inbox and at-least-once delivery.

Every incoming update is written to ``inbox`` before it is acknowledged (unique per channel and update id:
the dedupe that ``processed_updates`` did, which it replaces); the waiting rows give each chat's order.
Outgoing messages get a lease (``lease_until``, ``lease_owner``), the turn that produced them, the
provider's message id and ``superseded_at`` (a reply in doubt that a newer one replaced).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIGKEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WAITING = sa.text("processed_at IS NULL AND set_aside_at IS NULL")
OLD_PENDING = sa.text("sent_at IS NULL AND gave_up_at IS NULL")
PENDING = sa.text("sent_at IS NULL AND gave_up_at IS NULL AND superseded_at IS NULL")


def _ts(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """Create ``inbox`` (with the ids ``processed_updates`` held, as done), drop that table, add the leases."""
    op.create_table(
        "inbox",
        sa.Column("id", BIGKEY, primary_key=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("update_id", sa.String(100), nullable=False),
        sa.Column("chat_id", sa.String(100), nullable=False),
        sa.Column("user_id", sa.String(100), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        _ts("received_at"),
        _ts("processed_at", nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text(), nullable=True),
        _ts("set_aside_at", nullable=True),
        sa.UniqueConstraint("channel", "update_id", name="uq_inbox_channel_update_id"),
        sa.Index("ix_inbox_waiting", "channel", "chat_id", "id", sqlite_where=WAITING, postgresql_where=WAITING),
        sa.Index("ix_inbox_processed_at", "processed_at"),
    )
    empty = "CAST('{}' AS jsonb)" if op.get_bind().dialect.name == "postgresql" else "'{}'"
    op.execute(
        "INSERT INTO inbox (channel, update_id, chat_id, user_id, payload, received_at, processed_at, attempts) "
        f"SELECT channel, update_id, '', '', {empty}, processed_at, processed_at, 1 FROM processed_updates"
    )
    op.drop_table("processed_updates")
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("turn", BIGKEY, nullable=True))
        batch.add_column(_ts("lease_until", nullable=True))
        batch.add_column(sa.Column("lease_owner", sa.String(40), nullable=True))
        batch.add_column(_ts("superseded_at", nullable=True))
        batch.add_column(sa.Column("provider_id", sa.String(100), nullable=True))
        batch.drop_index("ix_outbox_pending")
    # Rows claimed under the old at-most-once rule and never confirmed stay unsent: never resend them now.
    op.execute(
        "UPDATE outbox SET superseded_at = created_at "
        "WHERE sent_at IS NULL AND gave_up_at IS NULL AND attempts > 0 AND last_error IS NULL"
    )
    op.create_index("ix_outbox_pending", "outbox", ["channel", "chat_id", "id"],
                    sqlite_where=PENDING, postgresql_where=PENDING)


def downgrade() -> None:
    """Back to ``processed_updates`` (the ids of processed updates are kept) and the outbox without leases."""
    op.create_table(
        "processed_updates",
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("update_id", sa.String(100), primary_key=True),
        _ts("processed_at"),
    )
    op.execute(
        "INSERT INTO processed_updates (channel, update_id, processed_at) "
        "SELECT channel, update_id, processed_at FROM inbox WHERE processed_at IS NOT NULL"
    )
    op.drop_table("inbox")
    op.drop_index("ix_outbox_pending", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        for column in ("provider_id", "superseded_at", "lease_owner", "lease_until", "turn"):
            batch.drop_column(column)
    op.create_index("ix_outbox_pending", "outbox", ["id"], sqlite_where=OLD_PENDING, postgresql_where=OLD_PENDING)
