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


def test_the_database_address_a_worker_opens(tmp_path: Path) -> None:
    from storage.db import make_engine, make_session_factory

    on_disk = make_session_factory(make_engine(f"sqlite:///{tmp_path}/r.db"))
    assert documents.database_url(on_disk) == f"sqlite:///{tmp_path}/r.db"
    assert documents.database_url(make_session_factory(make_engine("sqlite://"))) is None  # in memory: not shared
    assert documents.database_url(None) is None
