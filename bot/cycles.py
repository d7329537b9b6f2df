"""The database process: the runner's cycles (and its other transactions) in a process of their own.

The bot's process then keeps the channels (polling, webhooks, senders) and this one the engine and the
database, each on its own core: in one process the two share one interpreter lock and each waits for the other.
The runtime (:mod:`bot.runtime`) sends it what a transaction needs (a :class:`bot.runner.Cycle`) down a pipe and
reads back what it did, pickled, in its event loop as it comes (:class:`DatabaseProcess`: no helper threads
between the two, which each wait for the interpreter lock of a busy process); the process is spawned (a fork of
a threaded process could inherit held locks), opens the database by its address, and ends as soon as the bot's
process is gone.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import pickle
import signal
from collections import deque
from datetime import timedelta
from multiprocessing.connection import Connection
from typing import Any

from bot import documents, faults
from bot.runner import CycleResult, Runner

#: When the cyclic garbage collector runs (``gc.set_threshold``): after 10,000 new container objects instead
#: of CPython's 700. A turn makes thousands (ORM rows, the engine's state, HTTP objects), most freed by
#: reference counting; collecting every 700 cost about a fifth of a turn's CPU (benchmarks/telegram_load.py).
GC_THRESHOLD = (10_000, 10, 10)
#: What the runtime may ask of the database process (the runner's methods of that name).
CALLS = frozenset({"cycle", "remind", "warm", "stats", "forget"})

_runner: Runner | None = None
log = logging.getLogger(__name__)


class Lost(Exception):
    """The database process is gone (killed, out of memory, failed to start) and did not answer."""


class DatabaseProcess:
    """The bot's side of the database process: transactions sent down a pipe and run there one at a time, in
    the order sent; each answer read by the event loop when it arrives."""

    def __init__(self, url: str, owner: str, lease: float, parent: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self.process = context.Process(target=serve, args=(child, url, owner, lease, parent), name="reportbot-db",
                                       daemon=True)
        self.process.start()
        child.close()
        self._waiting: deque[asyncio.Future[Any]] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.lost = False

    def call(self, name: str, *args: Any) -> asyncio.Future[Any]:
        """Send the runner's method ``name`` with ``args``; its result (or its exception, or :class:`Lost`)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        if not self.lost and self._loop is None:
            self._loop = loop
            loop.add_reader(self._conn.fileno(), self._readable)
        if not self.lost:
            try:
                self._conn.send_bytes(pickle.dumps((name, args), protocol=pickle.HIGHEST_PROTOCOL))
            except OSError:
                self._lose()
            else:
                self._waiting.append(future)
                return future
        future.set_exception(Lost(name))
        return future

    def _readable(self) -> None:
        try:
            ok, value = pickle.loads(self._conn.recv_bytes())
        except (EOFError, OSError):
            self._lose()
            return
        future = self._waiting.popleft()
        if future.done():  # given up on meanwhile
            return
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)

    def _lose(self) -> None:
        """The process is gone: every transaction still waiting fails, the process is reaped."""
        if self.lost:
            return
        self.lost = True
        if self._loop is not None:
            self._loop.remove_reader(self._conn.fileno())
        while self._waiting:
            future = self._waiting.popleft()
            if not future.done():
                future.set_exception(Lost("database process gone"))
        self._conn.close()
        self.process.join(1)  # it ended (killed, or failed to start): reaped; else it is ended here
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)

    def close(self, timeout: float = 10.0) -> None:
        """End the process once it has done what it was sent (it reads the end of the pipe and stops)."""
        if self.lost:
            return
        self.lost = True
        if self._loop is not None:
            self._loop.remove_reader(self._conn.fileno())
        self._conn.close()
        self.process.join(timeout)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)


def serve(conn: Connection, url: str, owner: str, lease: float, parent: int) -> None:
    """The database process: start, then run what comes down the pipe, one transaction at a time, until the
    pipe ends. Ctrl-C and SIGTERM are the bot's to handle (it stops gracefully, then closes the pipe)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        start(url, owner, lease, parent)
    except Exception as exc:  # the bot sees the pipe end, and starts another after a pause
        log.error("database process could not start: %s", type(exc).__name__)
        return
    while True:
        try:
            name, args = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            reply: tuple[bool, Any] = (True, call(name, *args))
        except Exception as exc:  # the bot's to handle (a database error: the cycle is done again)
            reply = (False, exc)
        try:
            payload = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an exception (or a result) that cannot be pickled: its words then
            failed = exc if reply[0] else reply[1]
            payload = pickle.dumps((False, RuntimeError(f"{type(failed).__name__}: {failed}")))
        try:
            conn.send_bytes(payload)
        except OSError:  # the bot has gone, or closed the pipe without waiting for this
            return


def start(url: str, owner: str, lease: float, parent: int) -> None:
    """The database process's start: the runner on the database at ``url``, holding leases as ``owner``
    (the bot's own name for them), the time read as the bot reads it (``REPORTBOT_TZ``)."""
    from bot.config import Settings
    from storage.db import make_engine, make_session_factory

    global _runner
    documents.watch_parent(parent)
    faults.within(parent)
    gc.set_threshold(*GC_THRESHOLD)
    _runner = Runner(make_session_factory(make_engine(url)), Settings().now, owner=owner,
                     lease=timedelta(seconds=lease))


def call(name: str, *args: Any) -> Any:
    """Run the runner's method ``name`` here; a cycle's result comes back without what only tests read (the
    effects, the answers kept for the next turn), so that little is pickled."""
    if _runner is None or name not in CALLS:
        raise RuntimeError(f"the database process cannot {name!r}")
    result = getattr(_runner, name)(*args)
    if isinstance(result, CycleResult):
        for handled in result.handled:
            handled.effects, handled.answers = [], None
    return result
