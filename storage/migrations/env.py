"""Alembic environment: runs on the connection ``storage.db.migrate`` hands over, else on a new engine."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from storage.db import make_engine, schema_connection
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        # SQLite cannot ALTER most things: later revisions rebuild tables in batch mode there.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    _run_offline()
elif (given := config.attributes.get("connection")) is not None:
    _run(given)
else:
    # Plain `alembic` command line use: the same URL rules as the application.
    engine = make_engine(config.get_main_option("sqlalchemy.url") or None)
    try:
        with schema_connection(engine) as connection:
            _run(connection)
    finally:
        engine.dispose()
