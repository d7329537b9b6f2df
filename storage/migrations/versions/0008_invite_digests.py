"""Invite codes are kept only as their SHA-256 digest (with a four-character hint to tell them apart in lists),
and each channel account counts its wrong codes (a lockout after too many).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _digest(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode("utf-8")).hexdigest()


def _ts(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=True)


def upgrade() -> None:
    """Add ``invites.hint``, replace every stored code by its digest; add the wrong-code counters."""
    with op.batch_alter_table("invites") as batch:
        batch.add_column(sa.Column("hint", sa.String(8), nullable=True))
    bind = op.get_bind()
    invites = sa.table("invites", sa.column("code", sa.String), sa.column("hint", sa.String))
    for (code,) in bind.execute(sa.select(invites.c.code)).all():
        bind.execute(invites.update().where(invites.c.code == code).values(code=_digest(code), hint=code[:4]))
    with op.batch_alter_table("identities") as batch:
        batch.add_column(sa.Column("code_failures", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(_ts("locked_until"))


def downgrade() -> None:
    """Drop the counters and the hint (the codes stay digests: they cannot be recovered)."""
    with op.batch_alter_table("identities") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("code_failures")
    with op.batch_alter_table("invites") as batch:
        batch.drop_column("hint")
