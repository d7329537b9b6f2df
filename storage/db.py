"""Engines, sessions and migrations: built by functions (never at import time) from one URL.

The URL comes from the argument, else ``REPORTBOT_DATABASE_URL``, else a SQLite file
``reportbot.db`` in the working directory. SQLite is set up for one busy writer (WAL, foreign keys,
a busy timeout, ``synchronous=NORMAL``) and every transaction starts with ``BEGIN IMMEDIATE``, so
that two writers queue at the start instead of failing half-way and SAVEPOINTs really nest.
PostgreSQL goes through psycopg 3.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from dialogs.errors import StorageError

if TYPE_CHECKING:
    from alembic.config import Config

#: The environment variable holding the database URL.
URL_ENV = "REPORTBOT_DATABASE_URL"
#: Used when neither an argument nor the environment names a database.
DEFAULT_URL = "sqlite:///reportbot.db"
#: Where the Alembic environment lives (package data, found from this file).
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: Key of the PostgreSQL advisory lock that serialises concurrent ``migrate`` calls.
_MIGRATE_LOCK_KEY = 0x7265706F  # "repo"
#: Milliseconds a SQLite writer waits for the lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 10_000


def database_url(url: str | None = None) -> str:
    """The URL to use: ``url``, else ``$REPORTBOT_DATABASE_URL``, else the default SQLite file.

    Plain ``postgresql://`` / ``postgres://`` URLs are given the psycopg 3 driver.

    >>> database_url("postgres://u@h/db")
    'postgresql+psycopg://u@h/db'
    >>> database_url("sqlite:///x.db")
    'sqlite:///x.db'
    """
    chosen = url or os.environ.get(URL_ENV) or DEFAULT_URL
    for prefix in ("postgresql://", "postgres://"):
        if chosen.startswith(prefix):
            return "postgresql+psycopg://" + chosen[len(prefix) :]
    return chosen


def make_engine(
    url: str | None = None,
    *,
    echo: bool = False,
    connect_args: dict[str, Any] | None = None,
    sqlite_begin: Literal["IMMEDIATE", "DEFERRED"] = "IMMEDIATE",
) -> Engine:
    """Build an engine for ``url`` (see :func:`database_url`), configured for this project."""
    parsed = make_url(database_url(url))
    args = dict(connect_args or {})
    if parsed.get_backend_name() == "sqlite":
        kwargs: dict[str, Any] = {}
        if parsed.database in (None, "", ":memory:"):
            # One shared connection, or every checkout would see a different empty database.
            kwargs["poolclass"] = StaticPool
            args.setdefault("check_same_thread", False)
        engine = create_engine(parsed, echo=echo, connect_args=args, **kwargs)
        _configure_sqlite(engine, sqlite_begin)
        return engine
    return create_engine(parsed, echo=echo, connect_args=args, pool_pre_ping=True)


def _configure_sqlite(engine: Engine, begin: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module (it skips BEGIN before SELECT and
        # SAVEPOINT); SQLAlchemy's "begin" event below emits it instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            # Safe with WAL: a power cut may lose the last commits but never corrupts the file.
            cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(f"BEGIN {begin}")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (no reload round trip) and autoflush."""
    return sessionmaker(engine, expire_on_commit=False)


def migrate(engine: Engine) -> None:
    """Bring the database schema to the newest revision (Alembic ``upgrade head``); idempotent."""
    from alembic import command

    with schema_connection(engine) as connection:
        command.upgrade(alembic_config(connection), "head")


def downgrade(engine: Engine, revision: str) -> None:
    """Take the database schema back to ``revision`` (Alembic ``downgrade``), e.g. before a rollback."""
    from alembic import command

    with schema_connection(engine) as connection:
        command.downgrade(alembic_config(connection), revision)


def alembic_config(connection: Connection | None = None) -> Config:
    """The Alembic configuration of this project, running on ``connection`` when given."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@contextmanager
def schema_connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside one transaction, set up to change the schema; committed on success.

    PostgreSQL: an advisory lock, so that of several workers starting at once the first migrates
    and the others then find it done. SQLite: foreign keys off for the transaction, because altering
    a table means rebuilding it (Alembic batch mode) and dropping the old copy of a table other rows
    refer to would fail; ``PRAGMA foreign_key_check`` then refuses to commit a broken reference.
    """
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # The pragma is ignored inside a transaction: run it on the raw connection before BEGIN.
            _driver(connection).execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATE_LOCK_KEY})")
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise StorageError(f"the migration would break foreign keys: {broken[:5]}")
        finally:
            if sqlite and not connection.invalidated:
                _driver(connection).execute("PRAGMA foreign_keys = ON")


def _driver(connection: Connection) -> Any:
    return connection.connection.driver_connection


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at (None when never migrated)."""
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
