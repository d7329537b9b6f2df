"""Signed download links (the Zalo Bot Platform's documents): one unit's report served while the link is valid,
refused with a Vietnamese sentence when altered or pointed at another unit (403) or expired (410); sent as a
text under the message's caption."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import yaml
from aiohttp import web

from bot.channels.base import Sent
from bot.channels.zalo_bot import ZaloBotChannel
from bot.config import Settings
from bot.envelopes import Outgoing
from bot.links import Document, Links, add_download_route, link, link_key, services_writer
from bot.services import Services
from tests.fakes import deployment
from tests.fakes.zalo_bot import ZaloBotServer


async def test_a_link_serves_its_unit_report_until_it_expires_and_nothing_else(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/links.db"
    deployment.seed(url, 2)
    services = Services(Settings.model_validate({"REPORTBOT_DATABASE_URL": url}))
    facts = yaml.safe_load(deployment.FACTS_003.read_text(encoding="utf-8"))
    services.import_answers(1, "Xã Thử 0", {k: v for k, v in facts.items() if isinstance(v, str)})
    key = link_key("1234:secret")
    now = [datetime(2026, 12, 1, tzinfo=UTC)]
    app = web.Application()
    add_download_route(app, key, services_writer(services), clock=lambda: now[0].timestamp())
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = deployment.free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    base = f"http://127.0.0.1:{port}"
    good, until = link(base, key, Document("unit", 1, 1), now[0])
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(good) as answer:
                assert answer.status == 200
                body = await answer.read()
                assert body[:2] == b"PK" and "attachment" in answer.headers["Content-Disposition"]
            other = good.replace("/unit/1/1/", "/unit/1/2/")
            altered = good[:-1] + ("0" if good[-1] != "0" else "1")
            later = good.replace(str(int(until.timestamp())), str(int(until.timestamp()) + 86400))
            for bad in (other, altered, later):
                async with http.get(bad) as answer:
                    assert answer.status == 403 and "không đúng" in await answer.text()
                    assert "Traceback" not in await answer.text()
            now[0] += timedelta(hours=25)
            async with http.get(good) as answer:
                assert answer.status == 410 and "hết hạn" in await answer.text()
    finally:
        await runner.cleanup()
        services.engine.dispose()


async def test_the_bot_platform_sends_a_document_as_its_link_under_the_caption() -> None:
    key = link_key("1234:secret")
    at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    unit = {"kind": "unit", "campaign": 1, "unit": 1, "version": 1}
    async with ZaloBotServer() as fake:
        channel = ZaloBotChannel(fake.token, fake.base_url, links=Links("https://bot.example/", key, lambda: at))
        caption = "Báo cáo đã nộp."
        assert isinstance(await channel.send_document(Outgoing(1, "zalo", "c1", caption, document=unit),
                                                      "bao-cao.docx", b"PK"), Sent)
        xlsx = {"kind": "compiled", "campaign": 1, "format": "xlsx"}
        await channel.send_document(Outgoing(2, "zalo", "c1", "Tổng hợp.", document=xlsx), "t.xlsx", b"PK")
        bare = ZaloBotChannel(fake.token, fake.base_url)  # no REPORTBOT_PUBLIC_URL: no links
        await bare.send_document(Outgoing(3, "zalo", "c1", caption, document=unit), "bao-cao.docx", b"PK")
        await channel.close()
        await bare.close()
    linked, no_xlsx, no_url = fake.texts("c1")
    expected, _ = link("https://bot.example", key, Document("unit", 1, 1), at)
    assert linked.startswith(caption) and expected in linked and "bao-cao.docx" in linked
    assert "09:00 02/12/2026" in linked  # until when it works, in the link itself too
    assert str(int((at + timedelta(hours=24)).timestamp())) in expected
    assert "http" not in no_xlsx and "Chưa gửi được tệp" in no_xlsx
    assert "http" not in no_url and "Chưa gửi được tệp" in no_url
