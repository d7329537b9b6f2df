"""An in-process deployment for the runtime's tests: a SQLite database seeded with a campaign and invites, the
loopback fake provider, and the real runtime (cycles, senders, webhook app) on a free port."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.channels.loopback import SECRET_HEADER, LoopbackChannel
from bot.pacing import Limits
from bot.runner import Runner
from bot.runtime import Runtime
from bot.server import Webhook, make_app
from storage.db import make_engine, make_session_factory
from storage.uow import UnitOfWork
from tests.fakes.deployment import free_port, seed
from tests.fakes.loopback import LoopbackServer


@dataclass
class World:
    """What a runtime test drives and reads."""

    server: LoopbackServer
    runtime: Runtime
    codes: list[str]
    url: str
    webhook: str

    def uow(self) -> UnitOfWork:
        """A unit of work on the deployment's database."""
        return self.runtime.runner.uow()


@asynccontextmanager
async def world(tmp_path: Path, units: int = 3, *, limits: Limits = Limits(), secret: str = "",
                cycle_process: bool = False, **server: Any) -> AsyncIterator[World]:
    """A running deployment; stopped gracefully at the end."""
    url = f"sqlite:///{tmp_path}/runtime.db"
    codes = seed(url, units)
    engine = make_engine(url)
    async with LoopbackServer(secret=secret or None, **server) as fake:
        channel = LoopbackChannel(fake.base_url)
        runner = Runner(make_session_factory(engine), lambda: datetime.now().astimezone())
        runtime = Runtime(runner, {channel.name: channel}, limits={channel.name: limits}, batch=20,
                          cycle_process=cycle_process)
        app = make_app(runtime, {channel.name: Webhook(channel, "/webhook/loopback", secret, SECRET_HEADER)})
        site_runner = web.AppRunner(app, access_log=None)
        await site_runner.setup()
        port = free_port()
        await web.TCPSite(site_runner, "127.0.0.1", port, backlog=1024).start()
        runtime.start()
        webhook = f"http://127.0.0.1:{port}/webhook/loopback"
        fake.set_webhooks([webhook])
        try:
            yield World(fake, runtime, codes, url, webhook)
        finally:
            await runtime.stop()
            await site_runner.cleanup()
            engine.dispose()
