"""The runner's tests use the storage tests' databases (SQLite and PostgreSQL), and ``anydb`` adds the fake.

``anydb`` runs one test body on the in-memory :class:`~tests.fakes.uow.FakeStore`, on SQLite and on
PostgreSQL: the fake keeps the fast suite honest, the real databases pin the guarantees.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.fakes.uow import FakeDatabase, FakeStore
from tests.storage.dbfixtures import backend, db, now, open_database, pg_migrated, pg_server  # noqa: F401


@pytest.fixture(params=["fake", "sqlite", "postgresql"])
def anydb(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[Any]:
    """An empty store of each kind: the fake, SQLite, PostgreSQL (``.uow()``, ``.session_factory``)."""
    if request.param == "fake":
        yield FakeDatabase(FakeStore())
        return
    yield from open_database(str(request.param), tmp_path, request)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the kill test's counts (lost, twice, duplicates, silent) whatever the capture mode."""
    from tests.fakes.deployment import KILL_COUNTS

    if KILL_COUNTS:
        terminalreporter.write_sep("-", "kill test")
        for line in KILL_COUNTS:
            terminalreporter.write_line(line)
