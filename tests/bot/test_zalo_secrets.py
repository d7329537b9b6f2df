"""No log line, metric or recorded error of the Zalo channels ever holds the bot token, the OA's secrets or
its access and refresh tokens — scanned after traffic that goes through failures, refreshes and give-ups."""

from __future__ import annotations

import logging
from pathlib import Path

import aiohttp
import pytest

from bot.channels.zalo_bot import ZaloBotChannel
from bot.envelopes import Outgoing
from storage.models import Outbox
from tests.bot.zalo_world import BOT_SECRET, fakes, until, world
from tests.fakes import deployment


async def test_no_token_or_secret_in_any_log_line_metric_or_recorded_error(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with fakes() as fx, world(tmp_path, fx) as w:
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
        async with aiohttp.ClientSession() as http, http.get(w.hook("zalo").replace("/webhook/zalo", "/metrics")) \
                as answer:
            metrics = await answer.text()
        with w.uow() as uow:
            errors = [row.last_error or "" for row in uow.session.query(Outbox)]
    assert fx.oa.refreshes >= 1 and "reportbot_sends" in metrics
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert logged  # the scan looks at something
    secrets = [fx.bot.token, fx.bot.token.split(":")[1], BOT_SECRET, fx.oa.app_secret, fx.oa.secret_key,
               *fx.oa.issued]
    for secret in secrets:
        assert secret not in logged, "a secret in the log"
        assert secret not in metrics, "a secret in /metrics"
        assert not any(secret in error for error in errors), "a secret in a recorded error"


def _given_up(w: object) -> int:
    with w.uow() as uow:  # type: ignore[attr-defined]
        return len(uow.outbox.given_up())
