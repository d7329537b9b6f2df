"""The Zalo Bot Platform adapter against the fake platform, through the real runtime: the three empty polls,
one update per call with replays dropped, the whole report by text, flat and wrapped webhook bodies, a wrong
secret refused with nothing kept, long texts cut at 2,000 characters, numbered choices, failures mapped,
"typing…" while a document is made."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot import sender
from bot.channels.base import Permanent, RetryAfter, Sent, Transient
from bot.channels.zalo_bot import ZaloBotChannel
from bot.delivery import Decision
from bot.envelopes import Outgoing
from bot.links import Links, link_key
from bot.metrics import Metrics
from bot.pacing import Limits
from dialogs.events import Pick, Text
from tests.bot.zalo_world import BOT_SECRET, clock, fakes, submitted, until, world
from tests.fakes import deployment
from tests.fakes.zalo_bot import ZaloBotServer


@pytest.mark.parametrize("empty", ["http408", "error408", "result"])
async def test_each_empty_poll_is_no_update_and_an_update_comes_one_per_call(empty: str) -> None:
    async with ZaloBotServer(empty=empty) as fake:  # type: ignore[arg-type]
        channel = ZaloBotChannel(fake.token, fake.base_url)
        try:
            assert await channel.get_updates(timeout=1) == []
            first, second = fake.say("u1", "một"), fake.say("u1", "hai")
            assert await channel.get_updates(timeout=1) == [first]
            assert await channel.get_updates(timeout=1) == [second]
            assert fake.empty_polls == 1 and fake.polls == 3
        finally:
            await channel.close()


async def test_a_wrong_token_or_a_webhook_set_is_an_error_that_never_shows_the_token() -> None:
    async with ZaloBotServer() as fake:
        channel = ZaloBotChannel("999:wrongTOKEN", fake.base_url)
        try:
            with pytest.raises(Exception) as failed:
                await channel.get_updates(timeout=1)
            assert "401" in str(failed.value) and "wrongTOKEN" not in str(failed.value)
            assert "wrongTOKEN" not in repr(channel)
        finally:
            await channel.close()


async def test_the_whole_report_by_text_over_polling_with_replayed_updates_dropped(tmp_path: Path) -> None:
    async with fakes(replay=True) as fx, world(tmp_path, fx) as w:
        lines = [f"/start {w.codes[0]}", *deployment.script()]
        for line in lines:
            fx.bot.say("u1", line, "Cán bộ Một")
        await until(lambda: submitted(w) == 1, timeout=90)
        await until(lambda: w.runtime.senders["zalo"].depth() == 0 and not fx.bot.queue)
        assert len(fx.bot.served) == len(lines)
        assert set(fx.bot.served.values()) == {2}  # every update was served twice (the replay) ...
        stored = deployment.answers(w.url)["Xã Thử 0"]
        assert len(stored) == len({f for f, _ in stored})  # ... and applied once
        texts = fx.bot.texts("u1")
        assert all(1 <= len(text) <= 2000 for text in texts)
        assert not any("b:" in text or "opt:" in text for text in texts)  # no button data leaks as text


async def test_webhook_bodies_flat_and_wrapped_are_kept_and_a_wrong_secret_keeps_nothing(tmp_path: Path) -> None:
    async with fakes() as fx, world(tmp_path, fx, poll=False) as w:
        flat, wrapped = fx.bot.update("u1", f"/start {w.codes[0]}"), fx.bot.update("u1", "xin chào")
        for secret in (None, "wrong-secret-123"):
            assert await fx.bot.push(w.hook("zalo"), fx.bot.update("u9", "lạ"), secret=secret) == 401
        assert await fx.bot.push(w.hook("zalo"), flat, secret=BOT_SECRET) == 200
        assert await fx.bot.push(w.hook("zalo"), wrapped, secret=BOT_SECRET, wrapped=True) == 200
        assert await fx.bot.push(w.hook("zalo"), flat, secret=BOT_SECRET) == 200  # a redelivery
        await fx.bot.wait_sent("u1", 2)
        with w.uow() as uow:
            assert uow.inbox.seen("zalo", flat["message"]["message_id"])
            assert uow.inbox.seen("zalo", wrapped["message"]["message_id"])
            assert uow.people.lookup("zalo", "u9") is None and uow.inbox.waiting() == 0


async def test_a_stranger_is_refused(tmp_path: Path) -> None:
    async with fakes() as fx, world(tmp_path, fx) as w:
        fx.bot.say("u7", "xin chào")
        [answer] = await fx.bot.wait_sent("u7", 1)
        with w.uow() as uow:
            found = uow.people.lookup("zalo", "u7")
            assert found is None or (found[0].unit_id is None and found[0].role != "department")
        fx.bot.say("u7", "75")
        await fx.bot.wait_sent("u7", 2)
    assert deployment.answers(w.url) == {}  # nothing of a stranger's is ever stored as an answer
    assert "/start" in answer  # asked for an invite code


async def test_long_texts_go_in_parts_and_buttons_as_a_numbered_list_a_typed_number_picks() -> None:
    async with ZaloBotServer() as fake:
        channel = ZaloBotChannel(fake.token, fake.base_url)
        try:
            paragraphs = "\n\n".join(f"Đoạn {n}: " + "chữ " * 120 for n in range(9))
            assert isinstance(await channel.send(Outgoing(5, "zalo", "c1", paragraphs)), Sent)
            parts = fake.texts("c1")
            assert len(parts) >= 3 and all(len(p) <= 2000 for p in parts)
            assert all(p.startswith("Đoạn") for p in parts)  # cut on paragraph boundaries
            menu = Outgoing(6, "zalo", "c1", "Anh/chị muốn làm gì?", (("Xem lại", "cmd:review"), ("Nộp", "cmd:submit")))
            await channel.send(menu)
            assert fake.texts("c1")[-1].endswith("1. Xem lại\n2. Nộp")
            event = channel.parse(fake.update("c1", "2"))
            assert event is not None and event.event == Pick("b:6:1")
            assert channel.parse(fake.update("c1", "3")).event == Text("3")  # type: ignore[union-attr]
            await channel.send(Outgoing(7, "zalo", "c1", "Câu 2: số người?"))
            assert channel.parse(fake.update("c1", "2")).event == Text("2")  # type: ignore[union-attr]
        finally:
            await channel.close()


async def test_failures_map_to_send_results_and_a_failed_part_is_not_sent_twice() -> None:
    async with ZaloBotServer() as fake:
        channel = ZaloBotChannel(fake.token, fake.base_url)
        try:
            fake.fail_next("c1", 1, 403, "Forbidden")
            assert isinstance(await channel.send(Outgoing(1, "zalo", "c1", "a")), Permanent)
            fake.fail_next("c1", 1, 429)
            assert isinstance(await channel.send(Outgoing(2, "zalo", "c1", "b")), RetryAfter)
            long = "x " * 1500
            fake.sent.clear()
            await channel.send(Outgoing(3, "zalo", "c1", long[:1990]))
            fake.fail_next("c1", 1, 500)
            fake.sent.clear()
            assert isinstance(await channel.send(Outgoing(4, "zalo", "c1", "đoạn một\n\n" + long)), Transient)
            assert len(fake.texts("c1")) == 0
            await channel.send(Outgoing(4, "zalo", "c1", "đoạn một\n\n" + long))
            assert len(fake.texts("c1")) == 2  # both parts once
            fake.sent.clear()
            fake.fail_next("c1", 0, 500)
            bad = ZaloBotChannel(fake.token, "http://127.0.0.1:1")
            result = await bad.send(Outgoing(9, "zalo", "c1", "z"))
            assert isinstance(result, Transient) and fake.token not in result.reason
            await bad.close()
        finally:
            await channel.close()


async def test_typing_is_shown_while_a_document_is_made_and_stops_once_its_link_is_sent(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sender, "TYPING_EVERY", 0.05)
    async with ZaloBotServer() as fake:
        channel = ZaloBotChannel(fake.token, fake.base_url,
                                 links=Links("https://bot.example", link_key(fake.token), clock))
        seen_when_made: list[int] = []

        async def slow_document(spec: dict[str, Any]) -> tuple[str, bytes]:
            await asyncio.sleep(0.3)  # a long answer being prepared
            seen_when_made.append(len(fake.actions))
            return "bao-cao.docx", b"PK"

        recorded: list[bool] = []

        async def record(message: Outgoing, decision: Decision, reason: str) -> None:
            recorded.append(decision.sent)

        out = sender.Sender(channel, record, limits=Limits(), clock=clock, metrics=Metrics(),
                            documents=slow_document)
        spec = {"kind": "unit", "campaign": 1, "unit": 1, "version": 1}
        out.offer([Outgoing(1, "zalo", "c1", "Báo cáo đã nộp.", document=spec)])
        assert await out.drain(5) and recorded == [True]
        [text] = fake.texts("c1")
        assert "https://bot.example/files/unit/1/1/" in text
        assert seen_when_made[0] >= 3 and set(fake.actions) == {("c1", "typing")}  # again and again meanwhile
        shown = len(fake.actions)
        await asyncio.sleep(0.2)
        assert len(fake.actions) == shown  # and no more once it went
        plain = sender.Sender(channel, record, limits=Limits(), clock=clock, metrics=Metrics(),
                              documents=slow_document)
        plain.offer([Outgoing(2, "zalo", "c2", "Câu 1?")])
        assert await plain.drain(5) and ("c2", "typing") not in fake.actions  # a plain text: no typing
        await out.stop()
