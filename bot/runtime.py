"""The runtime: channels' updates in, replies out, the engine and the database in between.

Async at the edges (webhooks, pollers, senders), synchronous in the middle: one database process
(:mod:`bot.cycles`, or else a thread of this process) runs *cycles* (:meth:`bot.runner.Runner.cycle`) — each
one transaction that records what the senders did, keeps the updates that arrived meanwhile (their webhooks are
answered 200 only after that commit), processes the oldest waiting update of up to ``batch`` chats, and takes due
messages for sending. A cycle that fails on the database is retried after a pause; its webhooks get 500 and the
provider sends again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from bot import cycles, documents
from bot.channels.base import Channel
from bot.delivery import Decision
from bot.envelopes import Outgoing, Update
from bot.metrics import Metrics
from bot.pacing import Limits
from bot.runner import Cycle, CycleResult, Runner
from bot.sender import Sender

log = logging.getLogger(__name__)

#: How often due messages are taken from the database (other processes' leftovers, notices, retries).
CLAIM_EVERY = 0.25
#: How often the runtime looks for waiting updates when nothing arrives: a cycle that brings no new update
#: and follows one that processed none looks in the inbox only this often (other processes' leftovers,
#: updates kept before a restart); otherwise every cycle does.
IDLE = 0.1
#: How often the gauges (outbox depth and age, inbox waiting) are read, and old inbox rows dropped.
STATS_EVERY = 5.0
#: How often due reminders are claimed, how many at most each time (the senders pace them), and how often the
#: open campaigns are planned again (also at start).
REMIND_EVERY = 1.0
REMIND_BATCH = 50
PLAN_EVERY = 600.0
#: How many cycles the database holds beyond the one whose result is being dealt with, while there is more to do.
DEPTH = 2
CLEAN_EVERY = 3600.0


class Unavailable(Exception):
    """The runtime cannot take updates now (stopping, or the database failed): answer 503/500."""


@dataclass
class _Pending:
    """What waits for the next cycle."""

    updates: list[tuple[Update, asyncio.Future[None], float]] = field(default_factory=list)
    records: list[tuple[Outgoing, Decision, str, asyncio.Future[None]]] = field(default_factory=list)


@dataclass
class _Begun:
    """A cycle sent to the database, and what to do once it is done."""

    work: Cycle
    updates: list[tuple[Update, asyncio.Future[None], float]]
    records: list[tuple[Outgoing, Decision, str, asyncio.Future[None]]]
    started: float
    process: bool
    database: cycles.DatabaseProcess | None  #: where it went (None: the database thread)
    future: asyncio.Future[Any]


class Runtime:
    """Runs cycles and senders for a set of channels in one process."""

    def __init__(self, runner: Runner, channels: Mapping[str, Channel], *, limits: Mapping[str, Limits],
                 batch: int = 50, metrics: Metrics | None = None, inbox_days: float = 7,
                 document_workers: int = 0, cycle_process: bool = False) -> None:
        self.runner = runner
        self.channels = dict(channels)
        self.batch = batch
        self.metrics = metrics or Metrics()
        self.inbox_days = inbox_days
        self.senders = {name: Sender(channel, self._record, limits=limits.get(name, Limits()), clock=runner.clock,
                                     metrics=self.metrics, lease=runner.lease, documents=self._document)
                        for name, channel in self.channels.items()}
        self._pending = _Pending()
        self._wake = asyncio.Event()
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reportbot-db")
        #: LibreOffice runs one conversion at a time (each takes a core and a few hundred MB for seconds).
        self._converting = asyncio.Semaphore(1)
        #: Documents are made in processes of their own when the database can be opened from another process:
        #: a .docx takes tens of milliseconds of Python (a compiled report, seconds), which in the database
        #: thread would hold up every chat's turn.
        address = documents.database_url(runner.session_factory)
        self._database_url = address if document_workers else None
        self._document_workers = document_workers
        self._makers: ProcessPoolExecutor | None = None
        #: The database process (:mod:`bot.cycles`) where the runner's transactions run when asked for and the
        #: database can be opened from another process; None: in the database thread.
        self._cycle_url = address if cycle_process else None
        self._cycles: cycles.DatabaseProcess | None = None
        self._task: asyncio.Task[None] | None = None
        self._arrived: dict[int, float] = {}
        self.stopping = False
        self._closing = False
        #: Updates the last cycle processed (0: it found none waiting).
        self._processed = 0
        self.healthy = True
        #: Whether a cycle has committed since the start (templates loaded, leftovers taken): /healthz says
        #: ready only then, so that a proxy or a supervisor sends work to a process that can do it.
        self.ready = False
        self._last = {"claim": 0.0, "renew": 0.0, "stats": 0.0, "clean": time.monotonic(), "remind": 0.0,
                      "plan": -PLAN_EVERY, "take": 0.0}

    # ---- intake -----------------------------------------------------------------------------------
    async def submit(self, update: Update) -> None:
        """Keep an update durably; returns once it is committed (the webhook may then answer 200)."""
        if self.stopping:
            raise Unavailable("stopping")
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.updates.append((update, future, time.monotonic()))
        self._wake.set()
        await future

    async def _record(self, message: Outgoing, decision: Decision, reason: str) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.records.append((message, decision, reason, future))
        self._wake.set()
        await future

    async def _document(self, spec: dict[str, Any]) -> tuple[str, bytes]:
        """Make a document in the database thread (the stored report as it is now); a PDF is then converted
        from it in a thread of its own, one at a time, never holding up the database thread."""
        factory = self.runner.session_factory
        if factory is None:
            raise Unavailable("no database to make documents from")
        loop = asyncio.get_running_loop()
        made: tuple[str, bytes] | None = None
        if self._makers is not None and self._database_url is not None:  # (both set together)
            try:
                made = await loop.run_in_executor(self._makers, documents.render_at, self._database_url, spec)
            except BrokenProcessPool:  # a worker died (killed, out of memory): start again, make this one here
                log.warning("document worker lost; starting another")
                self._makers.shutdown(wait=False, cancel_futures=True)
                self._makers = self._start_makers()
        if made is None:
            made = await loop.run_in_executor(self._db, documents.render, factory, spec)
        if not documents.is_pdf(spec):
            return made
        async with self._converting:
            return await asyncio.to_thread(documents.to_pdf, *made)

    # ---- the loop ---------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the cycle loop (the senders start with their first message), the database process and the
        document workers."""
        self._makers = self._start_makers()
        self._cycles = self._start_cycles()
        self._task = asyncio.create_task(self._loop())

    def _start_cycles(self) -> cycles.DatabaseProcess | None:
        """The database process (spawned, like the document workers), its runner holding leases under this
        runner's name."""
        if self._cycle_url is None:
            return None
        return cycles.DatabaseProcess(self._cycle_url, self.runner.owner, self.runner.lease.total_seconds(),
                                      os.getpid())

    async def _transaction(self, name: str, *args: Any) -> Any:
        """The runner's method ``name`` (one transaction) in the database process, or else the database thread."""
        return await self._outcome(*self._submit(name, *args))

    def _submit(self, name: str, *args: Any) -> tuple[cycles.DatabaseProcess | None, asyncio.Future[Any]]:
        """Send the runner's method ``name`` to the database process (or thread) now; where it went and its
        future. Transactions run one at a time, in the order sent."""
        process = self._cycles
        if process is None:
            return None, asyncio.get_running_loop().run_in_executor(self._db, getattr(self.runner, name), *args)
        return process, process.call(name, *args)

    async def _outcome(self, process: cycles.DatabaseProcess | None, future: asyncio.Future[Any]) -> Any:
        """What a transaction sent by :meth:`_submit` did.

        A database process that died (killed, out of memory) is replaced (once, however many transactions were
        sent to it); the transaction fails like one the database refused (nothing of it is known to have been
        kept: it is done again).
        """
        try:
            return await future
        except cycles.Lost as exc:
            if process is not None and process is self._cycles:
                log.warning("database process lost; starting another")
                self._cycles = self._start_cycles()
            raise Unavailable("database process lost") from exc

    def _start_makers(self) -> ProcessPoolExecutor | None:
        """The document worker processes (spawned: a fork of this threaded process could inherit held locks),
        each importing what it needs at once."""
        if self._database_url is None:  # no workers asked for, or a database only this process can open
            return None
        makers = ProcessPoolExecutor(max_workers=self._document_workers,
                                     mp_context=multiprocessing.get_context("spawn"),
                                     initializer=documents.worker_start, initargs=(os.getpid(),))
        makers.submit(documents.warm)  # started now, not with the first receipt
        return makers

    async def _warm(self) -> None:
        """Load the open campaigns' templates before the first cycle (its turns then take no longer than any)."""
        try:
            await self._transaction("warm")
        except Exception as exc:  # the first cycle loads what it needs anyway
            log.warning("warm-up failed: %s", type(exc).__name__)

    async def stop(self, timeout: float = 10.0) -> None:
        """Stop taking updates, process what was taken, let the senders flush, record it all, stop.

        Whatever is left after ``timeout`` stays in the database (updates waiting, messages leased) and is
        taken up by another process, or by this one when it starts again.
        """
        self.stopping = True
        self._wake.set()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            quiet = not self._pending.updates and not self._pending.records and self._processed == 0
            if quiet and all(sender.depth() == 0 for sender in self.senders.values()):
                break
        self._closing = True
        self._wake.set()
        if self._task is not None:
            await self._task
        for sender in self.senders.values():
            await sender.stop()
        if self._makers is not None:
            self._makers.shutdown(wait=True, cancel_futures=True)
        if self._cycles is not None:
            self._cycles.close()
        self._db.shutdown(wait=True)

    async def _loop(self) -> None:
        """Cycle after cycle, two deep while there is more to do: when a cycle's result comes back, the next one
        is already in the database and the one after it is sent before this result is dealt with (replies
        offered, webhooks answered), so that the database never waits for this process."""
        await self._warm()
        pause = 0.05
        sent: deque[_Begun] = deque()  # cycles in the database, oldest first
        while True:
            if not sent:
                closing = self._closing
                if closing and not self._pending.updates and not self._pending.records:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), IDLE)
                self._wake.clear()
                sent.append(self._begin(process=not closing))
            begun = sent.popleft()
            try:
                result = await self._outcome(begun.database, begun.future)
            except Exception as exc:
                self._abandon(begun, exc)
                self.healthy = False
                self.metrics.errors.labels(type(exc).__name__).inc()
                log.error("cycle failed: %s (retrying in %.2f s)", type(exc).__name__, pause)
                await asyncio.sleep(pause)
                pause = min(5.0, pause * 2)
                continue
            self.healthy, pause = True, 0.05
            self._processed = len(result.handled)
            more = len(result.handled) >= self.batch or bool(self._pending.updates or self._pending.records)
            while more and not self._closing and len(sent) < DEPTH:
                sent.append(self._begin(process=True))
            await self._finish(begun, result)
            if not more and (self._pending.updates or self._pending.records):
                self._wake.set()

    def _begin(self, *, process: bool) -> _Begun:
        """Send a cycle to the database: what arrived since the last one, the senders' records, the heads to
        process (``process``), due messages to take now and then, leases to renew."""
        now = time.monotonic()
        updates, self._pending.updates = self._pending.updates, []
        records, self._pending.records = self._pending.records, []
        look = bool(updates) or self._processed > 0 or self.stopping or now - self._last["take"] >= IDLE
        work = Cycle(updates=[u for u, _, _ in updates], limit=self.batch if process and look else 0)
        if work.limit:
            self._last["take"] = now
        for message, decision, reason, _ in records:
            if decision.sent:
                work.sent.append((message.id, decision.provider_id))
            else:
                work.failures.append((message.id, decision, reason))
        if process and now - self._last["claim"] >= CLAIM_EVERY:
            work.claim, self._last["claim"] = tuple(self.channels), now
        if now - self._last["renew"] >= self.runner.lease.total_seconds() / 3:
            work.renew = [i for sender in self.senders.values() for i in sender.held()]
            self._last["renew"] = now
        database, future = self._submit("cycle", work)
        return _Begun(work, updates, records, now, process, database, future)

    def _abandon(self, begun: _Begun, exc: BaseException) -> None:
        """A cycle that failed: its webhooks are answered 500, its records go with the next cycle."""
        for _, future, _ in begun.updates:
            if not future.done():
                future.set_exception(Unavailable(type(exc).__name__))
        self._pending.records[:0] = begun.records  # recorded by the next cycle that commits

    async def _finish(self, begun: _Begun, result: CycleResult) -> None:
        """After a cycle committed: answer its webhooks, offer its replies (older claimed messages first), note
        the figures; then reminders and gauges now and then."""
        took = time.monotonic() - begun.started
        for (update, future, arrived), inbox_id in zip(begun.updates, result.inbox_ids, strict=True):
            outcome = "duplicate" if inbox_id is None else "kept"
            self.metrics.updates.labels(update.channel, outcome).inc()
            if inbox_id is not None:
                self._arrived[inbox_id] = arrived
            if not future.done():
                future.set_result(None)
        for message, decision, _, future in begun.records:
            if decision.sent and message.turn is not None:
                arrived = self._arrived.pop(message.turn, -1.0)
                if arrived >= 0:
                    self.metrics.reply.observe(time.monotonic() - arrived)
            if not future.done():
                future.set_result(None)
        if result.handled:
            self.metrics.batch.observe(len(result.handled))
        for message in result.claimed:  # older than this cycle's replies, and queued before them
            self.senders[message.channel].offer([message])
        for handled in result.handled:
            self.metrics.turn.observe(took)
            if handled.outgoing:
                self.senders[handled.update.channel].offer(handled.outgoing)
        self.ready = True
        if result.renewed_until is not None:
            for sender in self.senders.values():
                sender.renewed(begun.work.renew, result.renewed_until)
        if len(self._arrived) > 100_000:
            self._arrived.clear()
        if begun.process:
            await self._remind(begun.started)
        await self._housekeeping(begun.started)

    async def _remind(self, now: float) -> None:
        """Claim due reminders now and then (a failure is logged and tried again later: updates go on)."""
        if now - self._last["remind"] < REMIND_EVERY:
            return
        self._last["remind"] = now
        plan = now - self._last["plan"] >= PLAN_EVERY
        try:
            queued = await self._transaction("remind", REMIND_BATCH, plan)
        except Exception as exc:
            self.metrics.errors.labels(type(exc).__name__).inc()
            log.error("reminders failed: %s (trying again in %.0f s)", type(exc).__name__, REMIND_EVERY)
            return
        if plan:
            self._last["plan"] = now
        if queued:
            self._last["claim"] = 0.0  # take them for sending in the next cycle
            self._wake.set()

    async def _housekeeping(self, now: float) -> None:
        """Gauges now and then; old inbox rows dropped once an hour."""
        if now - self._last["stats"] >= STATS_EVERY:
            self._last["stats"] = now
            depth, age, waiting = await self._transaction("stats")
            self.metrics.outbox_depth.set(depth)
            self.metrics.outbox_age.set(age)
            self.metrics.inbox_waiting.set(waiting)
        if now - self._last["clean"] >= CLEAN_EVERY:
            self._last["clean"] = now
            dropped = await self._transaction("forget", self.inbox_days)
            log.info("inbox: %s old rows dropped", dropped)
