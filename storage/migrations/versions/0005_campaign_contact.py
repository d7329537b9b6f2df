"""A campaign may say whom units contact at the department (a name, a phone, an email): the bot gives it
when nobody at the department uses the bot yet.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``campaigns.contact``."""
    with op.batch_alter_table("campaigns") as batch:
        batch.add_column(sa.Column("contact", sa.Text(), nullable=True))


def downgrade() -> None:
    """Drop it again."""
    with op.batch_alter_table("campaigns") as batch:
        batch.drop_column("contact")
