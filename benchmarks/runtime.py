"""Benchmark: the channel runtime end to end — simulated staff filling the shipped report through the loopback
fake channel, every answer committed before its reply — next to two baselines.

Each of ``--users`` staff members (one per unit, each with its own invite code) types ``/start CODE`` and then
the lines that fill the shipped report with sample 003's facts (:func:`tests.fakes.deployment.script`), sending
each line as soon as the previous one got its first reply. A *turn* is one line pushed, acknowledged and
answered. For each set-up it prints turns/s, the p50/p99 reply latency from the line's 200 to its reply (as
the fake measures it: :meth:`tests.fakes.loopback.LoopbackServer.replies_latency`), the p50/p99 from the line's
first push to its reply (what the user waits: a durable bot answers 200 only after its commit, so the 200→reply
figure leaves out the wait for the batch's commit) and the users' statuses:

- ``engine alone``: ``dialogs.conversation.engine.resume`` over the same scripts, state in memory (the ceiling);
- ``in-memory bot``: a bot process that runs the engine with state in a dict and replies through the same
  loopback adapter — the channel's HTTP cost without the database;
- ``sqlite ×1``, ``postgresql ×1``, ``postgresql ×3``: ``reportbot run --channel loopback`` subprocesses
  (:class:`tests.fakes.deployment.Worker`), the fake pushing each update to a random worker.

Every set-up gets a fresh fake server (and database). A user that did not finish (silent, error, still
running) makes the run fail. After each durable run the workers' ``/metrics`` are scraped (mean batch size,
mean cycle time seen by an update) and the database is checked (every report submitted, nothing left in the
inbox or the outbox). ``--profile`` adds a SQLite run whose worker profiles its database thread (cProfile
around each cycle, SQL statements counted): where the time of a turn goes.

Usage: ``python benchmarks/runtime.py [--users 200] [--batch 50] [--repeat 1] [--no-pg] [--quick] [--profile]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiohttp import web  # noqa: E402

from benchmarks.runner import DEFAULT_PG, percentile, pg_schema_url  # noqa: E402
from bot.channels.loopback import LoopbackChannel  # noqa: E402
from bot.envelopes import Outgoing  # noqa: E402
from bot.outbox import LIMITS, pack  # noqa: E402
from dialogs.conversation.engine import resume  # noqa: E402
from dialogs.conversation.report import Report, apply  # noqa: E402
from dialogs.events import Event, Pick, Start, Text  # noqa: E402
from dialogs.template.loader import load_shipped  # noqa: E402
from storage.db import make_engine, make_session_factory  # noqa: E402
from storage.uow import UnitOfWork  # noqa: E402
from tests.fakes.deployment import NOW, Worker, free_port, script, seed, users  # noqa: E402
from tests.fakes.loopback import PRESS, LoopbackServer  # noqa: E402

#: The issue's targets: durable turns/s on SQLite at least this share of the engine alone; p99 below this.
TARGET_RATIO, TARGET_P99 = 0.5, 0.250
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    """One set-up's run."""

    name: str
    turns: int
    expected: int
    elapsed: float
    latencies: list[float]
    #: Seconds from a line's first push to its reply: what the user waits (the commit's wait included).
    seen: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.turns / self.elapsed if self.elapsed else 0.0

    def line(self, engine: float | None, memory: float | None) -> str:
        p50, p99 = (percentile(self.latencies, q) * 1000 if self.latencies else float("nan") for q in (50, 99))
        seen = (f"  push→reply p50 {percentile(self.seen, 50) * 1000:6.1f} p99 {percentile(self.seen, 99) * 1000:6.1f}"
                if self.seen else "")
        ratios = "".join(f"  {self.rate / base:5.3f}× {label}" for label, base in (("engine", engine),
                                                                                     ("in-mem", memory)) if base)
        statuses = ",".join(f"{k}={v}" for k, v in sorted(self.statuses.items())) or "-"
        return (f"{self.name:<22} {self.turns:>6}/{self.expected:<6} turns {self.elapsed:7.1f} s {self.rate:>9.1f} "
                f"turns/s  200→reply p50 {p50:6.1f} p99 {p99:6.1f}{seen} ms  [{statuses}]{ratios}")


# ---- the engine alone ------------------------------------------------------------------------------------

def event_of(line: str) -> Event:
    """A script line as the engine's event (``/start CODE`` is the start: the runner takes the code)."""
    if line.startswith("/start"):
        return Start()
    if line.startswith(PRESS):
        return Pick(line[len(PRESS):])
    return Text(line)


def bench_engine(n: int, lines: list[str]) -> Result:
    """``resume`` over ``n`` users' scripts interleaved turn by turn, state and report in dicts."""
    template = load_shipped()
    script_events = [event_of(line) for line in ["/start", *lines]]
    states: dict[int, Any] = {}
    reports: dict[int, Report] = {}
    latencies: list[float] = []
    start = time.perf_counter()
    for event in script_events:
        for chat in range(n):
            t0 = time.perf_counter()
            report = reports.get(chat) or Report()
            step = resume(template, report, states.get(chat), event, NOW)
            states[chat], reports[chat] = step.state, apply(report, step.effects)
            latencies.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - start
    result = Result("engine alone", len(latencies), n * len(script_events), elapsed, latencies)
    submitted = sum(1 for r in reports.values() if r.submitted)
    result.statuses = {"submitted": submitted}
    if submitted != n:
        result.problems.append(f"engine alone: only {submitted} of {n} reports submitted")
    return result


# ---- the in-memory bot over the loopback channel (run as a subprocess of this script) -------------------

class MemoryBot:
    """The engine behind the loopback webhook, state in dicts, replies through :class:`LoopbackChannel`:
    the runtime's work without the database (each chat's replies in order, after the update's 200)."""

    def __init__(self, api: str) -> None:
        self.channel = LoopbackChannel(api)
        self.template = load_shipped()
        self.states: dict[str, Any] = {}
        self.reports: dict[str, Report] = {}
        self.seen: set[str] = set()
        self.tails: dict[str, asyncio.Task[None]] = {}
        self.next_id = 0

    async def webhook(self, request: web.Request) -> web.Response:
        update = self.channel.parse(await request.json())
        if update is None or update.update_id in self.seen:
            return web.json_response({"ok": True})
        self.seen.add(update.update_id)
        chat = update.chat_id
        event = event_of(update.event.text) if isinstance(update.event, Text) else update.event
        report = self.reports.get(chat) or Report()
        step = resume(self.template, report, self.states.get(chat), event, NOW)
        self.states[chat], self.reports[chat] = step.state, apply(report, step.effects)
        messages = []
        for payload in pack(step.effects, LIMITS.get("loopback", 4096)):
            self.next_id += 1
            messages.append(Outgoing.of(self.next_id, "loopback", chat, payload))
        self.tails[chat] = asyncio.create_task(self._send(self.tails.get(chat), messages))
        return web.json_response({"ok": True})

    async def _send(self, before: asyncio.Task[None] | None, messages: list[Outgoing]) -> None:
        if before is not None:
            await before
        await asyncio.sleep(0)  # the webhook's 200 goes first
        for message in messages:
            for _ in range(5):
                if type(await self.channel.send(message)).__name__ == "Sent":
                    break
                await asyncio.sleep(0.1)

    async def submitted(self, request: web.Request) -> web.Response:
        return web.json_response({"submitted": sum(1 for r in self.reports.values() if r.submitted)})


def serve_memory(port: int, api: str) -> None:
    """Run :class:`MemoryBot` on 127.0.0.1:port until killed; prints "ready" once it listens."""
    bot = MemoryBot(api)
    app = web.Application()
    app.router.add_post("/webhook/loopback", bot.webhook)
    app.router.add_get("/submitted", bot.submitted)

    async def serve() -> None:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port, backlog=1024).start()
        print("ready", flush=True)
        await asyncio.Event().wait()

    asyncio.run(serve())


# ---- measuring a run ---------------------------------------------------------------------------------------

def cpu_of(pid: int) -> float:
    """CPU seconds (user + system) a process used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICKS, sum(values) / TICKS


def scrape(port: int) -> dict[str, float]:
    """The sums and counts of the runtime's histograms on ``/metrics``."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
        body = answer.read().decode()
    out: dict[str, float] = {}
    for name in ("reportbot_turn_seconds", "reportbot_batch_updates", "reportbot_reply_seconds"):
        for part in ("sum", "count"):
            found = re.search(rf"^{name}_{part} (\S+)$", body, re.MULTILINE)
            out[f"{name}_{part}"] = float(found.group(1)) if found else 0.0
    return out


async def drive(name: str, n: int, lines: list[str], start: Callable[[str], list[str]],
                finish: Callable[[Result], None], timeout: float, silence: float) -> Result:
    """A fresh fake server; ``start(api_url)`` starts the bot side and returns its webhooks; run the users;
    ``finish(result)`` reads the bot side and stops it gracefully while the server still answers."""
    async with LoopbackServer(push_timeout=30.0) as server:
        server.set_webhooks(await asyncio.to_thread(start, server.base_url))
        team = users([f"KT{i:06d}" for i in range(n)], lines, silence=silence)
        cpu0, t0 = time.process_time(), time.perf_counter()
        server.add_users(team)
        problems = []
        try:
            statuses = await server.wait_done(timeout)
        except TimeoutError as exc:
            problems.append(f"{name}: {exc}")
            statuses = server.status_counts()
        elapsed = time.perf_counter() - t0
        fake_cpu = time.process_time() - cpu0
        latencies = server.replies_latency()
        result = Result(name, len(latencies), n * (len(lines) + 1), elapsed, latencies, statuses=statuses,
                        problems=problems)
        result.seen = [p.reply_at - p.first_at for chat in server.users for p in server.sent_updates(chat)
                       if p.reply_at is not None]
        unfinished = {k: v for k, v in statuses.items() if k != "done"}
        if unfinished:
            where = sorted({(u.status, u.silent_at) for u in server.users.values() if u.status != "done"},
                           key=str)[:5]
            result.problems.append(f"{name}: users not done {unfinished} (status, line): {where}")
        stats = server.stats
        if stats.early_replies or stats.http_400:
            result.problems.append(f"{name}: early replies {stats.early_replies}, bad sends {stats.http_400}")
        result.notes.append(f"fake server: {stats.pushed} pushes ({stats.retried_pushes} retried, "
                            f"{stats.push_http_errors} non-200), {stats.accepted} messages accepted; "
                            f"its CPU {fake_cpu:.1f} s = {fake_cpu / elapsed:.0%} of a core")
        await asyncio.to_thread(finish, result)
        return result


def check_database(url: str, n: int, result: Result) -> None:
    """Every report submitted; nothing waiting in the inbox, nothing unsent in the outbox."""
    engine = make_engine(url)
    with UnitOfWork(make_session_factory(engine)) as uow:
        submitted = sum(1 for r in uow.reports.for_campaign(1) if r.status == "submitted")
        waiting, unsent = uow.inbox.waiting(), uow.outbox.unsent_count()
    engine.dispose()
    result.notes.append(f"database: {submitted}/{n} reports submitted, inbox waiting {waiting}, outbox unsent {unsent}")
    if submitted != n or waiting or unsent:
        result.problems.append(f"{result.name}: {submitted}/{n} submitted, {waiting} waiting, {unsent} unsent")


PROFILE_HOOK = textwrap.dedent('''
    """Loaded by the benchmark's profiled worker only (RB_BENCH_PROFILE): times and profiles Runner.cycle."""
    import os
    if os.environ.get("RB_BENCH_PROFILE"):
        import atexit, cProfile, json, time
        from sqlalchemy import event
        from sqlalchemy.engine import Engine
        import bot.runner as _runner

        _out = os.environ["RB_BENCH_PROFILE"]
        _db = cProfile.Profile()  # the cycles run in one database thread
        _main = cProfile.Profile()
        _s = {"cycles": 0, "busy_cycles": 0, "handled": 0, "cycle_wall": 0.0, "cycle_cpu": 0.0,
              "busy_wall": 0.0, "statements": 0, "busy_statements": 0, "sql_wall": 0.0, "commit_wall": 0.0}
        _in_cycle = [False, 0]
        _kinds = {}

        @event.listens_for(Engine, "before_cursor_execute")
        def _before(conn, cursor, statement, parameters, context, executemany):
            conn.info["rb_t"] = time.perf_counter()
            _s["statements"] += 1
            _in_cycle[1] += 1
            _kinds[" ".join(statement.split())[:90]] = _kinds.get(" ".join(statement.split())[:90], 0) + 1

        @event.listens_for(Engine, "after_cursor_execute")
        def _after(conn, cursor, statement, parameters, context, executemany):
            _s["sql_wall"] += time.perf_counter() - conn.info.pop("rb_t", time.perf_counter())

        @event.listens_for(Engine, "commit")
        def _commit(conn):
            conn.info["rb_c"] = time.perf_counter()

        _original = _runner.Runner.cycle

        def _cycle(self, work):
            _in_cycle[1] = 0
            wall, cpu = time.perf_counter(), time.thread_time()
            _db.enable()
            try:
                result = _original(self, work)
            finally:
                _db.disable()
                took = time.perf_counter() - wall
                _s["cycles"] += 1
                _s["cycle_wall"] += took
                _s["cycle_cpu"] += time.thread_time() - cpu
            if result.handled:
                _s["busy_cycles"] += 1
                _s["handled"] += len(result.handled)
                _s["busy_wall"] += took
                _s["busy_statements"] += _in_cycle[1]
            return result

        _runner.Runner.cycle = _cycle
        _main.enable()

        def _dump():
            _main.disable()
            _s["process_cpu"] = time.process_time()
            _s["kinds"] = sorted(_kinds.items(), key=lambda kv: -kv[1])[:25]
            _db.dump_stats(_out + ".db.prof")
            _main.dump_stats(_out + ".main.prof")
            with open(_out + ".json", "w") as f:
                json.dump(_s, f)

        atexit.register(_dump)
''')


def print_profile(base: str, top: int = 12) -> None:
    """What the profiled worker's database thread and event loop spent their time on."""
    import pstats

    stats = json.loads(Path(base + ".json").read_text())
    handled = max(1, stats["handled"])
    print(f"  profiled worker: {stats['cycles']} cycles ({stats['busy_cycles']} with updates), "
          f"{stats['handled']} updates, mean batch {stats['handled'] / max(1, stats['busy_cycles']):.1f}")
    print(f"  database thread: {stats['cycle_wall']:.1f} s in cycles (CPU {stats['cycle_cpu']:.1f} s), "
          f"{stats['busy_wall'] / handled * 1000:.2f} ms of cycle per update, "
          f"{stats['busy_statements'] / handled:.1f} SQL statements per update, "
          f"{stats['sql_wall']:.1f} s in the driver's execute")
    print(f"  process CPU {stats['process_cpu']:.1f} s: the event loop and HTTP ≈ "
          f"{stats['process_cpu'] - stats['cycle_cpu']:.1f} s (profiling inflates both)")
    print("  -- SQL statements per update, by kind:")
    for statement, count in stats["kinds"]:
        print(f"     {count / handled:5.2f}  {statement}")
    for label, suffix in (("database thread (cycles)", ".db.prof"), ("main thread (event loop)", ".main.prof")):
        ps = pstats.Stats(base + suffix)
        rows = ps.stats.items()  # type: ignore[attr-defined]
        ours = [r for r in rows if any(d in r[0][0] for d in ("/bot/", "/storage/", "/dialogs/"))]
        for title, chosen, key in (("own time, all functions", list(rows), 2), ("cumulative, our code", ours, 3)):
            print(f"  -- {label}, by {title}:")
            for (filename, lineno, func), (_cc, nc, tt, ct, _callers) in sorted(
                    chosen, key=lambda kv: kv[1][key], reverse=True)[:top]:
                where = re.sub(r".*site-packages/", "", filename.replace(str(ROOT) + "/", ""))
                print(f"     {ct:7.2f} s cum {tt:7.2f} s own {nc:>8} calls  {where}:{lineno}({func})")


# ---- the set-ups -------------------------------------------------------------------------------------------

def note_workers(result: Result, metrics: list[dict[str, float]], cpu: list[float], busy: float) -> None:
    """What the workers' ``/metrics`` and CPU say about a run."""
    total = {k: sum(m[k] for m in metrics) for k in metrics[0]}
    batches = total["reportbot_batch_updates_count"]
    turn = total["reportbot_turn_seconds_sum"] / max(1, total["reportbot_turn_seconds_count"])
    reply = total["reportbot_reply_seconds_sum"] / max(1, total["reportbot_reply_seconds_count"])
    result.notes.append(f"/metrics: mean batch {total['reportbot_batch_updates_sum'] / max(1, batches):.1f} updates "
                        f"({batches:.0f} cycles with updates), mean cycle time seen by an update "
                        f"{turn * 1000:.1f} ms, mean reply (arrival → sent recorded) {reply * 1000:.1f} ms")
    result.notes.append("worker CPU " + ", ".join(f"{c:.1f} s = {c / result.elapsed:.0%}" for c in cpu)
                        + f" of a core; machine busy {busy:.0%} of its 2 cores (other engineers' work included)")


def run_durable(name: str, url: str, drop: Callable[[], None], n: int, lines: list[str], workers: int,
                batch: int, timeout: float, silence: float, profile: str | None = None) -> Result:
    """``workers`` × ``reportbot run`` on a database seeded for ``n`` units."""
    workdir = Path(tempfile.mkdtemp(prefix="rb-bench-rt-"))
    env = {"REPORTBOT_BATCH": str(batch)}
    if profile is not None:
        (workdir / "hook").mkdir()
        (workdir / "hook" / "sitecustomize.py").write_text(PROFILE_HOOK)
        env |= {"RB_BENCH_PROFILE": profile,
                "PYTHONPATH": os.pathsep.join([str(workdir / "hook"), os.environ.get("PYTHONPATH", "")])}
    team: list[Worker] = []
    cpu0: dict[int, float] = {}
    busy0: list[tuple[float, float]] = []

    def start(api: str) -> list[str]:
        for _ in range(workers):
            worker = Worker(url, api, workdir, env=dict(env))
            worker.start()
            team.append(worker)
        cpu0.update({w.process.pid: cpu_of(w.process.pid) for w in team if w.process})  # after start-up
        busy0.append(machine_busy())
        return [w.webhook for w in team]

    def finish(result: Result) -> None:
        busy1 = machine_busy()
        metrics = [scrape(w.port) for w in team]
        cpu = [cpu_of(w.process.pid) - cpu0[w.process.pid] for w in team if w.process]
        note_workers(result, metrics, cpu, (busy1[0] - busy0[0][0]) / (busy1[1] - busy0[0][1]))
        for worker in team:  # gracefully, while the fake still answers: the senders flush
            worker.terminate()
        team.clear()

    try:
        seed(url, n)
        result = asyncio.run(drive(name, n, lines, start, finish, timeout, silence))
        check_database(url, n, result)
        return result
    finally:
        for worker in team:
            worker.kill()
        drop()
        shutil.rmtree(workdir, ignore_errors=True)


def run_memory(n: int, lines: list[str], timeout: float, silence: float) -> Result:
    """The in-memory bot (a subprocess, like a worker) over a fresh fake server."""
    port = free_port()
    holder: list[subprocess.Popen[bytes]] = []

    def start(api: str) -> list[str]:
        process = subprocess.Popen([sys.executable, __file__, "--serve-memory", str(port), api],
                                   cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        holder.append(process)
        assert process.stdout is not None
        if process.stdout.readline().strip() != b"ready":
            raise RuntimeError("the in-memory bot did not start")
        holder.append(cpu_of(process.pid))  # type: ignore[arg-type]
        return [f"http://127.0.0.1:{port}/webhook/loopback"]

    def finish(result: Result) -> None:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/submitted", timeout=5) as answer:
            submitted = json.loads(answer.read())["submitted"]
        cpu = cpu_of(holder[0].pid) - float(holder[1])  # type: ignore[arg-type]
        result.notes.append(f"bot CPU {cpu:.1f} s = {cpu / result.elapsed:.0%} of a core; "
                            f"{submitted}/{n} reports submitted")
        if submitted != n:
            result.problems.append(f"in-memory bot: {submitted}/{n} reports submitted")

    try:
        return asyncio.run(drive("in-memory bot", n, lines, start, finish, timeout, silence))
    finally:
        if holder:
            holder[0].kill()
            holder[0].wait(10)


def main() -> None:
    """Run every set-up and print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--batch", type=int, default=50, help="REPORTBOT_BATCH of the workers")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each set-up (the machine is shared)")
    parser.add_argument("--pg", default=os.environ.get("REPORTBOT_TEST_POSTGRES_URL", DEFAULT_PG))
    parser.add_argument("--no-pg", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--quick", action="store_true", help="50 users (a smoke test)")
    parser.add_argument("--profile", action="store_true", help="add a profiled SQLite run (not in the table)")
    parser.add_argument("--only", default="", help="comma-separated set-ups to run: memory,sqlite,pg1,pg3")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds a set-up may take")
    parser.add_argument("--serve-memory", nargs=2, metavar=("PORT", "API"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_memory:
        serve_memory(int(args.serve_memory[0]), args.serve_memory[1])
        return
    n = 50 if args.quick else args.users
    lines = script()
    only = set(filter(None, args.only.split(","))) or {"memory", "sqlite", "pg1", "pg3"}
    if args.no_pg:
        only -= {"pg1", "pg3"}
    silence = 30.0
    print(f"{n} users × {len(lines) + 1} lines (the shipped report, sample 003), batch {args.batch}; "
          f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} on {os.cpu_count()} cores")
    tmp = Path(tempfile.mkdtemp(prefix="rb-bench-rt-db-"))
    results: list[Result] = []
    engine = bench_engine(n, lines)
    results.append(engine)
    memory: Result | None = None
    setups: list[tuple[str, str, int]] = []
    if "memory" in only:
        setups.append(("memory", "in-memory bot", 0))
    if "sqlite" in only:
        setups.append(("sqlite", "sqlite ×1", 1))
    if "pg1" in only:
        setups.append(("pg", "postgresql ×1", 1))
    if "pg3" in only:
        setups.append(("pg", "postgresql ×3", 3))
    for repeat in range(args.repeat):
        for kind, name, workers in setups:
            label = name if args.repeat == 1 else f"{name} #{repeat + 1}"
            print(f"... {label} (load {os.getloadavg()[0]:.2f})", flush=True)
            if kind == "memory":
                result = run_memory(n, lines, args.timeout, silence)
            else:
                if kind == "sqlite":
                    url, drop = f"sqlite:///{tmp}/bench-{repeat}.db", (lambda: None)
                else:
                    url, drop = pg_schema_url(args.pg)
                result = run_durable(label, url, drop, n, lines, workers, args.batch, args.timeout, silence)
            result.name = label
            results.append(result)
            if kind == "memory" and memory is None:
                memory = result
    print()
    print(engine.line(None, None))
    for result in results[1:]:
        print(result.line(engine.rate, memory.rate if memory and result.name != memory.name else None))
    print()
    for result in results[1:]:
        for note in result.notes:
            print(f"  {result.name}: {note}")
    if args.profile:
        print("\n... profiled run: sqlite ×1 (its figures are not in the table: profiling slows it)", flush=True)
        base = str(tmp / "profile")
        profiled = run_durable("sqlite ×1 profiled", f"sqlite:///{tmp}/profile.db", lambda: None, n, lines, 1,
                               args.batch, args.timeout, silence, profile=base)
        print(f"  {profiled.line(engine.rate, None)}")
        print_profile(base)
        results.append(profiled)
    print()
    sqlite = [r for r in results if r.name.startswith("sqlite ×1") and "profiled" not in r.name and r.latencies]
    if sqlite:
        best = max(sqlite, key=lambda r: r.rate)
        ratio = best.rate / engine.rate
        p99 = max(percentile(r.latencies, 99) for r in sqlite)
        seen = max(percentile(r.seen, 99) for r in sqlite)
        print(f"target: durable turns/s on SQLite ≥ {TARGET_RATIO}× the engine alone (best run): {ratio:.3f}× — "
              f"{'met' if ratio >= TARGET_RATIO else 'NOT MET'}"
              + (f" (in-memory bot over the channel: {memory.rate / engine.rate:.3f}× the engine; SQLite "
                 f"{best.rate / memory.rate:.3f}× it)" if memory else ""))
        print(f"target: p99 reply latency < {TARGET_P99 * 1000:.0f} ms (SQLite, worst run): 200→reply "
              f"{p99 * 1000:.1f} ms — {'met' if p99 < TARGET_P99 else 'NOT MET'}; push→reply (the user's wait, "
              f"the commit before the 200 included) {seen * 1000:.1f} ms — {'met' if seen < TARGET_P99 else 'NOT MET'}")
    problems = [p for r in results for p in r.problems]
    shutil.rmtree(tmp, ignore_errors=True)
    if problems:
        print("\nFAILED:")
        for problem in problems:
            print(f"  {problem}")
        sys.exit(1)


if __name__ == "__main__":
    main()
