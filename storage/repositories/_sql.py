"""Small SQL helpers shared by the repositories (dialect-specific upserts, row counts)."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Insert, Result, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignoring_conflicts(session: Session, table: Table) -> Insert:
    """``INSERT … ON CONFLICT DO NOTHING`` for the session's database (SQLite or PostgreSQL).

    Execute it with :func:`inserted` to learn whether the row went in.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    raise NotImplementedError(f"no conflict-ignoring INSERT for {dialect}")


def inserted(session: Session, statement: Insert) -> bool:
    """Run a conflict-ignoring INSERT; True if it added its row (RETURNING says so on both databases)."""
    key = next(iter(statement.table.primary_key.columns))  # type: ignore[attr-defined]
    return session.execute(statement.returning(key)).first() is not None


def rowcount(result: Result[Any]) -> int:
    """Rows matched by an INSERT/UPDATE/DELETE result."""
    return int(cast(CursorResult[Any], result).rowcount)


def is_postgresql(session: Session) -> bool:
    """Whether the session talks to PostgreSQL (row locks are real there)."""
    return session.get_bind().dialect.name == "postgresql"
