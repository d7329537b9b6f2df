"""Reminders found by unit: a submission cancels its unit's planned reminders, which without this index meant
reading every reminder of the campaign (thousands at 3,000 units) in the turn that submits.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Index ``reminders`` on (campaign, unit, status)."""
    op.create_index("ix_reminders_unit", "reminders", ["campaign_id", "unit_id", "status"])


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_reminders_unit", table_name="reminders")
