"""Storage tests run on SQLite and PostgreSQL: the fixtures live in :mod:`tests.storage.dbfixtures`."""

from tests.storage.dbfixtures import (  # noqa: F401 - fixtures are found by name
    backend,
    db,
    fresh_db,
    now,
    pg_migrated,
    pg_server,
    seed,
)
