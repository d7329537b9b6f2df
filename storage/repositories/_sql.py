"""SQL helpers shared by the repositories: prebuilt statements, dialect-specific upserts, row counts.

The hot path of the runner (one chat turn: claim the update, lock and save the conversation, append
answers, queue replies) runs statements built once at import and executed with parameters: building
a statement costs more Python time than SQLite takes to run it.
"""

from __future__ import annotations

from enum import Enum
from functools import cache
from typing import Any, Final, TypeVar, cast

from sqlalchemy import CursorResult, Insert, Result, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, make_transient_to_detached

_M = TypeVar("_M")


class Keep(Enum):
    """The type of :data:`KEEP`."""

    KEEP = "keep"


#: Default of the optional arguments of the ``save`` methods: leave that column as it is.
KEEP: Final = Keep.KEEP


def table_of(model: type[Any]) -> Table:
    """The Core table of a mapped class."""
    return cast(Table, model.__table__)


@cache
def insert_ignoring_conflicts(dialect: str, table: Table) -> Insert:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING <first key column>`` for SQLite or PostgreSQL.

    Execute it with parameters through :func:`inserted` to learn whether the row went in.
    """
    return insert_or_nothing(dialect, table, next(iter(table.primary_key.columns)))


@cache
def insert_or_nothing(dialect: str, table: Table, *returning: Any) -> Insert:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING <returning>`` into ``table`` for SQLite or PostgreSQL."""
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing().returning(*returning)
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing().returning(*returning)
    raise NotImplementedError(f"no conflict-ignoring INSERT for {dialect}")


def inserted(session: Session, table: Table, values: dict[str, Any]) -> bool:
    """Insert ``values`` unless a row with the same key exists; True if it went in."""
    return inserted_key(session, table, values) is not None


def inserted_key(session: Session, table: Table, values: dict[str, Any]) -> int | None:
    """Insert ``values`` unless a row with the same key exists; the new row's id (None: it existed)."""
    key = session.execute(insert_ignoring_conflicts(session.get_bind().dialect.name, table), values).scalar()
    return None if key is None else int(key)


def adopted(session: Session, model: type[_M], values: dict[str, Any]) -> _M:
    """The mapped object of a row this transaction has just inserted with ``values`` (its key among them), made
    persistent in ``session`` as if read: no SELECT, no flush. A column not in ``values`` takes its scalar
    default, else None where it may be NULL and has no default at all, else loads when first read."""
    values = dict(values)
    for column in table_of(model).columns:
        if column.key in values:
            continue
        default = column.default
        if default is not None and getattr(default, "is_scalar", False):
            values[column.key] = getattr(default, "arg", None)
        elif default is None and column.nullable and column.server_default is None:
            values[column.key] = None
    row = model(**values)
    make_transient_to_detached(row)
    session.add(row)
    return row


def rowcount(result: Result[Any]) -> int:
    """Rows matched by an UPDATE/DELETE result."""
    return int(cast(CursorResult[Any], result).rowcount)


def new_id(result: Result[Any]) -> int:
    """The primary key of the row a single-row Core INSERT added."""
    key = cast(CursorResult[Any], result).inserted_primary_key
    assert key is not None
    return int(key[0])
