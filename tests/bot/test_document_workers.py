"""Document worker processes: made from the database by its address, and gone once the bot is gone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot import documents

ROOT = Path(__file__).resolve().parents[2]
#: A bot process in miniature: starts one document worker the way the runtime does, says its pid, waits.
PARENT = """
import multiprocessing, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from bot import documents
pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                           initializer=documents.worker_start, initargs=(os.getpid(),))
print(pool.submit(os.getpid).result(timeout=120), flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] if Path(f"/proc/{pid}").exists() else ""
    return state != "Z"


def test_a_document_worker_ends_when_its_bot_is_killed_outright() -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        worker = int(parent.stdout.readline())
        assert worker != parent.pid and _alive(worker)
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
    deadline = time.monotonic() + 15
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(worker)


#: A parent whose worker only asks the kernel (its watching thread looks once a minute).
KERNEL_ONLY = PARENT.replace("initializer=documents.worker_start, initargs=(os.getpid(),)",
                             "initializer=documents.watch_parent, initargs=(os.getpid(), 60.0)")


def test_the_kernel_ends_a_worker_the_moment_its_bot_is_killed() -> None:
    """PR_SET_PDEATHSIG: a database process must not commit after its bot is gone (its replies would go twice)."""
    parent = subprocess.Popen([sys.executable, "-c", KERNEL_ONLY], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        worker = int(parent.stdout.readline())
        assert _alive(worker)
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
    deadline = time.monotonic() + 2  # far less than the thread's minute
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _alive(worker)


def test_a_document_worker_yields_to_the_turns() -> None:
    """Document workers run niced: 200 receipts at once must not hold up the replies."""
    parent = subprocess.Popen([sys.executable, "-c", PARENT], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        worker = int(parent.stdout.readline())
        nice = int(Path(f"/proc/{worker}/stat").read_text().rsplit(")", 1)[1].split()[16])
        mine = os.nice(0)
        assert nice == min(19, mine + documents.WORKER_NICE)
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)


def test_the_database_address_a_worker_opens(tmp_path: Path) -> None:
    from storage.db import make_engine, make_session_factory

    on_disk = make_session_factory(make_engine(f"sqlite:///{tmp_path}/r.db"))
    assert documents.database_url(on_disk) == f"sqlite:///{tmp_path}/r.db"
    assert documents.database_url(make_session_factory(make_engine("sqlite://"))) is None  # in memory: not shared
    assert documents.database_url(None) is None
