"""Planned reminders and their deliveries: each reminder goes out once per person and channel.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGKEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create ``reminders`` and ``reminder_deliveries``."""
    op.create_table(
        "reminders",
        sa.Column("id", BIGKEY, primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaigns.id", name="fk_reminders_campaign_id_campaigns"),
                  nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("units.id", name="fk_reminders_unit_id_units"), nullable=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("slot", sa.String(20), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("due_at", WHEN, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("done_at", WHEN, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reminders"),
        sa.UniqueConstraint("name", name="uq_reminders_name"),
    )
    op.create_index("ix_reminders_due", "reminders", ["status", "due_at"])
    op.create_index("ix_reminders_campaign_id", "reminders", ["campaign_id"])
    op.create_table(
        "reminder_deliveries",
        sa.Column("id", BIGKEY, primary_key=True),
        sa.Column("reminder_id", BIGKEY,
                  sa.ForeignKey("reminders.id", name="fk_reminder_deliveries_reminder_id_reminders"), nullable=False),
        sa.Column("person_id", sa.Integer(),
                  sa.ForeignKey("people.id", name="fk_reminder_deliveries_person_id_people"), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("outbox_id", BIGKEY, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reminder_deliveries"),
        sa.UniqueConstraint("reminder_id", "person_id", "channel",
                            name="uq_reminder_deliveries_reminder_id_person_id_channel"),
    )


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("reminder_deliveries")
    op.drop_index("ix_reminders_campaign_id", table_name="reminders")
    op.drop_index("ix_reminders_due", table_name="reminders")
    op.drop_table("reminders")
