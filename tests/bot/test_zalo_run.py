"""``reportbot run --channel zalo|zalo-oa|all`` as an operator starts it: the settings each channel needs (one
sentence when missing), the Bot Platform's document links at ``REPORTBOT_PUBLIC_URL`` (signed as run serves
them), and a real process polling the fake Zalo Bot Platform and taking the fake OA's signed webhooks at once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.channels.zalo_bot import ZaloBotChannel
from bot.cli.run_cmd import _channels, _downloads
from bot.config import Settings
from bot.links import Document, verdict
from bot.services import Services
from dialogs.errors import ConfigError
from tests.bot.zalo_world import until
from tests.fakes import deployment
from tests.fakes.zalo_bot import ZaloBotServer
from tests.fakes.zalo_oa import ZaloOAServer


def _settings(**env: str) -> Settings:
    return Settings.model_validate(env)


@pytest.mark.parametrize(("channel", "env", "msg"), [
    ("zalo", {}, "bot.cli.zalo_needs_token"),
    ("zalo-oa", {"ZALO_OA_APP_ID": "1"}, "bot.cli.zalo_oa_needs"),
])
def test_a_channel_without_its_settings_is_one_sentence(channel: str, env: dict[str, str], msg: str) -> None:
    with pytest.raises(ConfigError) as refused:
        _channels(_settings(**env), channel)
    assert refused.value.msg == msg


def test_all_runs_every_configured_channel_with_its_webhook_path() -> None:
    settings = _settings(ZALO_BOT_TOKEN="1:abc", ZALO_OA_APP_ID="1", ZALO_OA_APP_SECRET="s",
                         ZALO_OA_SECRET_KEY="k", REPORTBOT_PUBLIC_URL="https://bot.example")
    channels, webhooks, _, background = _channels(settings, "all")
    assert {"zalo", "zalo-oa"} <= set(channels)
    assert webhooks["zalo"].path == "/webhook/zalo" and webhooks["zalo-oa"].path == "/webhook/zalo-oa"
    assert webhooks["zalo"].header == "X-Bot-Api-Secret-Token" and webhooks["zalo-oa"].verify is not None
    assert background


def test_with_a_public_url_the_bot_platform_links_documents_that_run_serves(tmp_path: Path) -> None:
    settings = _settings(ZALO_BOT_TOKEN="1:abc", REPORTBOT_PUBLIC_URL="https://bot.example/",
                         REPORTBOT_DATABASE_URL=f"sqlite:///{tmp_path}/r.db")
    services = Services(settings)
    try:
        channels, _, _, _ = _channels(settings, "zalo")
        downloads = _downloads(settings, channels, services)
        zalo = channels["zalo"]
        assert downloads is not None and isinstance(zalo, ZaloBotChannel) and zalo.links is not None
        found = zalo.links.for_spec({"kind": "unit", "campaign": 1, "unit": 2, "version": 1})
        assert found is not None
        url, until_ = found
        assert url.startswith("https://bot.example/files/unit/1/2/") and until_ > settings.now()
        # What the channel signs, the server of the same deployment (any worker) accepts.
        parts = url.removeprefix("https://bot.example").split("/")[2:]
        assert verdict(downloads.key, *parts, now=time.time()) == Document("unit", 1, 2)
        polling, _, _, _ = _channels(_settings(ZALO_BOT_TOKEN="1:abc"), "zalo")
        assert _downloads(_settings(ZALO_BOT_TOKEN="1:abc"), polling, services) is None
        assert polling["zalo"].links is None  # type: ignore[attr-defined]  # no public URL: no links
    finally:
        services.engine.dispose()


async def test_a_real_process_polls_zalo_and_takes_oa_webhooks(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/run.db"
    codes = deployment.seed(url, 2)
    port = deployment.free_port()
    async with ZaloBotServer() as bot, ZaloOAServer() as oa:
        env = {**os.environ, "REPORTBOT_DATABASE_URL": url, "REPORTBOT_LISTEN": f"127.0.0.1:{port}",
               "REPORTBOT_LOG": str(tmp_path / "log"), "ZALO_BOT_TOKEN": bot.token, "ZALO_API_URL": bot.base_url,
               "ZALO_OA_APP_ID": oa.app_id, "ZALO_OA_APP_SECRET": oa.app_secret, "ZALO_OA_SECRET_KEY": oa.secret_key,
               "ZALO_OA_ACCESS_TOKEN": oa.access, "ZALO_OA_REFRESH_TOKEN": oa.refresh,
               "ZALO_OA_API_URL": oa.base_url, "ZALO_OAUTH_URL": oa.base_url}
        err = open(tmp_path / "worker.err", "wb")  # noqa: SIM115 - the child writes to it
        process = subprocess.Popen([sys.executable, "-m", "bot", "run", "--channel", "all"], cwd=tmp_path,
                                   env=env, stdout=err, stderr=err)
        try:
            await asyncio.to_thread(_wait_healthy, port, process)
            bot.say("z1", f"/start {codes[0]}")
            await bot.wait_sent("z1", 1, timeout=30)
            assert await oa.say(f"http://127.0.0.1:{port}/webhook/zalo-oa", "o1", f"/start {codes[1]}") == 200
            await oa.wait_sent("o1", 1, timeout=30)
            await until(lambda: bot.polls >= 2)
        finally:
            process.terminate()
            assert await asyncio.to_thread(process.wait, 30) == 0
            err.close()
    logged = (tmp_path / "worker.err").read_text(encoding="utf-8")
    assert "zalo" in logged and bot.token not in logged and oa.secret_key not in logged


def _wait_healthy(port: int, process: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the worker exited")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError("the worker did not start")


async def test_authorize_prints_the_permission_link_then_stores_the_first_pair(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/auth.db"
    async with ZaloOAServer() as oa:
        env = {**os.environ, "REPORTBOT_DATABASE_URL": url, "ZALO_OA_APP_ID": oa.app_id,
               "ZALO_OA_APP_SECRET": oa.app_secret, "ZALO_OA_SECRET_KEY": oa.secret_key,
               "ZALO_OAUTH_URL": oa.base_url, "ZALO_OA_API_URL": oa.base_url,
               "REPORTBOT_PUBLIC_URL": "https://bot.example", "REPORTBOT_LOG": str(tmp_path / "log")}

        def cli(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([sys.executable, "-m", "bot", "zalo-oa", "authorize", *args], cwd=tmp_path,
                                  env=env, capture_output=True, text=True, timeout=60)

        first = await asyncio.to_thread(cli)
        assert first.returncode == 0 and f"{oa.base_url}/v4/oa/permission?app_id={oa.app_id}" in first.stdout
        assert "code_challenge=" in first.stdout and "redirect_uri=https%3A%2F%2Fbot.example" in first.stdout
        verifier = first.stdout.split("--verifier ")[1].split()[0]
        oa.codes.add("the-code")
        refused = await asyncio.to_thread(cli, "--code", "another", "--verifier", verifier)
        assert refused.returncode == 1 and "authorize" in refused.stderr
        granted = await asyncio.to_thread(cli, "--code", "the-code", "--verifier", verifier)
        assert granted.returncode == 0, granted.stderr
    from storage import channel_tokens
    from storage.db import make_engine, make_session_factory

    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        pair = channel_tokens.load(session, "zalo-oa")
    engine.dispose()
    assert pair is not None and (pair.access, pair.refresh) == (oa.access, oa.refresh)
