"""The runner's tests use the storage tests' databases (SQLite and PostgreSQL)."""

from tests.storage.dbfixtures import backend, db, now, pg_migrated, pg_server  # noqa: F401
