"""An invite may be for a person who already exists: it links another channel account to them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``invites.person_id``."""
    with op.batch_alter_table("invites") as batch:
        batch.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_invites_person_id_people", "people", ["person_id"], ["id"])


def downgrade() -> None:
    """Drop it again."""
    with op.batch_alter_table("invites") as batch:
        batch.drop_constraint("fk_invites_person_id_people", type_="foreignkey")
        batch.drop_column("person_id")
