"""Benchmark: 200 simulated staff fill the shipped report at once over the fake Telegram Bot API, next to an
aiogram FSM form bot and a bare aiohttp echo loop on the same fake server.

Three bots, each in its own process, each long polling a fresh :class:`tests.fakes.telegram.FakeTelegram`
(no flood limits) that runs in this process with the simulated users:

- ``reportbot``: ``reportbot run --channel telegram`` as in production (polling, since ``REPORTBOT_PUBLIC_URL``
  is unset), on a fresh SQLite file seeded with ``--users`` units and invites (``tests.fakes.deployment.seed``),
  ``TELEGRAM_RATE=0 TELEGRAM_CHAT_RATE=0`` (no pacing: pacing is tested apart). Each user types
  ``/start CODE`` then sample 003's answers (``tests.fakes.deployment.script()``), to the receipt; every
  answer is committed before its reply (the runtime's inbox → cycle → outbox), which the benchmark checks
  afterwards in the database: every update kept and processed, every report submitted.
- ``aiogram``: an aiogram 3 ``Dispatcher`` with ``MemoryStorage`` and a 5-state FSM form (``/start``, five
  answers, a summary), repeated so each user makes about as many turns as a reportbot user. Keeps nothing.
- ``echo``: an aiohttp loop calling getUpdates / sendMessage directly: the ceiling of this set-up.

Users answer as soon as the first message of the reply arrives (``ScriptUser(think=0, after="first")``).
A run is one bot against a fresh server; configurations alternate (the order rotates per run), ``--runs``
runs each, medians printed. turns/s = replied lines / time from the first line to the last reply; latency =
from a line to the first message of its reply, as the user feels it. For reportbot the run also prints
what its ``/metrics`` say (updates per commit, time per turn) and each bot's CPU use (all its processes), and the
machine's load (``uptime``): the machine is shared.

Usage: ``python benchmarks/telegram_load.py [--users 200] [--runs 3] [--quick] [--bots reportbot,aiogram,echo]
[--profile FILE]`` (``--quick``: 30 users, 1 run; ``--profile``: reportbot's main thread under cProfile — the
database thread, where the runner's cycles run, is not seen by it).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BOTS = ("reportbot", "aiogram", "echo")
#: The baseline form: five questions, then a summary.
QUESTIONS = ("Q1: unit name?", "Q2: number of collectives?", "Q3: number of individuals?", "Q4: amount?",
             "Q5: comment?")
ANSWERS = ("Xã Khúc Thừa Dụ", "75", "650", "570 triệu", "Phong trào thi đua được triển khai sâu rộng.")
TICKS = os.sysconf("SC_CLK_TCK")
#: ``--profile FILE``: reportbot runs under cProfile and writes its statistics there (the last run's).
PROFILE: Path | None = None


# ---- the baselines (run in their own process: ``--serve aiogram|echo --api URL --token T``) ------------

async def serve_aiogram(api: str, token: str) -> None:
    """A 5-question aiogram FSM form bot, in-memory storage, long polling ``api``."""
    from aiogram import Bot, Dispatcher, Router
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.filters import CommandStart
    from aiogram.fsm.context import FSMContext
    from aiogram.fsm.state import State, StatesGroup
    from aiogram.fsm.storage.memory import MemoryStorage
    from aiogram.types import Message

    class Form(StatesGroup):
        q1 = State()
        q2 = State()
        q3 = State()
        q4 = State()
        q5 = State()

    states = [Form.q1, Form.q2, Form.q3, Form.q4, Form.q5]
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message, state: FSMContext) -> None:
        await state.set_state(Form.q1)
        await message.answer(QUESTIONS[0])

    def answer_handler(i: int) -> Any:
        async def handler(message: Message, state: FSMContext) -> None:
            await state.update_data({f"a{i}": message.text})
            if i + 1 < len(states):
                await state.set_state(states[i + 1])
                await message.answer(QUESTIONS[i + 1])
            else:
                data = await state.get_data()
                await state.clear()
                await message.answer("Done: " + "; ".join(str(data[f"a{n}"])[:40] for n in range(len(states))))
        return handler

    for i, st in enumerate(states):
        router.message.register(answer_handler(i), st)
    dp = Dispatcher(storage=MemoryStorage())
    dp.include_router(router)
    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api)))
    await dp.start_polling(bot, polling_timeout=10, handle_signals=True, allowed_updates=["message"])


async def serve_echo(api: str, token: str) -> None:
    """getUpdates in a loop; each text sent back with sendMessage (concurrently)."""
    from aiohttp import ClientSession, ClientTimeout, TCPConnector

    base = f"{api}/bot{token}/"
    tasks: set[asyncio.Task[None]] = set()
    async with ClientSession(connector=TCPConnector(limit=100), timeout=ClientTimeout(total=60)) as session:

        async def send(chat_id: int, text: str) -> None:
            async with session.post(base + "sendMessage", json={"chat_id": chat_id, "text": text}) as answer:
                await answer.read()

        offset = 0
        while True:
            async with session.post(base + "getUpdates", json={"offset": offset, "timeout": 10}) as answer:
                body = await answer.json()
            for update in body.get("result", []):
                offset = update["update_id"] + 1
                message = update.get("message") or {}
                if message.get("text"):
                    task = asyncio.create_task(send(message["chat"]["id"], message["text"]))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)


# ---- the driver -----------------------------------------------------------------------------------

@dataclass
class Run:
    """One bot's run against one fresh server."""

    bot: str
    users: int
    turns: int = 0
    seconds: float = 0.0
    p50: float = 0.0
    p99: float = 0.0
    cpu: float = 0.0  #: the bot's CPU seconds during the run (its processes: reportbot's database process too)
    load: str = ""
    statuses: dict[str, int] = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)  #: what went wrong (empty: all good)
    metrics: dict[str, float] = field(default_factory=dict)
    sent: int = 0  #: messages the bot sent

    @property
    def rate(self) -> float:
        return self.turns / self.seconds if self.seconds else 0.0


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a live process and its live descendants (reportbot's database process and
    document workers), and of the children they waited for."""
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stats[int(entry.name)] = (entry / "stat").read_text().rsplit(")", 1)[1].split()
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        fields = stats.get(current)
        if fields is None:
            continue
        total += sum(int(v) for v in fields[11:15])
        todo.extend(other for other, f in stats.items() if int(f[1]) == current)
    return total / TICKS


def _load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def _scrape(port: int) -> dict[str, float]:
    """reportbot's /metrics: updates per commit and time per turn (mean, and the bucket holding p50/p99)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
        text = answer.read().decode()
    out: dict[str, float] = {}
    for name in ("reportbot_batch_updates", "reportbot_turn_seconds", "reportbot_reply_seconds"):
        total = re.search(rf"^{name}_sum (\S+)$", text, re.M)
        count = re.search(rf"^{name}_count (\S+)$", text, re.M)
        if not (total and count) or float(count.group(1)) == 0:
            continue
        n = float(count.group(1))
        out[f"{name}_count"] = n
        out[f"{name}_mean"] = float(total.group(1)) / n
        buckets = [(float("inf") if le == "+Inf" else float(le), float(v))
                   for le, v in re.findall(rf'^{name}_bucket\{{le="([^"]+)"\}} (\S+)$', text, re.M)]
        for q in (0.5, 0.99):
            out[f"{name}_p{int(q * 100)}_le"] = next((le for le, v in buckets if v >= q * n), math.inf)
    return out


def _wait_http(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the bot exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"{url} did not answer")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _verify_reportbot(url: str, updates: int, users: int) -> list[str]:
    """Every update the users made is in the inbox and processed; every report submitted; replies sent."""
    from sqlalchemy import func, select

    from storage.db import make_engine, make_session_factory
    from storage.models import Inbox, Outbox, Report

    engine = make_engine(url)
    problems = []
    with make_session_factory(engine)() as session:
        kept = session.scalar(select(func.count()).select_from(Inbox).where(Inbox.channel == "telegram")) or 0
        done = session.scalar(select(func.count()).select_from(Inbox).where(Inbox.processed_at.is_not(None))) or 0
        submitted = session.scalar(select(func.count()).select_from(Report).where(Report.status == "submitted")) or 0
        unsent = session.scalar(select(func.count()).select_from(Outbox).where(Outbox.sent_at.is_(None))) or 0
        orphan = session.scalar(select(func.count()).select_from(Outbox).where(
            Outbox.turn.is_not(None), ~Outbox.turn.in_(select(Inbox.id).where(Inbox.processed_at.is_not(None))))) or 0
    engine.dispose()
    if kept != updates:
        problems.append(f"inbox holds {kept} updates, users made {updates}")
    if done != kept:
        problems.append(f"{kept - done} updates kept but not processed")
    if submitted != users:
        problems.append(f"{submitted} of {users} reports submitted")
    if unsent:
        problems.append(f"{unsent} replies never sent")
    if orphan:
        problems.append(f"{orphan} replies of unprocessed turns")
    return problems


async def one_run(bot: str, users: int, lines: list[str], work: Path, silence: float) -> Run:
    """``bot`` against a fresh fake server with ``users`` scripted users; the figures of the run."""
    from tests.fakes import deployment
    from tests.fakes.telegram import FakeTelegram, ScriptUser

    run = Run(bot, users)
    codes: list[str] = []
    db_url = ""
    if bot == "reportbot":
        db_url = f"sqlite:///{work}/reportbot-{time.monotonic_ns()}.db"
        codes = await asyncio.to_thread(deployment.seed, db_url, users)
    async with FakeTelegram(flood=None, record_calls=False) as server:
        log = work / f"{bot}-{time.monotonic_ns()}.err"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        port = 0
        if bot == "reportbot":
            port = deployment.free_port()
            env.update({"TELEGRAM_BOT_TOKEN": server.token, "TELEGRAM_API_URL": server.base_url,
                        "TELEGRAM_RATE": "0", "TELEGRAM_CHAT_RATE": "0", "REPORTBOT_DATABASE_URL": db_url,
                        "REPORTBOT_LISTEN": f"127.0.0.1:{port}", "REPORTBOT_LOG": str(work / "reportbot.log"),
                        # Turns are measured, not LibreOffice: no PDF after each receipt (benchmarks/export.py
                        # measures conversions).
                        "REPORTBOT_SOFFICE": str(work / "no-soffice")})
            env.pop("REPORTBOT_PUBLIC_URL", None)
            profile = ["-m", "cProfile", "-o", str(PROFILE)] if PROFILE else []
            command = [sys.executable, *profile, "-m", "bot", "run", "--channel", "telegram"]
        else:
            command = [sys.executable, str(Path(__file__).resolve()), "--serve", bot, "--api", server.base_url,
                       "--token", server.token]
        with open(log, "wb") as err:
            process = subprocess.Popen(command, cwd=work, env=env, stdout=err, stderr=err)
        try:
            if bot == "reportbot":
                await asyncio.to_thread(_wait_http, f"http://127.0.0.1:{port}/healthz", process, log)
            deadline = time.monotonic() + 60
            while server.methods["getupdates"] == 0:  # polling: ready
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{bot} never polled: {log.read_text(errors='replace')[-2000:]}")
                await asyncio.sleep(0.05)
            scripts = []
            for n in range(users):
                script = [f"/start {codes[n]}", *lines] if bot == "reportbot" else lines
                scripts.append(ScriptUser(10_000 + n, f"Cán bộ {n}", list(script), silence=silence))
            cpu0 = _cpu_seconds(process.pid)
            started = time.monotonic()
            server.add_users(scripts)
            run.statuses = await server.wait_done(timeout=silence * len(lines) + 60)
            last = max((u.reply_at for s in scripts for u in s.lines if u.reply_at is not None), default=started)
            run.seconds = last - started
            run.cpu = _cpu_seconds(process.pid) - cpu0
            run.load = _load()
            latencies = server.replies_latency("sent")
            run.turns = len(latencies)
            run.p50, run.p99 = _percentile(latencies, 0.50), _percentile(latencies, 0.99)
            run.sent = server.stats.sent
            if run.statuses.get("done", 0) != users:
                run.checks.append(f"users by status: {run.statuses}")
            if bot == "reportbot":
                await asyncio.sleep(0.5)  # the last replies' "sent" records
                run.metrics = await asyncio.to_thread(_scrape, port)
        finally:
            await asyncio.to_thread(_stop, process)
        if bot == "reportbot":
            run.checks += await asyncio.to_thread(_verify_reportbot, db_url, server.stats.updates, users)
        if process.returncode not in (0, -signal.SIGTERM):
            run.checks.append(f"{bot} exited with {process.returncode}")
    return run


def _baseline_lines(turns: int) -> list[str]:
    """The form (``/start`` and five answers) repeated to about ``turns`` lines."""
    form = ["/start", *ANSWERS]
    return form * max(1, round(turns / len(form)))


def _uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except OSError:
        return _load()


async def main(users: int, runs: int, silence: float, bots: tuple[str, ...] = BOTS) -> int:
    from tests.fakes import deployment

    report_lines = deployment.script()
    lines = {"reportbot": report_lines, "aiogram": _baseline_lines(len(report_lines) + 1),
             "echo": ["/start", *report_lines]}
    print(f"{users} users; turns per user: reportbot {len(report_lines) + 1}, aiogram {len(lines['aiogram'])}, "
          f"echo {len(lines['echo'])}; {runs} run(s) each, order rotating; {os.cpu_count()} cores")
    print(f"before: {_uptime()}")
    results: dict[str, list[Run]] = {bot: [] for bot in bots}
    with tempfile.TemporaryDirectory(prefix="tgload-") as tmp:
        for r in range(runs):
            order = bots[r % len(bots):] + bots[:r % len(bots)]
            for bot in order:
                run = await one_run(bot, users, lines[bot], Path(tmp), silence)
                results[bot].append(run)
                extra = ""
                if run.metrics:
                    m = run.metrics
                    extra = (f"; batch mean {m.get('reportbot_batch_updates_mean', 0):.1f} updates/commit, "
                             f"turn mean {m.get('reportbot_turn_seconds_mean', 0) * 1000:.0f} ms "
                             f"(p99 ≤ {m.get('reportbot_turn_seconds_p99_le', 0):g} s)")
                print(f"  run {r + 1} {bot:<9} {run.turns:>6} turns in {run.seconds:6.1f} s = {run.rate:7.0f} turns/s, "
                      f"p50 {run.p50 * 1000:6.0f} ms, p99 {run.p99 * 1000:6.0f} ms; bot CPU {run.cpu:5.1f} s "
                      f"({run.cpu / run.seconds if run.seconds else 0:.2f} cores), {run.sent / max(1, run.turns):.2f} "
                      f"msgs/turn; {run.load}{extra}"
                      + (f"  PROBLEMS: {'; '.join(run.checks)}" if run.checks else ""), flush=True)
    print(f"after: {_uptime()}")

    def med(bot: str, attr: str) -> float:
        return float(statistics.median(float(getattr(run, attr)) for run in results[bot]))

    print()
    print(f"{'bot':<10} {'turns/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'CPU cores':>10}   (medians of {runs} run(s))")
    for bot in bots:
        cores = statistics.median(run.cpu / run.seconds for run in results[bot] if run.seconds)
        print(f"{bot:<10} {med(bot, 'rate'):>9.0f} {med(bot, 'p50') * 1000:>8.0f} {med(bot, 'p99') * 1000:>8.0f} "
              f"{cores:>10.2f}")
    failed = [c for bot in bots for run in results[bot] for c in run.checks]
    print()
    if {"reportbot", "aiogram"} <= set(bots):
        ratio = med("reportbot", "rate") / med("aiogram", "rate")
        p99_ratio = med("reportbot", "p99") / med("aiogram", "p99")
        print(f"reportbot / aiogram turns/s: {ratio:.2f}×  (target ≥ 1.0×: {'met' if ratio >= 1.0 else 'NOT met'})")
        print(f"reportbot / aiogram p99:     {p99_ratio:.2f}×  "
              f"(target ≤ 1.0×: {'met' if p99_ratio <= 1.0 else 'NOT met'})")
    if {"reportbot", "echo"} <= set(bots):
        print(f"reportbot / echo turns/s:    {med('reportbot', 'rate') / med('echo', 'rate'):.2f}×")
    print("every answer committed before its reply, every report submitted: "
          + ("yes" if not failed else "NO: " + "; ".join(failed)))
    return 0 if not failed else 1


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="30 users, 1 run")
    parser.add_argument("--silence", type=float, default=120.0, help="seconds a user waits for a reply")
    parser.add_argument("--profile", type=Path, help="run reportbot under cProfile, statistics to this file")
    parser.add_argument("--bots", default=",".join(BOTS), help="which of reportbot,aiogram,echo to run")
    parser.add_argument("--serve", choices=("aiogram", "echo"), help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve = serve_aiogram if args.serve == "aiogram" else serve_echo
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(args.api, args.token))
        return 0
    global PROFILE
    PROFILE = args.profile.resolve() if args.profile else None
    users, runs = (30, 1) if args.quick else (args.users, args.runs)
    bots = tuple(b for b in BOTS if b in args.bots.split(","))
    return asyncio.run(main(users, runs, args.silence, bots or BOTS))


if __name__ == "__main__":
    sys.exit(cli())
