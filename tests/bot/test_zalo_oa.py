"""The Zalo OA adapter against the fake OA and OAuth servers, through the real runtime: the whole report by
text over signed webhooks, bad signatures refused with nothing kept, -216 then one refresh (the single-use
refresh token spent by one worker only, on SQLite and PostgreSQL), -230 given up and shown in /tiendo, a file
uploaded and sent as an attachment, a person moving from another channel to the OA mid-report."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest

from bot.channels.base import Permanent, Sent, Transient
from bot.channels.zalo_tokens import OATokens
from bot.envelopes import Outgoing
from storage import channel_tokens
from tests.bot.zalo_world import clock, fakes, oa_channel, submitted, until, world
from tests.fakes import deployment
from tests.fakes.zalo_oa import ZaloOAServer


async def test_the_whole_report_by_text_over_signed_webhooks(tmp_path: Path) -> None:
    async with fakes() as fx, world(tmp_path, fx, poll=False) as w:
        lines = [f"/start {w.codes[0]}", *deployment.script()]
        for n, line in enumerate(lines):
            assert await fx.oa.say(w.hook("zalo-oa"), "oa-user-1", line) == 200
            await fx.oa.wait_sent("oa-user-1", n + 1, timeout=30)  # a person waits for the answer
        await until(lambda: submitted(w) == 1, timeout=30)
        texts = fx.oa.texts("oa-user-1")
        assert all(1 <= len(text) <= 2000 for text in texts)
        stored = deployment.answers(w.url)["Xã Thử 0"]
        assert len(stored) == len({f for f, _ in stored})


async def test_bad_signatures_are_refused_and_nothing_is_kept(tmp_path: Path) -> None:
    async with fakes() as fx, world(tmp_path, fx, poll=False) as w:
        event = fx.oa.event("oa-x", f"/start {w.codes[0]}")
        assert await fx.oa.post(w.hook("zalo-oa"), event, signature=None) == 401
        assert await fx.oa.post(w.hook("zalo-oa"), event, signature="mac=" + "0" * 64) == 401
        forged = dict(event, message={"text": "/start KT000001", "msg_id": event["message"]["msg_id"]})
        assert await fx.oa.post(w.hook("zalo-oa"), forged, signature=fx.oa.sign(b"{}", event)) == 401
        wrong_key = ZaloOAServer(secret_key="another-key")
        assert await fx.oa.post(w.hook("zalo-oa"), event, signature=wrong_key.sign(
            __import__("json").dumps(event, ensure_ascii=False).encode(), event)) == 401
        assert await fx.oa.post(w.hook("zalo-oa"), {}, signature=None) == 200  # Zalo's check on registration
        with w.uow() as uow:
            assert not uow.inbox.seen("zalo-oa", event["message"]["msg_id"]) and uow.inbox.waiting() == 0
            assert uow.people.lookup("zalo-oa", "oa-x") is None
        assert fx.oa.sent == []
        assert await fx.oa.post(w.hook("zalo-oa"), event) == 200  # rightly signed: kept
        await fx.oa.wait_sent("oa-x", 1)


async def test_an_invalid_access_token_is_refreshed_once_and_the_pair_stored(tmp_path: Path) -> None:
    async with fakes() as fx, world(tmp_path, fx, poll=False) as w:
        await fx.oa.say(w.hook("zalo-oa"), "u1", f"/start {w.codes[0]}")
        await fx.oa.wait_sent("u1", 1)
        first_refresh = fx.oa.refresh
        fx.oa.expire_access()
        await fx.oa.say(w.hook("zalo-oa"), "u1", deployment.script()[0])
        await fx.oa.wait_sent("u1", 2)
        assert fx.oa.refreshes == 1 and fx.oa.token_errors == 1
        with w.runtime.runner.uow() as uow:
            pair = channel_tokens.load(uow.session, "zalo-oa")
        assert pair is not None and pair.version == 1
        assert (pair.access, pair.refresh) == (fx.oa.access, fx.oa.refresh) and pair.refresh != first_refresh
    # Restarted: the rotated pair comes from the database, not the (now spent) first tokens.
    channel = oa_channel(fx.oa, f"sqlite:///{tmp_path}/zalo.db")
    channel.tokens._first = ("stale-env-access", first_refresh)
    try:
        async with ZaloOAServer() as _:
            pass
        assert await channel.tokens.access() == fx.oa.access
    finally:
        await channel.close()
        channel.tokens.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_two_workers_refreshing_at_once_spend_the_refresh_token_once(db: Any, backend: str) -> None:
    async with ZaloOAServer() as fake:
        fake.refresh_delay = 0.3  # both workers are inside the refresh together
        workers = []
        for _ in range(2):
            tokens = OATokens(lambda: db.session_factory, "zalo-oa", first_access=fake.access,
                              first_refresh=fake.refresh, clock=clock)
            workers.append(tokens)
        channels = [oa_channel(fake, "unused") for _ in workers]
        for channel, tokens in zip(channels, workers, strict=True):
            channel.tokens = tokens
        stale = await workers[0].access()
        assert await workers[1].access() == stale
        fake.expire_access()
        got = await asyncio.gather(*(t.refresh(stale, c.exchange_refresh) for t, c in zip(workers, channels,
                                                                                            strict=True)))
        assert got[0] == got[1] == fake.access
        assert fake.refreshes == 1 and fake.refused_refreshes == 0
        with db.session_factory() as session:
            pair = channel_tokens.load(session, "zalo-oa")
        assert pair is not None and pair.refresh == fake.refresh and pair.version == 1
        for channel, tokens in zip(channels, workers, strict=True):
            await channel.close()
            tokens.close()


async def test_a_refused_refresh_is_transient_and_says_to_reauthorize(tmp_path: Path) -> None:
    async with fakes() as fx, world(tmp_path, fx, poll=False) as w:
        oa = w.channels["zalo-oa"]
        await oa.tokens.access()
        fx.oa.expire_access()
        fx.oa.refresh = "someone-else-spent-it"
        result = await oa.send(Outgoing(0, "zalo-oa", "u1", "xin chào"))
        assert isinstance(result, Transient) and "-216" in result.reason
        assert fx.oa.refused_refreshes == 1


async def test_outside_the_7_day_window_is_given_up_and_shown_to_the_department(tmp_path: Path) -> None:
    async with fakes() as fx, world(tmp_path, fx, poll=False) as w:
        await fx.oa.say(w.hook("zalo-oa"), "u1", f"/start {w.codes[0]}")
        await fx.oa.wait_sent("u1", 1)
        with w.uow() as uow:
            uow.invites.create("SO000001", "department", None, None, None, deployment.NOW)
            uow.commit()
        fx.oa.close_window("u1")
        oa = w.channels["zalo-oa"]
        result = await oa.send(Outgoing(0, "zalo-oa", "u1", "Nhắc: hạn nộp sắp tới."))
        assert isinstance(result, Permanent) and result.reason.startswith("-230")
        # A reply that can no longer go (the window closed meanwhile: the fake keeps it closed) is given up.
        await fx.oa.post(w.hook("zalo-oa"), fx.oa.event("u1", deployment.script()[0]))
        await until(lambda: _given_up(w))
        await fx.oa.say(w.hook("zalo-oa"), "so", "/start SO000001")
        await fx.oa.say(w.hook("zalo-oa"), "so", "/tiendo")
        await until(lambda: any("Zalo OA" in t for t in fx.oa.texts("so")))
        notice = next(t for t in fx.oa.texts("so") if "Zalo OA" in t)
        assert "Xã Thử 0, zalo-oa" in notice and "7 ngày" in notice


def _given_up(w: Any) -> bool:
    with w.uow() as uow:
        return bool(uow.outbox.given_up())


async def test_a_document_is_uploaded_and_sent_as_a_file(tmp_path: Path) -> None:
    async with fakes() as fx, world(tmp_path, fx, poll=False) as w:
        oa = w.channels["zalo-oa"]
        fx.oa.expire_access()  # the upload refreshes the token too
        message = Outgoing(7, "zalo-oa", "u1", "Báo cáo tổng hợp.", document={"kind": "compiled", "campaign": 1})
        assert isinstance(await oa.send_document(message, "bao-cao.docx", b"PK\x03\x04 a docx"), Sent)
        caption, sent = await fx.oa.wait_sent("u1", 2)
        assert caption.text == "Báo cáo tổng hợp."
        assert (sent.file_name, sent.file_data) == ("bao-cao.docx", b"PK\x03\x04 a docx")
        assert len(fx.oa.files) == 1
        big = Outgoing(8, "zalo-oa", "u1", "", document={})
        assert isinstance(await oa.send_document(big, "lon.pdf", b"0" * (5 * 1024 * 1024 + 1)), Permanent)
        assert isinstance(await oa.send_document(big, "tong-hop.xlsx", b"PK"), Permanent)  # Zalo drops it
        # The upload fails after the caption went: the next try sends the file only, never the caption twice.
        fx.oa.fail_uploads = 1
        again = Outgoing(9, "zalo-oa", "u1", "Lần hai.", document={})
        assert isinstance(await oa.send_document(again, "b.docx", b"PK"), Transient)
        assert isinstance(await oa.send_document(again, "b.docx", b"PK"), Sent)
        assert [s.text for s in fx.oa.sent].count("Lần hai.") == 1 and fx.oa.sent[-1].file_name == "b.docx"


async def test_a_person_moves_from_another_channel_to_the_oa_mid_report(tmp_path: Path) -> None:
    lines = deployment.script()
    async with fakes() as fx, world(tmp_path, fx, poll=False) as w:
        lb = fx.loopback
        await lb.push("1000", "1000", "An", f"/start {w.codes[0]}")
        for line in lines[:6]:
            await lb.push("1000", "1000", "An", line)
        await lb.push("1000", "1000", "An", "/lienket")
        await until(lambda: any("bot.link.code" in m.msgs for m in lb.messages("1000")))
        text = next(m.text for m in lb.messages("1000") if "bot.link.code" in m.msgs)
        code = re.search(r"/start (\S+)", text).group(1)  # type: ignore[union-attr]
        await fx.oa.say(w.hook("zalo-oa"), "u1", f"/start {code}")
        [linked] = await fx.oa.wait_sent("u1", 1)
        assert "Xã Thử 0" in (linked.text or "")
        for n, line in enumerate(lines[6:], 2):
            await fx.oa.say(w.hook("zalo-oa"), "u1", line)
            await fx.oa.wait_sent("u1", n, timeout=30)
        await until(lambda: submitted(w) == 1, timeout=30)
        stored = deployment.answers(w.url)["Xã Thử 0"]
        assert len(stored) == len({f for f, _ in stored})
