"""The web server of ``reportbot run``: the channels' webhooks, the signed download links, ``/healthz`` and
``/metrics`` in one aiohttp app, and graceful shutdown (stop intake, finish the batch, flush the senders)."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.channels.base import Channel
from bot.links import Downloads, add_download_route
from bot.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Webhook:
    """A channel's webhook: its path, and the header that must carry the secret (when one is set)."""

    channel: Channel
    path: str
    secret: str = ""
    header: str = ""
    #: A check of the raw request (headers, body) instead of a secret header: a signature (Zalo OA).
    verify: Callable[[Mapping[str, str], bytes], bool] | None = None


def make_app(runtime: Runtime, webhooks: Mapping[str, Webhook], downloads: Downloads | None = None
             ) -> web.Application:
    """The aiohttp application: one route per webhook, ``/healthz``, ``/metrics``, and the signed download links
    (:mod:`bot.links`) when ``downloads`` is given."""
    app = web.Application(client_max_size=2 * 1024 * 1024)
    for hook in webhooks.values():
        app.router.add_post(hook.path, _webhook_handler(runtime, hook))
    if downloads is not None:
        add_download_route(app, downloads.key, downloads.write, downloads.clock)

    async def healthz(request: web.Request) -> web.Response:
        ok = runtime.ready and runtime.healthy and not runtime.stopping
        body = {"ok": ok, "ready": runtime.ready, "stopping": runtime.stopping,
                "queued": sum(s.depth() for s in runtime.senders.values())}
        return web.json_response(body, status=200 if ok else 503)

    async def metrics(request: web.Request) -> web.Response:
        return web.Response(body=runtime.metrics.render(), content_type="text/plain", charset="utf-8")

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    return app


def _webhook_handler(runtime: Runtime, hook: Webhook) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handle(request: web.Request) -> web.Response:
        if hook.secret and not hmac.compare_digest(request.headers.get(hook.header, ""), hook.secret):
            return web.json_response({"ok": False}, status=401)
        if runtime.stopping:
            return web.json_response({"ok": False}, status=503)
        body = await request.read()
        if hook.verify is not None and not hook.verify(request.headers, body):
            return web.json_response({"ok": False}, status=401)
        try:
            raw = json.loads(body)
        except ValueError:
            return web.json_response({"ok": False}, status=400)
        update = hook.channel.parse(raw) if isinstance(raw, dict) else None
        if update is None:
            return web.json_response({"ok": True})
        try:
            await runtime.submit(update)
        except Exception:  # not kept: the provider sends it again
            return web.json_response({"ok": False}, status=500)
        return web.json_response({"ok": True})

    return handle


#: Work started with the server and stopped with it (a poller, a channel's start-up): given the runtime and
#: the event set when the server stops.
Background = Callable[[Runtime, asyncio.Event], Coroutine[Any, Any, None]]


async def serve(runtime: Runtime, webhooks: Mapping[str, Webhook], host: str, port: int,
                ready: asyncio.Event | None = None, background: Sequence[Background] = (),
                downloads: Downloads | None = None) -> None:
    """Serve until SIGTERM or SIGINT, then shut down gracefully."""
    app = make_app(runtime, webhooks, downloads)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port, backlog=1024, reuse_address=True)
    runtime.start()
    await site.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    tasks = [asyncio.create_task(work(runtime, stop)) for work in background]
    if ready is not None:
        ready.set()
    log.info("listening on %s:%s", host, port)
    await stop.wait()
    log.info("stopping: intake closed, finishing the batch, flushing the senders")
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await runtime.stop()
    await runner.cleanup()
