"""What a department account's next message answers: «which unit?» or «the reason for returning it», asked by
``/tralai`` and ``/xem`` typed alone or by the buttons of ``/tiendo``.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: JSON that stores None as SQL NULL (JSONB on PostgreSQL), as the model's ``NullableJSONType``.
NULLABLE_JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def upgrade() -> None:
    """Add ``identities.pending`` (JSON, empty for every existing account)."""
    with op.batch_alter_table("identities") as batch:
        batch.add_column(sa.Column("pending", NULLABLE_JSON, nullable=True))


def downgrade() -> None:
    """Drop ``identities.pending`` (a question waiting for its answer is forgotten)."""
    with op.batch_alter_table("identities") as batch:
        batch.drop_column("pending")
