"""Benchmark: simulated conversations through the runner on SQLite and PostgreSQL, next to the engine alone.

Each conversation is one commune's staff member (200 chats on 200 different units, each joining with its
own invite code) filling the test template ``tests/dialogs/templates/mini.yaml`` (every field type);
conversations are interleaved turn by turn as concurrent chats would be. For each set-up
it prints turns/s and the p50/p99 time per update:

- ``engine``: ``dialogs.conversation.engine.resume`` alone, state kept in memory (the ceiling);
- ``<db> commit/update``: the runner, one committed transaction per update (its replies go to the outbox,
  claimed), then the replies are sent (and marked sent in the next transaction);
- ``<db> group commit``: the runner, the next update of ``--batch`` different chats in one commit
  (each still atomic in its savepoint, no reply before its commit), then delivery.

Usage: ``python benchmarks/runner.py [--conversations 200] [--batch 20] [--pg URL] [--no-pg]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bot.runner import Outgoing, Runner, Update  # noqa: E402
from dialogs.conversation.engine import resume  # noqa: E402
from dialogs.conversation.report import Report, apply  # noqa: E402
from dialogs.events import Event, Start, Text  # noqa: E402
from dialogs.template.loader import load_template  # noqa: E402
from dialogs.template.model import Template  # noqa: E402
from storage.db import make_engine, make_session_factory, migrate  # noqa: E402
from storage.uow import UnitOfWork  # noqa: E402

TEMPLATE = ROOT / "tests" / "dialogs" / "templates" / "mini.yaml"
NOW = datetime(2025, 8, 10, 2, 0, tzinfo=UTC)
def script(n: int) -> list[str]:
    """What the n-th commune types: the same answers in shape, each chat's own words and figures (so that
    no cache sees the same text twice)."""
    return [
        f"Đơn vị số {n} đã ban hành kế hoạch thi đua.", "xong", f"Nguyen Van An {n}", f"{n % 28 + 1}/8/2025",
        f"Ke hoach so {n + 1}/KH-UBND ngay 29/12/2023", "bay muoi lam" if n % 2 else str(70 + n), str(650 + n),
        f"{500 + n}tr", f"{n % 100},5%", f"{n % 10},5", str(n % 3 + 1), "giao duc, y te", "co",
        f"Nguyễn Thị Bình {n}", "Giáo viên", f"Giáo viên dạy giỏi cấp tỉnh năm {2000 + n}", "khong", "bo qua",
        f"Nguyễn Đình Biểu {n}", "nop", "dong y",
    ]
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def events(n: int = 0, invite: bool = False) -> list[Event]:
    """The n-th conversation's events: the start (``/start CODE`` with ``invite``), then every scripted line."""
    return [Text(f"/start {code(n)}") if invite else Start()] + [Text(line) for line in script(n)]


def code(n: int) -> str:
    """The invite code of the n-th commune."""
    return f"BENCH{n:05d}"


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0–100) of ``samples``."""
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def report(name: str, latencies: list[float], elapsed: float, baseline: float | None) -> float:
    """Print one line of figures and return turns/s."""
    rate = len(latencies) / elapsed
    ratio = f"  {rate / baseline:5.2f}× engine" if baseline else ""
    print(f"{name:<28} {len(latencies):>6} turns  {rate:>9.0f} turns/s  "
          f"p50 {statistics.median(latencies) * 1000:7.2f} ms  p99 {percentile(latencies, 99) * 1000:7.2f} ms{ratio}")
    return rate


def bench_engine(template: Template, conversations: int) -> tuple[list[float], float]:
    """The engine alone, every conversation's state kept in a dict."""
    states: dict[int, Any] = {}
    reports: dict[int, Report] = {}
    latencies: list[float] = []
    scripts = [events(chat) for chat in range(conversations)]
    start = time.perf_counter()
    for turn in range(len(scripts[0])):
        for chat in range(conversations):
            event = scripts[chat][turn]
            t0 = time.perf_counter()
            report = reports.get(chat) or Report()
            step = resume(template, report, states.get(chat), event, NOW)
            states[chat], reports[chat] = step.state, apply(report, step.effects)
            latencies.append(time.perf_counter() - t0)
    return latencies, time.perf_counter() - start


def setup(url: str, template: Template, conversations: int) -> tuple[Runner, Callable[[], None]]:
    """A migrated database with one campaign and ``conversations`` units; the runner and a clean-up."""
    engine = make_engine(url)
    migrate(engine)
    factory = make_session_factory(engine)
    with UnitOfWork(factory) as uow:
        version = uow.templates.ensure(template, NOW)
        units = [uow.units.add(f"Xã Thử Nghiệm {i}", now=NOW).id for i in range(conversations)]
        campaign = uow.campaigns.create(version, "Thử", date(2025, 8, 20), NOW, units)
        for i, unit_id in enumerate(units):
            uow.invites.create(code(i), "reporter", unit_id, campaign.id, None, NOW)
        uow.commit()
    runner = Runner(factory, lambda: NOW)
    return runner, engine.dispose


def bench_runner(runner: Runner, conversations: int, batch: int) -> tuple[list[float], float]:
    """Updates of ``conversations`` chats through the runner, ``batch`` chats per commit, then delivery."""
    sent: list[Outgoing] = []
    latencies: list[float] = []
    scripts = [events(chat, invite=True) for chat in range(conversations)]
    counter = 0
    start = time.perf_counter()
    for turn in range(len(scripts[0])):
        for first in range(0, conversations, batch):
            updates = []
            for chat in range(first, min(first + batch, conversations)):
                counter += 1
                updates.append(Update("console", str(counter), f"chat{chat}", f"user{chat}", scripts[chat][turn]))
            t0 = time.perf_counter()
            runner.send_replies(runner.process_batch(updates), sent.append)
            took = time.perf_counter() - t0
            latencies.extend([took] * len(updates))
    runner.flush()
    elapsed = time.perf_counter() - start
    assert len(sent) >= conversations * len(scripts[0]), "every update must produce a delivered reply"
    with runner.uow() as uow:
        submitted = sum(1 for r in uow.reports.for_campaign(1) if r.status == "submitted")
    assert submitted == conversations, f"only {submitted} of {conversations} reports were submitted"
    return latencies, elapsed


def pg_schema_url(base: str) -> tuple[str, Callable[[], None]]:
    """A fresh schema on the PostgreSQL server; its URL and a function that drops it."""
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    schema = f"rb_bench_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()

    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), drop


def main() -> None:
    """Run every set-up and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--batch", type=int, default=20, help="chats per commit in the group-commit run")
    parser.add_argument("--pg", default=os.environ.get("REPORTBOT_TEST_POSTGRES_URL", DEFAULT_PG))
    parser.add_argument("--no-pg", action="store_true", help="skip PostgreSQL")
    args = parser.parse_args()
    template = load_template(TEMPLATE)
    n = args.conversations
    print(f"{n} conversations × {len(events())} updates (mini template, every field type); "
          f"group commit = {args.batch} chats per commit")
    latencies, elapsed = bench_engine(template, n)
    baseline = report("engine alone (in memory)", latencies, elapsed, None)
    backends: list[tuple[str, Callable[[], tuple[str, Callable[[], None]]]]] = []
    tmp = tempfile.mkdtemp(prefix="rb-bench-")
    backends.append(("sqlite", lambda: (f"sqlite:///{tmp}/bench.db", lambda: None)))
    if not args.no_pg:
        backends.append(("postgresql", lambda: pg_schema_url(args.pg)))
    for name, make in backends:
        for label, batch in (("commit/update", 1), ("group commit", args.batch)):
            url, drop = make()
            if name == "sqlite":
                url = f"sqlite:///{tmp}/bench-{batch}.db"
            try:
                runner, dispose = setup(url, template, n)
                latencies, elapsed = bench_runner(runner, n, batch)
                report(f"{name} {label}", latencies, elapsed, baseline)
                dispose()
            finally:
                drop()


if __name__ == "__main__":
    main()
