"""The database process's pipe: answers in the order sent, its errors brought back, its death noticed at once."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest

from bot import cycles
from tests.fakes import deployment


@pytest.fixture
def url(tmp_path: Path) -> str:
    address = f"sqlite:///{tmp_path}/db.sqlite"
    deployment.seed(address, 2)
    return address


async def test_transactions_come_back_in_order_and_errors_as_themselves(url: str) -> None:
    process = cycles.DatabaseProcess(url, "test-owner", 15.0, os.getpid())
    try:
        first, refused, second = (process.call("stats"), process.call("drop tables"), process.call("stats"))
        depth, age, waiting = await asyncio.wait_for(first, 60)
        assert (depth, waiting) == (0, 0) and age >= 0
        with pytest.raises(RuntimeError, match="cannot 'drop tables'"):
            await asyncio.wait_for(refused, 10)
        assert await asyncio.wait_for(second, 10) == (depth, age, waiting)  # still answered, in order
        assert await asyncio.wait_for(process.call("forget", 7.0), 10) == 0
    finally:
        process.close()
    assert not process.process.is_alive()
    with pytest.raises(cycles.Lost):  # closed: nothing more is sent
        await process.call("stats")


async def test_a_killed_process_fails_what_waits_at_once(url: str) -> None:
    process = cycles.DatabaseProcess(url, "test-owner", 15.0, os.getpid())
    try:
        await asyncio.wait_for(process.call("warm"), 60)
        assert process.process.pid is not None
        os.kill(process.process.pid, signal.SIGKILL)
        with pytest.raises(cycles.Lost):
            await asyncio.wait_for(process.call("stats"), 10)
        assert process.lost and not process.process.is_alive()
    finally:
        process.close()


async def test_a_database_error_comes_back_and_the_process_goes_on(tmp_path: Path) -> None:
    from sqlalchemy.exc import OperationalError

    process = cycles.DatabaseProcess(f"sqlite:///{tmp_path}/missing/dir/db.sqlite", "o", 15.0, os.getpid())
    try:
        with pytest.raises(OperationalError):
            await asyncio.wait_for(process.call("stats"), 60)
        assert process.process.is_alive() and not process.lost
    finally:
        process.close()


async def test_a_process_that_cannot_start_ends_by_itself() -> None:
    process = cycles.DatabaseProcess("nosuchdatabase://nowhere", "o", 15.0, os.getpid())
    try:
        with pytest.raises(cycles.Lost):
            await asyncio.wait_for(process.call("stats"), 60)
    finally:
        process.close()
    assert process.process.exitcode == 0  # it said why (in the log) and ended: no traceback
