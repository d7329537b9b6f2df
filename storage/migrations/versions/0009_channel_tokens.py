"""Rotating channel credentials: the Zalo OA access token and its single-use refresh token, kept as one row
per channel and replaced atomically (under the row's lock) when refreshed.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``channel_tokens``."""
    op.create_table(
        "channel_tokens",
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("access_token", sa.Text(), nullable=False),
        sa.Column("refresh_token", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("channel", name="pk_channel_tokens"),
    )


def downgrade() -> None:
    """Drop ``channel_tokens``."""
    op.drop_table("channel_tokens")
