"""The department's side of a campaign: invites can be revoked, the campaign keeps its signer block and
"Nơi nhận", and imported unit names lose their double spaces.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SPACES = re.compile(r"\s+")


def upgrade() -> None:
    """Add ``invites.revoked_at`` and ``campaigns.settings``; squash the spaces of unit names."""
    with op.batch_alter_table("invites") as batch:
        batch.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("campaigns") as batch:
        batch.add_column(sa.Column("settings", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True))
    bind = op.get_bind()
    units = sa.table("units", sa.column("id", sa.Integer), sa.column("name", sa.String))
    for unit_id, name in bind.execute(sa.select(units.c.id, units.c.name)).all():
        clean = _SPACES.sub(" ", name).strip()
        if clean != name:
            bind.execute(units.update().where(units.c.id == unit_id).values(name=clean))


def downgrade() -> None:
    """Drop the two columns (unit names stay squashed)."""
    with op.batch_alter_table("campaigns") as batch:
        batch.drop_column("settings")
    with op.batch_alter_table("invites") as batch:
        batch.drop_column("revoked_at")
