"""Migrations: apply on an empty database, are idempotent, and agree with the models."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from storage.db import MIGRATIONS_DIR, current_revision, migrate
from storage.models import Base


def _head() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def test_migrate_creates_every_table_on_an_empty_database(fresh_db: Callable) -> None:
    db = fresh_db()
    assert current_revision(db.engine) is None
    migrate(db.engine)
    assert current_revision(db.engine) == _head()
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_migrate_twice_is_a_no_op(fresh_db: Callable) -> None:
    db = fresh_db()
    migrate(db.engine)
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO units (name, kind, folded, created_at) "
            "VALUES ('Xã A', 'xa', 'xa a', '2025-08-06 00:00:00')"
        )
    migrate(db.engine)  # a restart: must neither fail nor touch the data
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM units").scalar() == 1
    assert current_revision(db.engine) == _head()


def test_models_and_migrations_agree(fresh_db: Callable) -> None:
    db = fresh_db()
    migrate(db.engine)
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_downgrade_to_base_and_up_again(fresh_db: Callable) -> None:
    db = fresh_db()
    migrate(db.engine)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert set(inspect(db.engine).get_table_names()) & set(Base.metadata.tables) == set()
    migrate(db.engine)
    assert set(Base.metadata.tables) <= set(inspect(db.engine).get_table_names())
