"""Database fixtures that run every test body on SQLite and on PostgreSQL.

Other test packages reuse them by importing them into their own ``conftest.py``::

    from tests.storage.dbfixtures import backend, db, now, pg_migrated, pg_server  # noqa: F401

``db`` is a :class:`Database` (``db.uow()``, ``db.session_factory``, ``db.engine``, ``db.backend``).

SQLite databases are files under ``tmp_path``. PostgreSQL runs use the server at
``REPORTBOT_TEST_POSTGRES_URL`` (else ``REPORTBOT_DATABASE_URL`` when it is a PostgreSQL URL, else
``postgresql+psycopg://postgres@127.0.0.1:5432/test``), each test session in its own schema
``rb_test_<pid>`` (dropped at the end) so parallel runs never collide. When the server is unreachable
the PostgreSQL cases skip locally, and fail when ``CI`` is set.
"""

from __future__ import annotations

import hashlib
import itertools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from dialogs.template.model import Meta, Template
from storage.db import make_engine, make_session_factory, migrate
from storage.models import Base
from storage.uow import UnitOfWork

BACKENDS = ["sqlite", "postgresql"]
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOW = datetime(2025, 8, 6, 8, 30, tzinfo=UTC)


def _pg_url() -> str:
    explicit = os.environ.get("REPORTBOT_TEST_POSTGRES_URL")
    if explicit:
        return explicit
    configured = os.environ.get("REPORTBOT_DATABASE_URL", "")
    return configured if configured.startswith("postgres") else DEFAULT_PG_URL


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


@dataclass
class Database:
    """One test database: its backend name, engine and session factory."""

    backend: str
    engine: Engine
    session_factory: sessionmaker[Session]

    def uow(self, **kwargs: bool) -> UnitOfWork:
        """A new unit of work on this database."""
        return UnitOfWork(self.session_factory, **kwargs)


class PostgresServer:
    """The PostgreSQL server of this test session and the schemas it made there."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.admin = create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
        self.prefix = f"rb_test_{os.getpid()}"
        self.schemas: list[str] = []
        self._counter = itertools.count()

    def new_schema(self) -> str:
        """Create an empty schema and return its name."""
        name = f"{self.prefix}_{next(self._counter)}"
        with self.admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {name}"))
        self.schemas.append(name)
        return name

    def engine_for(self, schema: str) -> Engine:
        """An application engine whose search_path is ``schema`` only."""
        url = make_url(self.url).update_query_dict({"options": f"-csearch_path={schema}"})
        return make_engine(url.render_as_string(hide_password=False))

    def drop_all(self) -> None:
        """Drop every schema this session made."""
        with self.admin.connect() as conn:
            for name in self.schemas:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        self.admin.dispose()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """The PostgreSQL server (skips locally, fails under CI, when it cannot be reached)."""
    server = PostgresServer(_pg_url())
    try:
        with server.admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as error:
        server.admin.dispose()
        message = f"PostgreSQL unreachable at {make_url(server.url).render_as_string()}: {error.orig}"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    yield server
    server.drop_all()


@pytest.fixture(scope="session")
def pg_migrated(pg_server: PostgresServer) -> Iterator[Database]:
    """One migrated PostgreSQL schema shared by the session (tables emptied before each test)."""
    engine = pg_server.engine_for(pg_server.new_schema())
    migrate(engine)
    yield Database("postgresql", engine, make_session_factory(engine))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database kind under test."""
    return str(request.param)


@pytest.fixture
def fresh_db(backend: str, tmp_path: object, request: pytest.FixtureRequest) -> Iterator[Callable[[], Database]]:
    """A factory of brand-new, empty (unmigrated) databases of the backend under test."""
    made: list[Engine] = []
    counter = itertools.count()

    def make() -> Database:
        if backend == "sqlite":
            engine = make_engine(f"sqlite:///{tmp_path}/fresh{next(counter)}.db")
        else:
            server: PostgresServer = request.getfixturevalue("pg_server")
            engine = server.engine_for(server.new_schema())
        made.append(engine)
        return Database(backend, engine, make_session_factory(engine))

    yield make
    for engine in made:
        engine.dispose()


@pytest.fixture
def db(backend: str, tmp_path: object, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A migrated, empty database of the backend under test."""
    yield from open_database(backend, tmp_path, request)


def open_database(backend: str, tmp_path: object, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A migrated, empty database: a file under ``tmp_path`` (SQLite), or the session's schema emptied."""
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path}/test.db")
        migrate(engine)
        yield Database("sqlite", engine, make_session_factory(engine))
        engine.dispose()
        return
    shared: Database = request.getfixturevalue("pg_migrated")
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with shared.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield shared


@pytest.fixture
def now() -> datetime:
    """A fixed, aware point in time."""
    return NOW


def make_template(text_body: str = "id: tdkt\nversion: '1'\n", template_id: str = "tdkt") -> Template:
    """A minimal template value whose digest is the SHA-256 of its text."""
    return Template(
        id=template_id,
        version="1",
        meta=Meta(title="Báo cáo tổng kết công tác thi đua, khen thưởng", subject="thi đua"),
        sections=(),
        text=text_body,
        digest=hashlib.sha256(text_body.encode()).hexdigest(),
    )


@dataclass
class Seed:
    """Ids of a small world: two units, a reporter, a campaign expecting both units."""

    unit_a: int
    unit_b: int
    person: int
    campaign: int


@pytest.fixture
def seed(db: Database, now: datetime) -> Seed:
    """Two units, a reporter of the first, one campaign expecting both, committed."""
    with db.uow() as uow:
        a = uow.units.add("Xã Khúc Thừa Dụ", now=now)
        b = uow.units.add("Xã Kiến Thụy", now=now)
        person = uow.people.get_or_create("telegram", "1001", "Nguyễn Văn A", now)
        uow.people.attach_unit(person, a.id)
        version = uow.templates.ensure(make_template(), now)
        campaign = uow.campaigns.create(version, "Tổng kết 2021–2025", date(2025, 8, 20), now, [a.id, b.id])
        uow.commit()
        return Seed(a.id, b.id, person.id, campaign.id)
