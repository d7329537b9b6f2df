"""``reportbot run``: the bot on its channels, with webhooks, ``/healthz`` and ``/metrics`` on ``REPORTBOT_LISTEN``."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import hmac
import logging
import sys

import typer

from bot.channels.base import Channel
from bot.channels.loopback import SECRET_HEADER, LoopbackChannel
from bot.channels.telegram import SECRET_HEADER as TELEGRAM_SECRET
from bot.channels.telegram import TelegramChannel
from bot.channels.zalo_bot import SECRET_HEADER as ZALO_SECRET
from bot.channels.zalo_bot import ApiError, ZaloBotChannel
from bot.channels.zalo_oa import oa_channel
from bot.cli.app import app, h
from bot.config import Settings
from bot.cycles import GC_THRESHOLD
from bot.links import Downloads, Links, link_key, services_writer
from bot.pacing import Limits
from bot.runner import Runner
from bot.runtime import Runtime
from bot.server import Background, Webhook, serve
from bot.services import Services
from dialogs.errors import ConfigError
from dialogs.messages import t

#: The channels of ``--channel`` this version can run (Telegram and Zalo come with their issues).
KNOWN = ("telegram", "zalo", "zalo-oa", "loopback", "all")


@app.command(help=h("run"))
def run(
    channel: str = typer.Option("all", "--channel", help=h("opt_channel")),
) -> None:
    """Run the bot on its channels (webhooks, /healthz and /metrics on REPORTBOT_LISTEN)."""
    settings = Settings()
    channels, webhooks, limits, background = _channels(settings, channel.strip().lower())
    services = Services(settings)
    downloads = _downloads(settings, channels, services)
    runner = Runner(services.session_factory, settings.now)
    host, port = settings.host_port()
    _log_to_stderr()
    gc.set_threshold(*GC_THRESHOLD)

    async def main() -> None:
        runtime = Runtime(runner, channels, limits=limits, batch=settings.batch, inbox_days=settings.inbox_days,
                          document_workers=settings.document_workers, cycle_process=settings.db_process)
        ready = asyncio.Event()
        task = asyncio.create_task(serve(runtime, webhooks, host, port, ready, background, downloads))
        await ready.wait()
        typer.echo(t("bot.run.listening", channels=", ".join(channels), listen=settings.listen), err=True)
        await task

    asyncio.run(main())
    typer.echo(t("bot.run.stopped"), err=True)


def _channels(settings: Settings, name: str) -> tuple[dict[str, Channel], dict[str, Webhook], dict[str, Limits],
                                                     list[Background]]:
    """The channels to run for ``--channel NAME``, their webhooks, flood limits and background work."""
    channels: dict[str, Channel] = {}
    webhooks: dict[str, Webhook] = {}
    limits: dict[str, Limits] = {}
    background: list[Background] = []
    if name == "telegram" or (name == "all" and settings.telegram_bot_token):
        if not settings.telegram_bot_token:
            raise ConfigError(msg="bot.cli.telegram_needs_token")
        telegram = TelegramChannel(settings.telegram_bot_token, settings.telegram_api_url)
        channels[telegram.name] = telegram
        limits[telegram.name] = Limits(settings.telegram_rate, settings.telegram_chat_rate,
                                       settings.telegram_chat_burst)
        secret = webhook_secret(settings.telegram_bot_token)
        if settings.public_url:
            webhooks[telegram.name] = Webhook(telegram, "/webhook/telegram", secret, TELEGRAM_SECRET)
        background.append(_telegram_work(telegram, settings.public_url, secret))
    if name == "zalo" or (name == "all" and settings.zalo_bot_token):
        if not settings.zalo_bot_token:
            raise ConfigError(msg="bot.cli.zalo_needs_token")
        zalo = ZaloBotChannel(settings.zalo_bot_token, settings.zalo_api_url)
        channels[zalo.name] = zalo
        limits[zalo.name] = Limits(settings.zalo_rate, settings.zalo_chat_rate, 1)
        zalo_secret = webhook_secret(settings.zalo_bot_token)
        if settings.public_url:
            webhooks[zalo.name] = Webhook(zalo, "/webhook/zalo", zalo_secret, ZALO_SECRET)
        background.append(_zalo_work(zalo, settings.public_url, zalo_secret))
    if name == "zalo-oa" or (name == "all" and settings.zalo_oa_app_id):
        oa = oa_channel(settings)
        channels[oa.name] = oa
        limits[oa.name] = Limits(settings.zalo_oa_rate)
        webhooks[oa.name] = Webhook(oa, "/webhook/zalo-oa", verify=oa.verify)
    if name == "loopback" or (name == "all" and settings.loopback_api_url):
        if not settings.loopback_api_url:
            raise ConfigError(msg="bot.cli.loopback_needs_url")
        loopback = LoopbackChannel(settings.loopback_api_url)
        channels[loopback.name] = loopback
        webhooks[loopback.name] = Webhook(loopback, "/webhook/loopback", settings.loopback_secret, SECRET_HEADER)
        limits[loopback.name] = Limits(settings.loopback_rate, settings.loopback_chat_rate,
                                       settings.loopback_chat_burst)
    if name not in ("loopback", "telegram", "zalo", "zalo-oa", "all") or not channels:
        raise ConfigError(msg="bot.cli.channel_unavailable" if name in KNOWN else "bot.cli.no_channel",
                          channel=name)
    return channels, webhooks, limits, background


def _downloads(settings: Settings, channels: dict[str, Channel], services: Services) -> Downloads | None:
    """The signed download links of the Zalo Bot Platform (its documents), served at ``REPORTBOT_PUBLIC_URL``
    with a key derived from the bot's token (every worker of a deployment signs and checks alike)."""
    zalo = channels.get("zalo")
    if not isinstance(zalo, ZaloBotChannel) or not settings.public_url:
        return None
    key = link_key(settings.zalo_bot_token)
    zalo.links = Links(settings.public_url, key, settings.now)
    return Downloads(key, services_writer(services))


def webhook_secret(token: str) -> str:
    """The webhook secret of a bot: derived from its token, so every process of a deployment agrees on it.

    >>> len(webhook_secret("123:abc")), webhook_secret("123:abc") == webhook_secret("123:abc")
    (64, True)
    """
    return hmac.new(token.encode(), b"reportbot webhook", hashlib.sha256).hexdigest()


def _telegram_work(telegram: TelegramChannel, public_url: str, secret: str) -> Background:
    """Start the bot (name, command menu); then set the webhook, or poll until the server stops."""

    async def work(runtime: Runtime, stop: asyncio.Event) -> None:
        await telegram.start()
        if public_url:
            await telegram.set_webhook(public_url.rstrip("/") + "/webhook/telegram", secret)
            return
        await telegram.poll(runtime.submit, stop=stop)

    return work


def _zalo_work(zalo: ZaloBotChannel, public_url: str, secret: str) -> Background:
    """Set the webhook, or poll until the server stops (getUpdates fails while a webhook is set)."""

    async def work(runtime: Runtime, stop: asyncio.Event) -> None:
        if public_url:
            await zalo.set_webhook(public_url.rstrip("/") + "/webhook/zalo", secret)
            return
        with contextlib.suppress(ApiError):
            await zalo.delete_webhook()
        await zalo.poll(runtime.submit, stop=stop)

    return work


def _log_to_stderr() -> None:
    """Operations log on standard error as key=value lines (never a token, a code or an answer's text)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("ts=%(asctime)s level=%(levelname)s logger=%(name)s msg=\"%(message)s\""))
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
