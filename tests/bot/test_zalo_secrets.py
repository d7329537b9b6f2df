"""No log line, metric or recorded error of the Zalo channels ever holds the bot token, the OA's secrets, its
access and refresh tokens, the download links' key or a link's signature — scanned after traffic that goes
through failures, refreshes, give-ups and signed links fetched, altered and expired."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.channels.zalo_bot import ZaloBotChannel
from bot.envelopes import Outgoing
from bot.links import Document, link, link_key
from storage.models import Outbox
from tests.bot.zalo_world import BOT_SECRET, clock, fakes, until, world
from tests.fakes import deployment


async def test_no_token_or_secret_in_any_log_line_metric_or_recorded_error(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with fakes() as fx, world(tmp_path, fx) as w:
        key = link_key(fx.bot.token)
        fx.bot.say("u1", f"/start {w.codes[0]}")
        await fx.bot.wait_sent("u1", 1)
        fx.bot.fail_next("u1", 2, 500)
        fx.bot.say("u1", deployment.script()[0])
        await fx.bot.wait_sent("u1", 2, timeout=30)
        fx.bot.fail_next("u1", 1, 403, "Forbidden: the user blocked the bot")
        fx.bot.say("u1", "xong")
        await fx.bot.push(w.hook("zalo"), fx.bot.update("u2", "lạ"), secret="not-the-secret")
        await fx.bot.push(w.hook("zalo"), fx.bot.update("u2", "xin chào"), secret=BOT_SECRET)
        wrong = ZaloBotChannel(fx.bot.token + "x", fx.bot.base_url)
        await wrong.send(Outgoing(0, "zalo", "u1", "a"))
        await wrong.close()
        dead = ZaloBotChannel(fx.bot.token, "http://127.0.0.1:1")
        await dead.send(Outgoing(0, "zalo", "u1", "a"))
        await dead.close()

        await fx.oa.say(w.hook("zalo-oa"), "o1", f"/start {w.codes[1]}")
        await fx.oa.wait_sent("o1", 1)
        fx.oa.expire_access()
        await fx.oa.say(w.hook("zalo-oa"), "o1", deployment.script()[0])
        await fx.oa.wait_sent("o1", 2)
        fx.oa.close_window("o1")
        await fx.oa.post(w.hook("zalo-oa"), fx.oa.event("o1", "xong"))
        await fx.oa.post(w.hook("zalo-oa"), fx.oa.event("o1", "x"), signature="mac=bad")
        fx.oa.expire_access()
        fx.oa.refresh = "spent-elsewhere"
        await w.channels["zalo-oa"].send(Outgoing(0, "zalo-oa", "o1", "b"))
        await until(lambda: _given_up(w) >= 1)
        # Documents as signed links: one sent, then fetched rightly, altered and expired, and a rightly signed
        # one to a unit that does not exist (a sentence, no traceback); neither the link key nor a link's
        # signature may be logged.
        spec = {"kind": "unit", "campaign": 1, "unit": 1, "version": 1}
        await w.channels["zalo"].send_document(Outgoing(0, "zalo", "u1", "Báo cáo.", document=spec), "a.docx", b"")
        sent_link = fx.bot.texts("u1")[-1].rsplit("\n", 1)[-1]
        expired, _ = link(f"http://127.0.0.1:{w.port}", key, Document("unit", 1, 1), clock() - timedelta(days=2))
        nowhere, _ = link(f"http://127.0.0.1:{w.port}", key, Document("unit", 1, 999), clock())
        pages = []
        async with aiohttp.ClientSession() as http:
            for url in (sent_link, sent_link[:-1] + "x", expired, nowhere):
                async with http.get(url) as answer:
                    pages.append((answer.status, await answer.read()))
        assert [status for status, _ in pages] == [200, 403, 410, 404]
        assert pages[0][1][:2] == b"PK" and not any(b"Traceback" in page for _, page in pages)
        async with aiohttp.ClientSession() as http, http.get(w.hook("zalo").replace("/webhook/zalo", "/metrics")) \
                as answer:
            metrics = await answer.text()
        with w.uow() as uow:
            errors = [row.last_error or "" for row in uow.session.query(Outbox)]
    assert fx.oa.refreshes >= 1 and "reportbot_sends" in metrics
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert logged  # the scan looks at something
    secrets = [fx.bot.token, fx.bot.token.split(":")[1], BOT_SECRET, fx.oa.app_secret, fx.oa.secret_key,
               *fx.oa.issued, key.hex(), *(u.rsplit("/", 1)[1] for u in (sent_link, expired, nowhere))]
    for secret in secrets:
        assert secret not in logged, "a secret in the log"
        assert secret not in metrics, "a secret in /metrics"
        assert not any(secret in error for error in errors), "a secret in a recorded error"


def _given_up(w: object) -> int:
    with w.uow() as uow:  # type: ignore[attr-defined]
        return len(uow.outbox.given_up())
