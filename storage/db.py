"""Engines, sessions and migrations: built by functions (never at import time) from one URL.

The URL comes from the argument, else ``REPORTBOT_DATABASE_URL``, else a SQLite file
``reportbot.db`` in the working directory. SQLite is set up for one busy writer (WAL, foreign keys,
a busy timeout, ``synchronous=NORMAL``) and every transaction starts with ``BEGIN IMMEDIATE``, so
that two writers queue at the start instead of failing half-way and SAVEPOINTs really nest.
PostgreSQL goes through psycopg 3.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

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
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several workers may start at once: the first migrates, the others then find it done.
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATE_LOCK_KEY})")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at (None when never migrated)."""
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
