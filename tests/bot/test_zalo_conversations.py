"""Conversations over the Zalo channels through the real runtime and the fakes: the department receives the
compiled report as a signed download link (Bot Platform: the link serves a .docx with the unit's figures and
refuses an altered or expired one) or as an uploaded file (OA); "typing…" while a document is made; strangers
refused and a restart mid-conversation on every Zalo channel; a person moving from Telegram to Zalo mid-report
at the same question; a returned report told on every channel the unit's staff use; a reply the OA cannot send
(7 days without a message) sent on the person's other channel."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from docx import Document as Docx

from bot.links import Document, link, link_key
from tests.bot.zalo_world import ZaloWorld, clock, fakes, submitted, until, world
from tests.fakes import deployment
from tests.fakes.telegram import FakeTelegram

DEPT_CODE = "SO000001"


@dataclass
class Chat:
    """Someone writing on one channel of a running world: what they type, what they have been sent."""

    say: Callable[[str], Awaitable[object]]
    texts: Callable[[], list[str]]
    channel: str


def chat(w: ZaloWorld, channel: str, user: str) -> Chat:
    """The person ``user`` on ``channel`` (the Zalo bot polled, or the OA by signed webhook)."""
    fx = w.fakes
    if channel == "zalo":
        async def say_bot(text: str) -> object:
            return fx.bot.say(user, text)

        return Chat(say_bot, lambda: fx.bot.texts(user), channel)

    async def say_oa(text: str) -> object:
        return await fx.oa.say(w.hook("zalo-oa"), user, text)

    return Chat(say_oa, lambda: fx.oa.texts(user), channel)


async def says(w: ZaloWorld, person: Chat, text: str, timeout: float = 30) -> list[str]:
    """Type ``text`` and wait until the whole answer is sent (the person reads before typing on); the answer."""
    before = len(person.texts())
    await person.say(text)

    def settled() -> bool:
        with w.uow() as uow:
            waiting = uow.inbox.waiting()
        return len(person.texts()) > before and waiting == 0 and w.runtime.senders[person.channel].depth() == 0

    await until(settled, timeout)
    await asyncio.sleep(0.05)
    return person.texts()[before:]


async def report(w: ZaloWorld, person: Chat, code: str) -> None:
    """The whole report by text, from the invite to the receipt."""
    for line in [f"/start {code}", *deployment.script()]:
        await says(w, person, line)
    await until(lambda: submitted(w) >= 1)


def add_department(w: ZaloWorld) -> None:
    """A department invite (the Sở's officer)."""
    with w.uow() as uow:
        uow.invites.create(DEPT_CODE, "department", None, None, None, deployment.NOW)
        uow.commit()


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a .docx (it must open with python-docx)."""
    document = Docx(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(texts)


def last_question(text: str) -> str:
    """The first line of a reply's last paragraph: the question it asks (after "saved", "skipped"…)."""
    return text.split("\n\n")[-1].split("\n")[0]


def url_in(text: str) -> str:
    """The download link in a message."""
    found = re.search(r"http://127\.0\.0\.1:\d+/files/\S+", text)
    assert found is not None, text
    return found.group(0)


async def test_on_the_bot_platform_documents_come_as_signed_links_with_typing_meanwhile(tmp_path: Path) -> None:
    async with fakes() as fx, world(tmp_path, fx) as w:
        lan = chat(w, "zalo", "u1")
        await report(w, lan, w.codes[0])
        await until(lambda: any("/files/unit/" in t for t in lan.texts()))
        unit_link = url_in(next(t for t in lan.texts() if "/files/unit/" in t))
        assert ("u1", "typing") in fx.bot.actions  # shown while the report was made
        add_department(w)
        so = chat(w, "zalo", "so")
        await says(w, so, f"/start {DEPT_CODE}")
        fx.bot.actions.clear()
        answer = await says(w, so, "/tonghop", timeout=60)
        [compiled] = [t for t in answer if "/files/" in t]  # the .docx only: no link serves an .xlsx
        assert "tong-hop-dot-1.docx" in compiled and "/files/compiled/1/0/" in compiled
        assert fx.bot.actions and set(fx.bot.actions) == {("so", "typing")}
        key = link_key(fx.bot.token)
        async with aiohttp.ClientSession() as http:
            async with http.get(url_in(compiled)) as got:
                assert got.status == 200 and "tong-hop-dot-1.docx" in got.headers["Content-Disposition"]
                text = docx_text(await got.read())
            assert "Xã Thử 0" in text and "75" in text  # the submitted unit and its figures
            async with http.get(unit_link) as got:
                assert got.status == 200 and "75" in docx_text(await got.read())
            other = unit_link.replace("/unit/1/1/", "/unit/1/2/")  # another unit's report: not this link's
            longer = re.sub(r"/(\d+)/([0-9a-f]+)$", lambda m: f"/{int(m.group(1)) + 3600}/{m.group(2)}", unit_link)
            for bad in (other, longer, unit_link[:-2] + "00", unit_link.replace("/unit/", "/compiled/")):
                async with http.get(bad) as got:
                    page = await got.text()
                    assert got.status == 403 and "không đúng" in page and "Traceback" not in page
            old, _ = link(f"http://127.0.0.1:{w.port}", key, Document("compiled", 1), clock() - timedelta(hours=25))
            async with http.get(old) as got:
                assert got.status == 410 and "hết hạn" in await got.text()


async def test_on_the_oa_the_department_receives_the_compiled_report_as_an_uploaded_file(tmp_path: Path) -> None:
    async with fakes() as fx, world(tmp_path, fx, poll=False) as w:
        an = chat(w, "zalo-oa", "oa-1")
        await report(w, an, w.codes[0])
        await until(lambda: any(s.file_name for s in fx.oa.sent if s.user_id == "oa-1"))
        add_department(w)
        so = chat(w, "zalo-oa", "oa-so")
        await says(w, so, f"/start {DEPT_CODE}")
        uploads = fx.oa.uploads
        await so.say("/tonghop")
        await until(lambda: any(s.file_name for s in fx.oa.sent if s.user_id == "oa-so"), 60)
        [sent] = [s for s in fx.oa.sent if s.user_id == "oa-so" and s.file_name]
        assert fx.oa.uploads == uploads + 1 and sent.file_name == "tong-hop-dot-1.docx"  # no .xlsx: Zalo drops it
        assert sent.file_data is not None and "75" in docx_text(sent.file_data)
        assert any("tổng hợp" in t for t in fx.oa.texts("oa-so"))  # the caption went before the file
        assert not any("/files/" in t for t in fx.oa.texts("oa-so"))


@pytest.mark.parametrize("channel", ["zalo", "zalo-oa"])
async def test_a_stranger_is_refused_and_nothing_of_theirs_is_stored(tmp_path: Path, channel: str) -> None:
    async with fakes() as fx, world(tmp_path, fx, poll=channel == "zalo") as w:
        stranger = chat(w, channel, "lạ-1")
        [answer, *_] = await says(w, stranger, "xin chào")
        await says(w, stranger, "75")
        await says(w, stranger, "/tonghop")
        with w.uow() as uow:
            found = uow.people.lookup(channel, "lạ-1")
            assert found is None or (found[0].unit_id is None and found[0].role != "department")
    assert "/start" in answer and deployment.answers(w.url) == {}
    assert not any("/files/" in t or "Xã Thử" in t for t in stranger.texts())


@pytest.mark.parametrize("channel", ["zalo", "zalo-oa"])
async def test_a_restart_mid_conversation_goes_on_at_the_same_question(tmp_path: Path, channel: str) -> None:
    lines = ["/start KT000000", *deployment.script()]
    half = len(lines) // 2
    async with fakes() as fx:
        async with world(tmp_path, fx, poll=channel == "zalo") as w:
            an = chat(w, channel, "an-1")
            for line in lines[:half]:
                asked = await says(w, an, line)
        async with world(tmp_path, fx, poll=channel == "zalo", seeded=True) as w:
            an = chat(w, channel, "an-1")
            again = await says(w, an, "/baocao")
            assert last_question(asked[-1]) in "\n".join(again)  # the question it stopped at, asked again
            for line in lines[half:]:
                await says(w, an, line)
            await until(lambda: submitted(w) == 1)
        stored = deployment.answers(w.url)["Xã Thử 0"]
        assert len(stored) == len({f for f, _ in stored})


@pytest.mark.parametrize("target", ["zalo", "zalo-oa"])
async def test_a_person_moves_from_telegram_to_zalo_mid_report_at_the_same_question(
        tmp_path: Path, target: str) -> None:
    lines = deployment.script()
    async with fakes() as fx, FakeTelegram() as tg, world(tmp_path, fx, poll=target == "zalo", telegram=tg) as w:
        lan = tg.user(510, "Lan")
        await lan.say(f"/start {w.codes[0]}")
        await lan.wait_reply(20)
        for line in lines[:6]:
            await lan.say(line)
            await lan.wait_reply(20)
        await until(lambda: w.runtime.senders["telegram"].depth() == 0)
        await asyncio.sleep(0.3)
        question = last_question(lan.texts()[-1])  # where Lan stopped on Telegram
        await lan.say("/lienket")
        code_text = (await lan.wait_reply(20, where=lambda m: "/start" in (m.text or ""))).text or ""
        code = re.search(r"/start (\S+)", code_text).group(1)  # type: ignore[union-attr]
        zalo = chat(w, target, "z-1")
        linked = "\n".join(await says(w, zalo, f"/start {code}"))
        assert "Xã Thử 0" in linked and question in linked  # the same report, at the same question
        for line in lines[6:]:
            await says(w, zalo, line)
        await until(lambda: submitted(w) == 1)
        with w.uow() as uow:
            tg_person, _ = uow.people.lookup("telegram", "510")  # type: ignore[misc]
            z_person, _ = uow.people.lookup(target, "z-1")  # type: ignore[misc]
            assert tg_person.id == z_person.id
        stored = deployment.answers(w.url)["Xã Thử 0"]
        assert len(stored) == len({f for f, _ in stored})
        # The submitted report reaches Zalo in the channel's way: a link, or an uploaded file.
        if target == "zalo":
            await until(lambda: any("/files/unit/1/1/" in t for t in fx.bot.texts("z-1")))
        else:
            await until(lambda: any(s.file_name for s in fx.oa.sent if s.user_id == "z-1"))


async def test_a_returned_report_is_told_on_every_channel_the_staff_use(tmp_path: Path) -> None:
    async with fakes() as fx, world(tmp_path, fx) as w:
        lb = fx.loopback
        await lb.push("1000", "1000", "An", f"/start {w.codes[0]}")
        for line in deployment.script():
            await lb.push("1000", "1000", "An", line)
        await until(lambda: submitted(w) == 1, 60)
        for n, (channel, user) in enumerate((("zalo", "z-an"), ("zalo-oa", "oa-an")), 1):
            await lb.push("1000", "1000", "An", "/lienket")
            await until(lambda n=n: sum("bot.link.code" in m.msgs for m in lb.messages("1000")) >= n)
            text = [m.text for m in lb.messages("1000") if "bot.link.code" in m.msgs][-1]
            code = re.search(r"/start (\S+)", text).group(1)  # type: ignore[union-attr]
            await says(w, chat(w, channel, user), f"/start {code}")
        fx.oa.close_window("oa-an")  # An has not written to the OA for 7 days: that one cannot go
        add_department(w)
        so = chat(w, "zalo", "so")
        await says(w, so, f"/start {DEPT_CODE}")
        await says(w, so, "/tralai Xã Thử 0 Mục III.2 còn thiếu số liệu")
        reason = "còn thiếu số liệu"
        await until(lambda: any(reason in m.text for m in lb.messages("1000")))
        await until(lambda: any(reason in t for t in fx.bot.texts("z-an")))
        await until(lambda: _given_up(w, "zalo-oa"))  # tried on the OA too, and recorded as not delivered
        await asyncio.sleep(0.5)
    assert not any(reason in t for t in fx.oa.texts("oa-an"))
    assert sum(reason in t for t in fx.bot.texts("z-an")) == 1  # told once there, not again for the OA's give-up


async def test_a_reply_the_oa_cannot_send_after_7_days_goes_to_the_persons_other_channel(tmp_path: Path) -> None:
    async with fakes() as fx, world(tmp_path, fx) as w:
        zalo = chat(w, "zalo", "z-an")
        await says(w, zalo, f"/start {w.codes[0]}")
        code = re.search(r"/start (\S+)", (await says(w, zalo, "/lienket"))[-1]).group(1)  # type: ignore[union-attr]
        await says(w, chat(w, "zalo-oa", "oa-an"), f"/start {code}")
        before, on_oa = len(fx.bot.texts("z-an")), len(fx.oa.texts("oa-an"))
        fx.oa.close_window("oa-an")
        await fx.oa.post(w.hook("zalo-oa"), fx.oa.event("oa-an", "/trogiup"))  # the window stays closed
        await until(lambda: _given_up(w, "zalo-oa"))
        await until(lambda: len(fx.bot.texts("z-an")) > before)
        with w.uow() as uow:
            [lost] = [row for row in uow.outbox.given_up() if row.channel == "zalo-oa"]
            assert lost.last_error is not None and lost.last_error.startswith("-230")
        assert fx.bot.texts("z-an")[before:] == [lost.payload["text"]]  # the same reply, on Zalo instead
        assert len(fx.oa.texts("oa-an")) == on_oa


def _given_up(w: ZaloWorld, channel: str) -> bool:
    with w.uow() as uow:
        return any(row.channel == channel for row in uow.outbox.given_up())
