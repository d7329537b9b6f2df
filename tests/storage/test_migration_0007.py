"""Migration 0007: invites can be revoked, campaigns keep settings, unit names stored with a double space
(imported before names were normalised) lose it; downgrading drops the two columns again."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from storage.db import alembic_config, current_revision, downgrade, make_engine, migrate, schema_connection


def test_0007_squashes_unit_names_and_adds_its_columns(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/old.db")
    with schema_connection(engine) as connection:
        command.upgrade(alembic_config(connection), "0005")
    units = sa.table("units", sa.column("id"), sa.column("name"), sa.column("kind"), sa.column("folded"),
                     sa.column("created_at", sa.DateTime()))
    with engine.begin() as conn:
        conn.execute(units.insert(), [{"id": 1, "name": "Xã  Bắc Đông Quan", "kind": "xã", "folded": "xa bac dong quan",
                                       "created_at": datetime(2025, 8, 1, tzinfo=UTC).replace(tzinfo=None)},
                                      {"id": 2, "name": "Xã Kiến Thụy", "kind": "xã", "folded": "xa kien thuy",
                                       "created_at": datetime(2025, 8, 1, tzinfo=UTC).replace(tzinfo=None)}])
    with schema_connection(engine) as connection:
        command.upgrade(alembic_config(connection), "0007")
    assert current_revision(engine) == "0007"
    with engine.connect() as conn:
        assert [r[0] for r in conn.execute(sa.text("SELECT name FROM units ORDER BY id"))] == [
            "Xã Bắc Đông Quan", "Xã Kiến Thụy"]
    inspector = sa.inspect(engine)
    assert "revoked_at" in {c["name"] for c in inspector.get_columns("invites")}
    assert "settings" in {c["name"] for c in inspector.get_columns("campaigns")}
    downgrade(engine, "0005")
    inspector = sa.inspect(engine)
    assert "revoked_at" not in {c["name"] for c in inspector.get_columns("invites")}
    assert "settings" not in {c["name"] for c in inspector.get_columns("campaigns")}
    engine.dispose()


def test_0008_keeps_invite_codes_only_as_digests(tmp_path: Path) -> None:
    """An invite written before 0008 still works by its code afterwards; the code itself is no longer stored."""
    from datetime import datetime as _dt

    from storage.db import make_session_factory
    from storage.uow import UnitOfWork

    engine = make_engine(f"sqlite:///{tmp_path}/old.db")
    with schema_connection(engine) as connection:
        command.upgrade(alembic_config(connection), "0007")
    invites = sa.table("invites", sa.column("code"), sa.column("role"), sa.column("created_at", sa.DateTime()))
    with engine.begin() as conn:
        conn.execute(invites.insert(), [{"code": "KT000001", "role": "reporter",
                                         "created_at": _dt(2025, 8, 1)}])
    migrate(engine)
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT code, hint FROM invites")).one()
    assert stored[0] != "KT000001" and len(stored[0]) == 64 and stored[1] == "KT00"
    with UnitOfWork(make_session_factory(engine)) as uow:
        assert uow.invites.get("kt000001").role == "reporter"
    engine.dispose()
