"""The Telegram channel: the real aiogram stack through the real runtime against the fake Bot API on 127.0.0.1.

Replies are identified by the message ids they were rendered from (looked up in the outbox by the
provider's message id), not by their prose.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import aiohttp
from aiohttp import web

from bot.channels.telegram import SECRET_HEADER, TelegramChannel
from bot.pacing import Limits
from bot.runner import Runner
from bot.runtime import Runtime
from bot.server import Webhook, make_app
from dialogs.template.model import Template
from dialogs.vietnamese.text import fold
from exporters.pdf import find_soffice
from storage.db import make_engine, make_session_factory
from storage.models import Inbox, Outbox
from tests.fakes import deployment
from tests.fakes.deployment import free_port
from tests.fakes.telegram import FakeTelegram
from tests.fakes.telegram_store import BotMessage, PendingUpdate
from tests.fakes.telegram_users import TgUser


@dataclass
class Tg:
    """A running bot: the fake server, the runtime, the invite codes."""

    server: FakeTelegram
    runtime: Runtime
    channel: TelegramChannel
    codes: list[str]
    url: str

    async def msgs(self, message: BotMessage) -> tuple[str, ...]:
        """The message ids a bot message was rendered from (once its sending is recorded)."""
        for _ in range(200):
            with self.runtime.runner.uow() as uow:
                row = uow.session.query(Outbox).filter_by(channel="telegram", provider_id=str(message.message_id),
                                                          chat_id=str(message.chat_id)).one_or_none()
                if row is not None:
                    return tuple(row.payload.get("msgs") or ())
            await asyncio.sleep(0.02)
        raise AssertionError(f"message {message.message_id} is not in the outbox")

    async def settled(self, user: TgUser, before: int, timeout: float = 10) -> BotMessage:
        """The last message of the reply to the user's last action, once every message of it was sent."""
        assert user.last is not None
        update_id = str(user.last.update_id)
        for _ in range(int(timeout / 0.02)):
            with self.runtime.runner.uow() as uow:
                row = uow.session.query(Inbox).filter_by(channel="telegram", update_id=update_id).one_or_none()
                done = row is not None and row.processed_at is not None and not uow.outbox.busy_chats(
                    "telegram", [str(user.id)])
            if done and user.last_reply is not None and user.last_reply.seq > before:
                return user.last_reply
            await asyncio.sleep(0.02)
        raise AssertionError(f"no settled reply to {update_id}")

    async def says(self, user: TgUser, text: str, timeout: float = 10) -> tuple[str, ...]:
        """Send ``text`` and return the message ids of its whole reply (every message of it)."""
        return await self.does(user, user.say(text), timeout)

    async def presses(self, user: TgUser, label: str, timeout: float = 10) -> tuple[str, ...]:
        """Press the button ``label`` of the latest message that has it; the message ids of the whole reply."""
        return await self.does(user, user.press(label), timeout)

    async def does(self, user: TgUser, action: Awaitable[PendingUpdate], timeout: float = 10) -> tuple[str, ...]:
        """Take an action (``user.send_photo()``…) and return the message ids of its whole reply."""
        before = self.server.store.seq
        await action
        await self.settled(user, before, timeout)
        ids: tuple[str, ...] = ()
        for message in user.replies():
            if message.seq > before:
                ids += await self.msgs(message)
        return ids


@asynccontextmanager
async def telegram(tmp_path: Path, units: int = 2, template: Template | None = None, **server: object
                   ) -> AsyncIterator[Tg]:
    """The bot on a fresh database (a campaign on the shipped report, or ``template``), long polling the fake
    server (or webhook mode with ``webhook=True``)."""
    url = f"sqlite:///{tmp_path}/tg.db"
    codes = deployment.seed(url, units, template=template)
    engine = make_engine(url)
    async with FakeTelegram(**server) as fake:  # type: ignore[arg-type]
        channel = TelegramChannel(fake.token, fake.base_url)
        runner = Runner(make_session_factory(engine), lambda: datetime.now().astimezone())
        runtime = Runtime(runner, {channel.name: channel}, limits={channel.name: Limits()}, batch=20)
        runtime.start()
        await channel.start()
        stop = asyncio.Event()
        poller = asyncio.create_task(channel.poll(runtime.submit, timeout=1, stop=stop))
        try:
            yield Tg(fake, runtime, channel, codes, url)
        finally:
            stop.set()
            poller.cancel()
            await asyncio.gather(poller, return_exceptions=True)
            await runtime.stop()
            engine.dispose()


def _label_for(line: str, message: BotMessage) -> str | None:
    """The button of ``message`` that means what ``line`` types, if any."""
    wanted = fold(line)
    for button in message.flat:
        if fold(button.text) == wanted:
            return button.text
    return None


async def _fill(tg: Tg, user: TgUser, lines: list[str], *, buttons: bool) -> list[tuple[str, ...]]:
    """Answer every line (pressing the matching button when ``buttons``); the message ids of each reply."""
    said = []
    last = user.last_reply
    for line in lines:
        label = _label_for(line, last) if (buttons and last is not None) else None
        before = tg.server.store.seq
        if label is not None:
            await user.press(label)
        else:
            await user.say(line)
        last = await tg.settled(user, before)
        ids: tuple[str, ...] = ()
        for message in user.replies():
            if message.seq > before:
                ids += await tg.msgs(message)
        said.append(ids)
    return said


async def test_a_whole_report_by_text_from_the_invite_to_the_receipt(tmp_path: Path) -> None:
    async with telegram(tmp_path) as tg:
        assert tg.channel.username == tg.server.me["username"]
        menu = dict(pair for pairs in tg.server.commands.values() for pair in pairs)
        assert {"baocao", "nop", "tiendo"} <= set(menu) and menu["nop"] == "Nộp báo cáo"
        lan = tg.server.user(501, "Lan")
        assert "bot.invite_accepted" in await tg.says(lan, f"/start {tg.codes[0]}")
        said = await _fill(tg, lan, deployment.script(), buttons=False)
        assert "engine.receipt" in said[-1]
    stored = deployment.answers(tg.url)["Xã Thử 0"]
    assert len(stored) > 20


async def test_a_whole_report_by_buttons_where_there_are_buttons(tmp_path: Path) -> None:
    async with telegram(tmp_path) as tg:
        lan = tg.server.user(502, "Lan")
        await tg.says(lan, f"/start {tg.codes[0]}")
        said = await _fill(tg, lan, deployment.script(), buttons=True)
        assert "engine.receipt" in said[-1]
        presses = tg.server.stats.as_dict().get("callback_queries", 0) or len(lan.answers())
        assert presses >= 3  # «Xong», «Bỏ qua», «Nộp»… were pressed, and every press answered
        assert tg.server.unanswered_callbacks() == 0
        pressed = [m for m in lan.replies() if m.versions and not m.flat]
        assert pressed, "a used keyboard is removed"


async def test_a_press_on_a_stale_keyboard_gets_a_polite_answer_not_an_answer(tmp_path: Path) -> None:
    async with telegram(tmp_path) as tg:
        lan = tg.server.user(503, "Lan")
        await tg.says(lan, f"/start {tg.codes[0]}")
        await lan.say(deployment.script()[0])
        old = await lan.wait_reply(10)  # «Đã nhận phần 1 … [Xong]»
        assert old.flat
        label = old.flat[0].text
        assert "engine.text_saved" in await tg.says(lan, "xong")
        await lan.press(label, message=old)  # an old screen: the keyboard is removed by now, pressed all the same
        assert await tg.msgs(await lan.wait_reply(10)) == ("bot.button_stale",)
    stored = deployment.answers(tg.url)["Xã Thử 0"]
    assert len(stored) == 1  # the paragraph, once: the stale «Xong» answered nothing


async def test_a_stranger_is_refused_and_learns_nothing(tmp_path: Path) -> None:
    async with telegram(tmp_path) as tg:
        stranger = tg.server.user(666, "X")
        assert await tg.says(stranger, "xin chào") == ("bot.need_invite",)
        wrong = await tg.says(stranger, "/start KT999999")
        assert wrong == ("bot.invite.unknown",)
        assert all("Xã Thử" not in (m.text or "") for m in stranger.replies())


async def test_stickers_voice_locations_and_edits_get_a_short_explanation(tmp_path: Path) -> None:
    async with telegram(tmp_path) as tg:
        lan = tg.server.user(504, "Lan")
        await tg.says(lan, f"/start {tg.codes[0]}")
        for act in (lan.send_sticker, lan.send_voice, lan.send_location):
            await act()
            assert await tg.msgs(await lan.wait_reply(10)) == ("bot.unsupported",)
        first = await lan.say("Tình hình tốt.")
        await lan.wait_reply(10)
        await lan.edit(first, "Tình hình rất tốt.")
        assert await tg.msgs(await lan.wait_reply(10)) == ("bot.unsupported",)


async def test_flood_control_429s_are_survived_with_no_loss_and_no_duplicate(tmp_path: Path) -> None:
    async with telegram(tmp_path) as tg:
        lan = tg.server.user(505, "Lan")
        tg.server.fail_next(505, 2, status=429, retry_after=1)
        assert "bot.invite_accepted" in await tg.says(lan, f"/start {tg.codes[0]}", timeout=15)
        said = await _fill(tg, lan, deployment.script()[:6], buttons=False)
        assert len(said) == 6
        ids = [m.message_id for m in lan.replies()]
        texts = [m.text for m in lan.replies()]
        assert len(ids) == len(set(ids)) and all(a != b for a, b in itertools.pairwise(texts))
        assert tg.server.http_429(505) == 2


async def test_a_restart_mid_conversation_continues_at_the_same_question(tmp_path: Path) -> None:
    lines = deployment.script()
    async with telegram(tmp_path) as tg:
        lan = tg.server.user(506, "Lan")
        await tg.says(lan, f"/start {tg.codes[0]}")
        await _fill(tg, lan, lines[:5], buttons=False)
        await tg.runtime.stop()
        await tg.channel.close()
        # A new process: new channel, new runtime, same database.
        channel = TelegramChannel(tg.server.token, tg.server.base_url)
        runner = Runner(make_session_factory(make_engine(tg.url)), lambda: datetime.now().astimezone())
        runtime = Runtime(runner, {channel.name: channel}, limits={channel.name: Limits()}, batch=20)
        runtime.start()
        await channel.start()
        stop = asyncio.Event()
        poller = asyncio.create_task(channel.poll(runtime.submit, timeout=1, stop=stop))
        tg.runtime = runtime
        try:
            said = await _fill(tg, lan, lines[5:], buttons=False)
            assert "engine.receipt" in said[-1]
        finally:
            stop.set()
            poller.cancel()
            await asyncio.gather(poller, return_exceptions=True)


async def test_webhook_mode_refuses_a_wrong_secret_and_keeps_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/wh.db"
    codes = deployment.seed(url, 1)
    engine = make_engine(url)
    async with FakeTelegram() as fake:
        channel = TelegramChannel(fake.token, fake.base_url)
        runtime = Runtime(Runner(make_session_factory(engine), lambda: datetime.now().astimezone()),
                          {channel.name: channel}, limits={channel.name: Limits()})
        app = make_app(runtime, {channel.name: Webhook(channel, "/webhook/telegram", "s3cret", SECRET_HEADER)})
        site = web.AppRunner(app, access_log=None)
        await site.setup()
        port = free_port()
        await web.TCPSite(site, "127.0.0.1", port).start()
        runtime.start()
        hook = f"http://127.0.0.1:{port}/webhook/telegram"
        body = {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": 7, "type": "private"},
                                            "from": {"id": 7, "is_bot": False, "first_name": "X"}, "text": "hi"}}
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {SECRET_HEADER: "wrong"}):
                async with http.post(hook, json=body, headers=headers) as answer:
                    assert answer.status == 401
        with runtime.runner.uow() as uow:
            assert not uow.inbox.seen("telegram", "1")
        await channel.set_webhook(hook, "s3cret")
        lan = fake.user(507, "Lan")
        await lan.say(f"/start {codes[0]}")
        assert (await lan.wait_reply(10)).text
        await runtime.stop()
        await site.cleanup()
    engine.dispose()


async def test_an_invite_link_names_the_bot_telegram_says(tmp_path: Path) -> None:
    """`reportbot invite` asks Telegram for the bot's name (getMe) when a token is set."""
    import json
    import os
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path}/inv.db"
    deployment.seed(url, 1)
    async with FakeTelegram(username="so_gddt_bot") as fake:
        env = {**os.environ, "REPORTBOT_DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": fake.token,
               "TELEGRAM_API_URL": fake.base_url}
        done = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "bot", "invite", "--unit", "Xã Thử 0", "--role", "reporter",
                             "--json"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    made = json.loads(done.stdout)
    assert made["link"] == f"https://t.me/so_gddt_bot?start={made['code']}" and len(made["code"]) == 27


async def test_the_department_follows_reads_and_returns_a_report_in_the_chat(tmp_path: Path) -> None:
    async with telegram(tmp_path, units=2) as tg:
        lan = tg.server.user(510, "Lan")
        await tg.says(lan, f"/start {tg.codes[0]}")
        said = await _fill(tg, lan, deployment.script(), buttons=False)
        assert "engine.receipt" in said[-1]
        with tg.runtime.runner.uow() as uow:
            uow.invites.create("SO0000000000000000000000001", "department", None, None, None, deployment.NOW)
            uow.commit()
        so = tg.server.user(900, "Sở")
        await tg.says(so, "/start SO0000000000000000000000001")
        assert "bot.dept.page" in await tg.says(so, "/tiendo")
        assert "1/2" in (so.last_reply.text or "")
        # The submitted report came to Lan as a document; /tonghop sends the compiled .docx (and its .pdf where
        # LibreOffice is) and .xlsx.
        await lan.wait_until(lambda: lan.documents(), 30, "the report as a document")
        unit_doc = lan.documents()[0]
        assert unit_doc.file_name.endswith(".docx") and "75" in _docx_text(unit_doc.data)
        await so.say("/tonghop")
        formats = ["docx", "pdf", "xlsx"] if find_soffice() else ["docx", "xlsx"]
        await so.wait_until(lambda: len(so.documents()) == len(formats), 120, "the compiled report")
        assert [d.file_name for d in so.documents()] == [f"tong-hop-dot-1.{f}" for f in formats]
        compiled = next(d for d in so.documents() if d.file_name.endswith(".docx"))
        assert "Xã Thử 0" in _docx_text(compiled.data) or "1 đơn vị" in _docx_text(compiled.data)
        view = await tg.says(so, "/xem Xã Thử 0")  # a long report comes in several messages of 4,096 at most
        assert set(view) == {"bot.dept.view"} and any("75" in (m.text or "") for m in so.replies()[-len(view):])
        assert all(len(m.text or "") <= 4096 for m in so.replies())
        assert await tg.says(so, "/tralai Xã Thử 0 Mục III.2 còn thiếu số liệu") == ("bot.dept.returned",)
        await lan.wait_until(lambda: any("còn thiếu số liệu" in (m.text or "") for m in lan.replies()), 10,
                             "the department's notice")
        # Another unit's reporter cannot read it: «/xem …» is their own review.
        binh = tg.server.user(511, "Bình")
        await tg.says(binh, f"/start {tg.codes[1]}")
        await binh.say("/xem Xã Thử 0")
        seen = await binh.wait_reply(10)
        assert "bot.dept.view" not in await tg.msgs(seen) and "75" not in (seen.text or "")
    with tg.runtime.runner.uow() as uow:
        report = uow.reports.by_campaign_unit(1, 1)
        assert report is not None and report.status == "returned"


async def test_the_department_pages_through_the_units_and_returns_a_report_from_the_buttons(tmp_path: Path) -> None:
    async with telegram(tmp_path, units=23) as tg:
        lan = tg.server.user(510, "Lan")
        await tg.says(lan, f"/start {tg.codes[0]}")
        assert "engine.receipt" in (await _fill(tg, lan, deployment.script(), buttons=False))[-1]
        with tg.runtime.runner.uow() as uow:
            uow.invites.create("SO0000000000000000000000002", "department", None, None, None, deployment.NOW)
            uow.commit()
        so = tg.server.user(900, "Sở")
        await tg.says(so, "/start SO0000000000000000000000002")
        # 23 units, ten a page: the rates, every unit of the page with its state, a button each.
        assert await tg.says(so, "/tiendo") == ("bot.dept.page",)
        first = so.last_reply
        assert first is not None and "1/3" in (first.text or "") and "Xã Thử 0 — đã nộp đúng hạn" in (first.text or "")
        assert first.labels[:2] == ["Xã Thử 0", "Xã Thử 1"] and len(first.labels) == 12  # + next, compiled
        assert await tg.presses(so, "Trang sau ▶") == ("bot.dept.page",)
        assert "2/3" in (so.last_reply.text or "") and "◀ Trang trước" in so.last_reply.labels
        assert await tg.says(so, "/tiendo 3") == ("bot.dept.page",)  # typed works as well as pressed
        last_page = so.last_reply.text or ""
        assert "3/3" in last_page and "3. Xã Thử" in last_page and "4. " not in last_page
        # A unit's card, its report, its return with a reason typed after the button.
        await tg.says(so, "/tiendo")
        assert await tg.presses(so, "Xã Thử 0") == ("bot.dept.card",)
        assert so.last_reply.labels == ["Đọc báo cáo", "Trả lại để sửa", "◀ Danh sách"]
        assert set(await tg.presses(so, "Đọc báo cáo")) == {"bot.dept.view"}
        assert await tg.presses(so, "Trả lại để sửa") == ("bot.dept.return_ask",)
        assert await tg.says(so, "Muc III.2 con thieu so lieu") == ("bot.dept.returned",)
        await lan.wait_until(lambda: any("con thieu so lieu" in (m.text or "") for m in lan.replies()), 10,
                             "the department's notice")
        # A unit that has not started has a card without «return»; /tralai typed alone asks, «hủy» drops it.
        await tg.says(so, "/tiendo")
        assert await tg.presses(so, "Xã Thử 1") == ("bot.dept.card",)
        assert so.last_reply.labels == ["◀ Danh sách"] and "chưa bắt đầu" in (so.last_reply.text or "")
        assert await tg.says(so, "/tralai") == ("bot.dept.return_which",)
        assert await tg.says(so, "Xã Không Có") == ("bot.dept.unit_again",)  # the question stays
        assert await tg.says(so, "Xã Thử 1") == ("bot.dept.nothing_to_return",)
        assert await tg.says(so, "/tralai") == ("bot.dept.return_which",)
        assert await tg.says(so, "huy") == ("bot.dept.cancelled",)
        assert await tg.says(so, "Xa Thu 0") == ("bot.dept.card",)  # nothing pending: a name opens its card
        assert await tg.says(so, "tra lai") == ("bot.dept.nothing_to_return",)  # its buttons typed (returned already)
    with tg.runtime.runner.uow() as uow:
        report = uow.reports.by_campaign_unit(1, 1)
        assert report is not None and report.status == "returned"
        assert uow.submissions.last_submitted(1, 1).comment == "Muc III.2 con thieu so lieu"


def _docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a .docx (it must open with python-docx)."""
    import io

    from docx import Document

    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(texts)


async def test_two_staff_of_one_unit_share_a_report_and_the_last_answer_wins(tmp_path: Path) -> None:
    lines = deployment.script()
    money = lines.index("hơn 570 triệu")  # the IV.2 money figure, so_tien_khen_thuong
    async with telegram(tmp_path, units=1) as tg:
        with tg.runtime.runner.uow() as uow:  # a second invite to the same unit
            uow.invites.create("KT100000", "reporter", 1, 1, None, deployment.NOW)
            uow.commit()
        lan, binh = tg.server.user(601, "Lan"), tg.server.user(602, "Bình")
        await tg.says(lan, f"/start {tg.codes[0]}")
        await _fill(tg, lan, lines[:money], buttons=False)  # Lan stops before the money figure
        joined = await tg.says(binh, "/start KT100000")
        assert joined == ("bot.invite_accepted", "engine.welcome", "engine.question")
        assert await tg.says(binh, "hơn 600 triệu") == ("engine.saved", "engine.question")  # Bình goes on there
        # Lan's chat still shows the money question: her answer to it comes later, and wins.
        assert await tg.says(lan, lines[money]) == ("engine.saved", "engine.question")
        said = await _fill(tg, binh, lines[money + 1:-2], buttons=False)
        assert all("engine.error" not in ids for ids in said)
        review = await tg.says(binh, "xem lại")
        assert "engine.review" in review
        shown = "\n".join(m.text or "" for m in binh.replies()[-len(review):])
        assert "trên 75" in shown and "hơn 650" in shown  # Lan's answers, in Bình's review
        assert "570.000.000" in shown and "600.000.000" not in shown  # the last answer, Lan's
        assert await tg.says(binh, "nộp") == ("engine.confirm_submit",)
        assert (await tg.says(binh, "đồng ý"))[:2] == ("engine.receipt", "bot.document.unit")  # (the .pdf next)
        # Lan's review shows the report Bình submitted, and that it is submitted: no second submission.
        assert await tg.says(lan, "xem lại") == ("engine.review", "engine.review", "engine.already_submitted")
    with tg.runtime.runner.uow() as uow:
        lan_id = uow.people.lookup("telegram", "601")[0].id  # type: ignore[index]
        binh_id = uow.people.lookup("telegram", "602")[0].id  # type: ignore[index]
        history = uow.answers.history(1, 1, "so_tien_khen_thuong")
        assert [(a.person_id, a.value) for a in history] == [(binh_id, 600_000_000), (lan_id, 570_000_000)]
        people = {a.person_id for a in uow.answers.history(1, 1)}
        assert people == {lan_id, binh_id}
        submitted = uow.submissions.last_submitted(1, 1)
        assert submitted is not None and submitted.submitted_by == binh_id and submitted.answers is not None
        assert submitted.answers["so_tien_khen_thuong"]["value"] == 570_000_000
        assert submitted.answers["so_tap_the"]["value"] == 75  # Lan's, submitted by Bình
        assert len(uow.reports.for_campaign(1)) == 1
