"""A deployment to drive over the loopback channel: a database with units, a campaign on the shipped report and
one invite per unit; simulated staff who join with their code and fill the report; workers as subprocesses
(``reportbot run --channel loopback``) that can be killed and restarted.

Used by the runtime tests, the kill test and ``benchmarks/runtime.py``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from dialogs.template.loader import load_shipped
from dialogs.template.model import Template
from storage.db import make_engine, make_session_factory, migrate
from storage.uow import UnitOfWork
from tests.chat import script_for
from tests.fakes.loopback import User

ROOT = Path(__file__).resolve().parents[2]
FACTS_003 = ROOT / "tests" / "data" / "sample_003_answers.yaml"
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
#: What the kill test counted, printed in the run's summary (``tests/bot/conftest.py``).
KILL_COUNTS: list[str] = []


def seed(url: str, units: int, *, deadline: date = date(2027, 1, 15), template: Template | None = None) -> list[str]:
    """Units «Xã Thử n», a campaign on the shipped report (or ``template``) for all of them, one reporter invite
    each; the codes."""
    engine = make_engine(url)
    migrate(engine)
    factory = make_session_factory(engine)
    codes = [f"KT{n:06d}" for n in range(units)]
    with UnitOfWork(factory) as uow:
        ids = [uow.units.add(f"Xã Thử {n}", now=NOW).id for n in range(units)]
        version = uow.templates.ensure(template or load_shipped(), NOW)
        campaign = uow.campaigns.create(version, "Báo cáo thử", deadline, NOW, ids)
        for code, unit_id in zip(codes, ids, strict=True):
            uow.invites.create(code, "reporter", unit_id, campaign.id, None, NOW)
        uow.commit()
    engine.dispose()
    return codes


def script(submit: bool = True) -> list[str]:
    """What a commune types to fill the shipped report with sample 003's facts."""
    facts = yaml.safe_load(FACTS_003.read_text(encoding="utf-8"))
    return script_for(load_shipped(), facts, submit=submit)


def users(codes: list[str], lines: list[str], *, silence: float = 30.0) -> list[User]:
    """One staff member per code: ``/start CODE``, then ``lines``."""
    return [User(str(1000 + n), str(1000 + n), f"Cán bộ {n}", [f"/start {code}", *lines], silence=silence)
            for n, code in enumerate(codes)]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Worker:
    """One ``reportbot run --channel loopback`` process on its own port."""

    url: str
    api: str
    workdir: Path
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    ready: bool = False

    @property
    def running(self) -> bool:
        """Whether it is up (started and answering, not killed)."""
        return self.process is not None and self.process.poll() is None and self.ready

    @property
    def webhook(self) -> str:
        """Its webhook URL."""
        return f"http://127.0.0.1:{self.port}/webhook/loopback"

    def start(self, timeout: float = 90.0) -> None:
        """Start it on a fresh port and wait until ``/healthz`` answers."""
        self.ready = False
        self.port = free_port()
        environment = {**os.environ, "REPORTBOT_DATABASE_URL": self.url, "LOOPBACK_API_URL": self.api,
                       "REPORTBOT_LISTEN": f"127.0.0.1:{self.port}", "REPORTBOT_LOG": str(self.workdir / "log"),
                       **self.env}
        log = open(self.workdir / f"worker-{self.port}.err", "wb")  # noqa: SIM115 - the child writes to it
        self.process = subprocess.Popen([sys.executable, "-m", "bot", "run", "--channel", "loopback"],
                                        cwd=self.workdir, env=environment, stdout=log, stderr=log)
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited: {(self.workdir / f'worker-{self.port}.err').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        self.ready = True
                        return
            except OSError:
                time.sleep(0.05)
        raise TimeoutError("the worker did not start")

    def kill(self) -> None:
        """SIGKILL: no goodbye, no flush."""
        self.ready = False
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM and wait for the graceful stop; its exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout)


def answers(url: str) -> dict[str, list[tuple[str, Any]]]:
    """Every stored answer row per unit name, in the order stored: (field, value)."""
    engine = make_engine(url)
    out: dict[str, list[tuple[str, Any]]] = {}
    with UnitOfWork(make_session_factory(engine)) as uow:
        names = {u.id: u.name for u in uow.units.all()}
        from storage.models import Answer

        for row in uow.session.query(Answer).order_by(Answer.id):
            out.setdefault(names[row.unit_id], []).append((row.field_id, row.value))
    engine.dispose()
    return out


def chat_rows(url: str, chat_id: str) -> list[str]:
    """What the database holds for one chat (its inbox and outbox rows), one line each: for a failing run's report."""
    from storage.models import Inbox, Outbox

    engine = make_engine(url)
    lines: list[str] = []
    with UnitOfWork(make_session_factory(engine)) as uow:
        for row in uow.session.query(Inbox).filter(Inbox.chat_id == chat_id).order_by(Inbox.id):
            text = row.payload.get("text") or row.payload.get("data") or ""
            lines.append(f"inbox #{row.id} update {row.update_id} {str(text)[:30]!r} processed={row.processed_at} "
                         f"aside={row.set_aside_at} attempts={row.attempts} error={row.last_error!r}")
        for row in uow.session.query(Outbox).filter(Outbox.chat_id == chat_id).order_by(Outbox.id):
            lines.append(f"outbox #{row.id} turn {row.turn} {row.payload.get('msgs')} sent={row.sent_at} "
                         f"lease={row.lease_owner}/{row.lease_until} superseded={row.superseded_at} "
                         f"gave_up={row.gave_up_at} attempts={row.attempts} not_before={row.not_before}")
    engine.dispose()
    return lines
