"""The database process: the runner's cycles (and its other transactions) in a process of their own.

The bot's process then keeps the channels (polling, webhooks, senders) and this one the engine and the
database, each on its own core: in one process the two share one interpreter lock and each waits for the other.
The runtime (:mod:`bot.runtime`) sends it what a transaction needs (a :class:`bot.runner.Cycle`) and gets back
what it did, pickled; the process is spawned (a fork of a threaded process could inherit held locks), opens
the database by its address, and ends as soon as the bot's process is gone.
"""

from __future__ import annotations

import gc
from datetime import timedelta
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
