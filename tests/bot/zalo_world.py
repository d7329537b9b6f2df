"""In-process deployments over the fake Zalo servers: a SQLite database seeded with a campaign and invites,
the real adapters (Zalo Bot Platform by polling or webhook, Zalo OA by signed webhook, and the loopback
channel for "another channel"), the real runtime and its web app on a free port (webhooks and the signed
download links of the Bot Platform's documents)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.channels import zalo_bot
from bot.channels.base import Channel
from bot.channels.loopback import LoopbackChannel
from bot.channels.telegram import TelegramChannel
from bot.channels.zalo_bot import ZaloBotChannel
from bot.channels.zalo_oa import ZaloOAChannel
from bot.channels.zalo_tokens import OATokens
from bot.config import Settings
from bot.links import Downloads, Links, link_key, services_writer
from bot.pacing import Limits
from bot.runner import Runner
from bot.runtime import Runtime
from bot.server import Webhook, make_app
from bot.services import Services
from storage.db import make_engine, make_session_factory
from storage.uow import UnitOfWork
from tests.fakes.deployment import free_port, seed
from tests.fakes.loopback import LoopbackServer
from tests.fakes.telegram import FakeTelegram
from tests.fakes.zalo_bot import ZaloBotServer
from tests.fakes.zalo_oa import ZaloOAServer

BOT_SECRET = "zalo-webhook-secret-42"


def clock() -> datetime:
    """The deployment's clock."""
    return datetime.now().astimezone()


@dataclass
class Fakes:
    """The fake providers of a deployment (they outlive a restart of the bot)."""

    bot: ZaloBotServer
    oa: ZaloOAServer
    loopback: LoopbackServer


@dataclass
class ZaloWorld:
    """What a Zalo test drives and reads."""

    fakes: Fakes
    runtime: Runtime
    codes: list[str]
    url: str
    port: int
    channels: dict[str, Any] = field(default_factory=dict)

    def hook(self, name: str) -> str:
        """A webhook URL of the running app."""
        return f"http://127.0.0.1:{self.port}/webhook/{name}"

    def uow(self) -> UnitOfWork:
        """A unit of work on the deployment's database."""
        return self.runtime.runner.uow()


@asynccontextmanager
async def fakes(**bot: Any) -> AsyncIterator[Fakes]:
    """The three fake providers, running."""
    async with ZaloBotServer(**bot) as zb, ZaloOAServer() as oa, LoopbackServer() as lb:
        yield Fakes(zb, oa, lb)


def oa_channel(oa: ZaloOAServer, url: str, *, first: bool = True) -> ZaloOAChannel:
    """The OA adapter against the fake, its tokens in the database at ``url`` (seeded from the fake's pair)."""
    tokens = OATokens(lambda: make_session_factory(make_engine(url)), "zalo-oa",
                      first_access=oa.access if first else "", first_refresh=oa.refresh if first else "",
                      clock=clock)
    return ZaloOAChannel(app_id=oa.app_id, app_secret=oa.app_secret, secret_key=oa.secret_key, tokens=tokens,
                         api_url=oa.base_url, oauth_url=oa.base_url)


@asynccontextmanager
async def world(tmp_path: Path, fx: Fakes, units: int = 2, *, poll: bool = True, seeded: bool = False,
                telegram: FakeTelegram | None = None) -> AsyncIterator[ZaloWorld]:
    """A running deployment on all three channels (the Zalo bot polling, or on its webhook), and Telegram (long
    polling ``telegram``) when given; stopped at the end."""
    url = f"sqlite:///{tmp_path}/zalo.db"
    codes = [f"KT{n:06d}" for n in range(units)] if seeded else seed(url, units)
    engine = make_engine(url)
    port = free_port()
    key = link_key(fx.bot.token)
    zalo = ZaloBotChannel(fx.bot.token, fx.bot.base_url, poll_gap=0,
                          links=Links(f"http://127.0.0.1:{port}", key, clock))
    services = Services(Settings.model_validate({"REPORTBOT_DATABASE_URL": url}))
    oa = oa_channel(fx.oa, url)
    loopback = LoopbackChannel(fx.loopback.base_url)
    channels: dict[str, Channel] = {zalo.name: zalo, oa.name: oa, loopback.name: loopback}
    tg = TelegramChannel(telegram.token, telegram.base_url) if telegram is not None else None
    if tg is not None:
        channels[tg.name] = tg
    runner = Runner(make_session_factory(engine), clock)
    runtime = Runtime(runner, channels, limits={name: Limits() for name in channels}, batch=20)
    hooks = {zalo.name: Webhook(zalo, "/webhook/zalo", BOT_SECRET, zalo_bot.SECRET_HEADER),
             oa.name: Webhook(oa, "/webhook/zalo-oa", verify=oa.verify),
             loopback.name: Webhook(loopback, "/webhook/loopback")}
    site_runner = web.AppRunner(make_app(runtime, hooks, Downloads(key, services_writer(services))),
                                access_log=None)
    await site_runner.setup()
    await web.TCPSite(site_runner, "127.0.0.1", port).start()
    runtime.start()
    fx.loopback.set_webhooks([f"http://127.0.0.1:{port}/webhook/loopback"])
    stop = asyncio.Event()
    pollers = [asyncio.create_task(zalo.poll(runtime.submit, timeout=1, stop=stop))] if poll else []
    if tg is not None:
        await tg.start()
        pollers.append(asyncio.create_task(tg.poll(runtime.submit, timeout=1, stop=stop)))
    try:
        yield ZaloWorld(fx, runtime, codes, url, port, dict(channels))
    finally:
        stop.set()
        for poller in pollers:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller
        await runtime.stop()
        await site_runner.cleanup()
        oa.tokens.close()
        services.engine.dispose()
        engine.dispose()


async def until(condition: Any, timeout: float = 20.0) -> None:
    """Wait until ``condition()`` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.05)


def submitted(w: ZaloWorld) -> int:
    """How many reports are submitted."""
    with w.uow() as uow:
        from storage.models import Report

        return uow.session.query(Report).filter(Report.status == "submitted").count()
