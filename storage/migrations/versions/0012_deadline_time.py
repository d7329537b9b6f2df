"""A campaign's deadline may have a time of day (17:00 on the deadline day); without one it is the end of the
day, as before. Reminders keep the time they were planned for, so a new time plans them again.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``campaigns.deadline_time`` and ``reminders.deadline_time`` (NULL: the end of the deadline day)."""
    with op.batch_alter_table("campaigns") as batch:
        batch.add_column(sa.Column("deadline_time", sa.Time(), nullable=True))
    with op.batch_alter_table("reminders") as batch:
        batch.add_column(sa.Column("deadline_time", sa.Time(), nullable=True))


def downgrade() -> None:
    """Drop them again (every deadline becomes the end of its day)."""
    with op.batch_alter_table("reminders") as batch:
        batch.drop_column("deadline_time")
    with op.batch_alter_table("campaigns") as batch:
        batch.drop_column("deadline_time")
