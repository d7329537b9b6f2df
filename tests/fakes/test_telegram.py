"""The fake Telegram Bot API (:mod:`tests.fakes.telegram`) driven by aiogram 3 itself: a tiny Bot and
Dispatcher per test, talking to the fake through ``AiohttpSession(api=TelegramAPIServer.from_base(...))``,
by long polling and by webhook (aiogram's own ``SimpleRequestHandler``)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import ClientSession, web

from tests.fakes.telegram import SECRET_HEADER, FakeTelegram, Flood, ScriptUser


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d)] for t, d in pairs])


def form_bot() -> Dispatcher:
    """A small bot: /start CODE, an inline yes/no question, files echoed back by size, an echo otherwise."""
    dp = Dispatcher()

    @dp.message(CommandStart(deep_link=True))
    async def start(message: Message, command: CommandObject) -> None:
        await message.answer(f"start {command.args}")

    @dp.message(Command("hoi"))
    async def ask(message: Message) -> None:
        await message.answer("Đồng ý?", reply_markup=keyboard(("Có", "yn:1"), ("Không", "yn:0")))

    @dp.callback_query(F.data.startswith("yn:"))
    async def pick(query: CallbackQuery, bot: Bot) -> None:
        assert query.message is not None and isinstance(query.message, Message)
        if query.message.reply_markup is None:
            await query.answer("Câu này đã trả lời rồi")
            return
        await query.answer()
        await bot.edit_message_reply_markup(chat_id=query.message.chat.id, message_id=query.message.message_id)
        await bot.send_message(query.message.chat.id, f"chọn {query.data}")

    @dp.message(F.document | F.photo)
    async def got_file(message: Message, bot: Bot) -> None:
        file_id = message.document.file_id if message.document else message.photo[-1].file_id  # type: ignore[index]
        file = await bot.get_file(file_id)
        assert file.file_path is not None
        data = await bot.download_file(file.file_path)
        assert data is not None
        await message.answer(f"nhận {len(data.read())} byte")

    @dp.edited_message()
    async def edited(message: Message) -> None:
        await message.answer(f"sửa: {message.text}")

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(f"echo: {message.text}")

    @dp.message()
    async def other(message: Message) -> None:
        await message.answer(f"không hiểu {message.content_type.value}")

    return dp


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(username="baocao_bot") as fake:
        yield fake


@pytest.fixture
async def bot(server: FakeTelegram) -> AsyncIterator[Bot]:
    bot = server.bot()
    yield bot
    await bot.session.close()


@contextlib.asynccontextmanager
async def polling(dp: Dispatcher, bot: Bot) -> AsyncIterator[None]:
    task = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=1, close_bot_session=False))
    try:
        yield
    finally:
        await dp.stop_polling()
        await task


@contextlib.asynccontextmanager
async def webhook_app(dp: Dispatcher, bot: Bot, secret: str | None, port: int = 0,
                      background: bool = True) -> AsyncIterator[str]:
    app = web.Application()
    handler = SimpleRequestHandler(dp, bot, secret_token=secret, handle_in_background=background)
    handler.register(app, "/webhook/telegram")
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port or free_port()).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/webhook/telegram"
    finally:
        await runner.cleanup()


async def test_get_me_and_commands_menu(server: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.username, me.is_bot, me.id) == ("baocao_bot", True, bot.id)
    commands = [BotCommand(command="tiendo", description="Tiến độ"),
                BotCommand(command="tonghop", description="Tổng hợp")]
    assert await bot.set_my_commands(commands)
    assert server.commands[("default", "")] == [("tiendo", "Tiến độ"), ("tonghop", "Tổng hợp")]
    assert [c.command for c in await bot.get_my_commands()] == ["tiendo", "tonghop"]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Tiến độ", description="x")])
    stranger = Bot("42:not-the-token", session=bot.session)
    with pytest.raises(TelegramUnauthorizedError):
        await stranger.get_me()


async def test_polling_start_code_echo_and_edit(server: FakeTelegram, bot: Bot) -> None:
    lan = server.user(501, "Lan")
    async with polling(form_bot(), bot):
        sent = await lan.say("/start ABC123")
        assert (await lan.wait_reply()).text == "start ABC123"
        assert sent.payload["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
        said = await lan.say("bảy mươi lăm")
        assert (await lan.wait_reply()).text == "echo: bảy mươi lăm"
        await lan.edit(said, "75")
        assert (await lan.wait_reply()).text == "sửa: 75"
    assert [m.message_id for m in lan.replies()] == [2, 4, 5]  # per chat, shared with the user (an edit takes none)
    assert server.pending_updates() == []  # every update confirmed by a later offset


async def test_inline_press_edits_and_stale_press_is_answered(server: FakeTelegram, bot: Bot) -> None:
    lan = server.user(502, "Lan")
    async with polling(form_bot(), bot):
        await lan.say("/hoi")
        question = await lan.wait_reply()
        assert question.labels == ["Có", "Không"] and question.button("Có").data == "yn:1"
        await lan.press("Có")
        assert (await lan.wait_reply()).text == "chọn yn:1"
        assert (await lan.wait_answer()).text is None
        assert question.reply_markup is None and question.versions[0].reply_markup is not None  # keyboard removed
        with pytest.raises(LookupError):
            await lan.press("Không")  # no current keyboard has it
        await lan.press("Không", message=question)  # a stale keyboard on another device
        assert (await lan.wait_answer()).text == "Câu này đã trả lời rồi"
    assert [a.data for a in lan.answers()] == ["yn:1", "yn:0"]
    assert server.unanswered_callbacks() == 0


async def test_every_user_update_is_a_valid_aiogram_update(server: FakeTelegram) -> None:
    lan = server.user(503, "Lan", username="lan_ubnd")
    chat = server.store.chats[503]
    msg = server.store.add_bot_message(chat, text="Chọn", reply_markup=keyboard(("Có", "yes")).model_dump())
    updates = [
        await lan.say("/start X"), await lan.say("xin chào"), await lan.send_sticker(), await lan.send_voice(),
        await lan.send_location(), await lan.send_photo(caption="ảnh"), await lan.send_document(b"%PDF", "a.pdf"),
        await lan.press("yes", message=msg), await lan.block(),
    ]
    updates.append(await lan.edit(updates[1], "xin chào!"))
    parsed = [Update.model_validate(u.payload) for u in updates]
    assert [p.event_type for p in parsed] == ["message"] * 7 + ["callback_query", "my_chat_member", "edited_message"]
    assert parsed[2].message.sticker.emoji == "👍" and parsed[5].message.photo[-1].width == 1280
    assert parsed[7].callback_query.message.message_id == msg.message_id
    assert parsed[8].my_chat_member.new_chat_member.status == "kicked"


async def test_files_users_send_resolve_through_get_file(server: FakeTelegram, bot: Bot) -> None:
    lan = server.user(504, "Lan")
    async with polling(form_bot(), bot):
        await lan.send_document(b"x" * 1234, "bang.xlsx", "application/vnd.ms-excel")
        assert (await lan.wait_reply()).text == "nhận 1234 byte"
        await lan.send_photo(b"\x89PNG" + b"p" * 96)
        assert (await lan.wait_reply()).text == "nhận 100 byte"
        await lan.send_voice()
        assert (await lan.wait_reply()).text == "không hiểu voice"
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("nope")


async def test_send_document_upload_is_recorded_and_downloadable(server: FakeTelegram, bot: Bot) -> None:
    lan = server.user(505, "Lan")
    data = bytes(range(256)) * 40
    sent = await bot.send_document(505, BufferedInputFile(data, "bao-cao.docx"), caption="Báo cáo",
                                   reply_markup=keyboard(("Xem", "view")))
    doc = lan.documents()[0]
    assert (doc.file_name, doc.size, doc.data, doc.mime_type) == ("bao-cao.docx", len(data), data, doc.mime_type)
    assert doc.mime_type and "wordprocessingml" in doc.mime_type
    assert lan.replies()[0].caption == "Báo cáo" and lan.replies()[0].labels == ["Xem"]
    assert sent.document is not None and sent.document.file_name == "bao-cao.docx"
    file = await bot.get_file(sent.document.file_id)
    downloaded = await bot.download_file(file.file_path or "")
    assert downloaded is not None and downloaded.read() == data
    with pytest.raises(TelegramBadRequest, match="there is no text"):
        await bot.edit_message_text("x", chat_id=505, message_id=sent.message_id)


async def test_limits_too_long_button_data_not_modified_unknown_chat(server: FakeTelegram, bot: Bot) -> None:
    server.user(506, "Lan")
    assert (await bot.send_message(506, "a" * 4096)).text == "a" * 4096
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(506, "a" * 4097)
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(506, "x", reply_markup=keyboard(("Có", "đ" * 33)))  # 66 bytes
    ok = await bot.send_message(506, "x", reply_markup=keyboard(("Có", "đ" * 32)))  # 64 bytes
    with pytest.raises(TelegramBadRequest, match="not modified"):
        await bot.edit_message_text("x", chat_id=506, message_id=ok.message_id,
                                    reply_markup=keyboard(("Có", "đ" * 32)))
    edited = await bot.edit_message_text("y", chat_id=506, message_id=ok.message_id)
    assert edited.text == "y" and edited.reply_markup is None  # an edit without markup drops the keyboard
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(999, "ai?")
    assert server.stats.http_400 == 4 and len(server.messages(506)) == 2


async def test_blocked_user_gets_403_and_bot_hears_my_chat_member(server: FakeTelegram, bot: Bot) -> None:
    lan = server.user(507, "Lan")
    seen: list[str] = []
    dp = Dispatcher()

    @dp.my_chat_member()
    async def member(update: Any) -> None:
        seen.append(update.new_chat_member.status)

    async with polling(dp, bot):
        await lan.block()
        with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
            await bot.send_message(507, "còn đó không?")
        await lan.wait_until(lambda: seen, what="my_chat_member")
        await lan.unblock()
        await bot.send_message(507, "chào lại")
    assert seen[0] == "kicked" and server.stats.http_403 == 1 and lan.texts() == ["chào lại"]


async def test_flood_control_and_injected_429(bot: Bot) -> None:
    async with FakeTelegram(flood=Flood(rate=30, burst=30, chat_rate=1, chat_burst=2)) as server:
        session_bot = server.bot()
        try:
            server.user(508, "Lan")
            await session_bot.send_message(508, "1")
            await session_bot.send_message(508, "2")
            with pytest.raises(TelegramRetryAfter) as flood:
                await session_bot.send_message(508, "3")
            assert flood.value.retry_after >= 1
            server.fail_next(508, 2, 429, retry_after=7)
            await asyncio.sleep(1.05)  # a token back
            for _ in range(2):
                with pytest.raises(TelegramRetryAfter) as injected:
                    await session_bot.send_message(508, "4")
                assert injected.value.retry_after == 7
            await session_bot.send_message(508, "4")
            assert [m.text for m in server.messages(508)] == ["1", "2", "4"]
            assert server.stats.http_429 == 3 and server.http_429(508) == 3
        finally:
            await session_bot.session.close()


async def test_get_updates_semantics_over_raw_http(server: FakeTelegram) -> None:
    lan = server.user(509, "Lan")
    url = f"{server.base_url}/bot{server.token}/getUpdates"
    async with ClientSession() as http:
        async def poll(**params: Any) -> Any:
            async with http.post(url, json=params) as resp:
                return resp.status, await resp.json()

        assert (await poll(timeout=0))[1] == {"ok": True, "result": []}
        for text in ("a", "b", "c"):
            await lan.say(text)
        _, body = await poll(limit=2)
        first = [u["message"]["text"] for u in body["result"]]
        ids = [u["update_id"] for u in body["result"]]
        assert first == ["a", "b"]
        _, body = await poll(offset=ids[-1] + 1)  # confirms a and b
        assert [u["message"]["text"] for u in body["result"]] == ["c"]
        assert len(server.pending_updates()) == 1
        waiting = asyncio.create_task(poll(offset=body["result"][-1]["update_id"] + 1, timeout=5))
        await asyncio.sleep(0.1)
        await lan.say("d")
        _, body = await asyncio.wait_for(waiting, 1)  # long poll answers as soon as an update comes
        assert [u["message"]["text"] for u in body["result"]] == ["d"]
        older = asyncio.create_task(poll(offset=body["result"][-1]["update_id"] + 1, timeout=5))
        await asyncio.sleep(0.1)
        newer = asyncio.create_task(poll(offset=body["result"][-1]["update_id"] + 1, timeout=0))
        assert (await older)[0] == 409 and (await newer)[1]["result"] == []
        async with http.post(f"{server.base_url}/botWRONG:1/getMe") as resp:
            assert resp.status == 401
        async with http.post(f"{server.base_url}/bot{server.token}/sendSticker") as resp:
            assert resp.status == 404


async def test_webhook_mode_secret_retries_and_conflict(server: FakeTelegram, bot: Bot) -> None:
    lan = server.user(510, "Lan")
    dp = form_bot()
    port = free_port()
    assert await bot.set_webhook(f"http://127.0.0.1:{port}/webhook/telegram", secret_token="wrong-secret")
    await lan.say("trước khi bot chạy")  # connection refused: retried quietly
    await asyncio.sleep(0.2)
    assert server.stats.push_conn_errors >= 1 and lan.replies() == []
    async with webhook_app(dp, bot, secret="s3cret_token", port=port) as url:
        await asyncio.sleep(0.3)
        assert server.stats.push_http_errors >= 1 and lan.replies() == []  # 401 from aiogram: retried
        assert await bot.set_webhook(url, secret_token="s3cret_token")
        assert (await lan.wait_reply()).text == "echo: trước khi bot chạy"  # the same update, at last
        await lan.say("/hoi")
        await lan.wait_reply()
        await lan.press("Không")
        assert (await lan.wait_reply()).text == "chọn yn:0"
        with pytest.raises(TelegramConflictError):
            await bot.get_updates()
        info = await bot.get_webhook_info()
        assert info.url == url and info.pending_update_count == 0
    assert [h.secret_token for h in server.webhooks] == ["wrong-secret", "s3cret_token"]
    assert await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == []


async def test_webhook_answer_with_a_method_is_executed(server: FakeTelegram, bot: Bot) -> None:
    lan = server.user(511, "Lan")
    dp = Dispatcher()

    @dp.message()
    async def reply(message: Message) -> Any:
        return message.answer(f"trong câu trả lời: {message.text}", reply_markup=keyboard(("OK", "ok")))

    async with webhook_app(dp, bot, secret=None, background=False) as url:
        await bot.set_webhook(url)
        await lan.say("chào")
        got = await lan.wait_reply()
    assert got.text == "trong câu trả lời: chào" and got.labels == ["OK"]
    assert server.calls[-1].method == "sendMessage"
    assert SECRET_HEADER == "X-Telegram-Bot-Api-Secret-Token"


async def test_scripted_users_under_polling(server: FakeTelegram, bot: Bot) -> None:
    users = [ScriptUser(600 + i, f"U{i}", ["/start C", "/hoi", "@press:Có", "xong"], after="first")
             for i in range(20)]
    async with polling(form_bot(), bot):
        server.add_users(users)
        assert await server.wait_done(20) == {"done": 20}
    latencies = server.replies_latency()
    assert len(latencies) == 80 and all(0 <= x < 5 for x in latencies)
    assert [m.shown for m in server.messages(600)] == ["start C", "Đồng ý?", "chọn yn:1", "echo: xong"]
    assert server.answers(619)[0].data == "yn:1"
