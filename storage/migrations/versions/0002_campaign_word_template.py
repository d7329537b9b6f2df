"""A campaign may carry a department-supplied Word template (docxtpl) to fill instead of the built-in layout.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the template's bytes and its file name."""
    with op.batch_alter_table("campaigns") as batch:
        batch.add_column(sa.Column("word_template", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("word_template_name", sa.Text(), nullable=True))


def downgrade() -> None:
    """Drop them again."""
    with op.batch_alter_table("campaigns") as batch:
        batch.drop_column("word_template_name")
        batch.drop_column("word_template")
