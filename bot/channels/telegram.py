"""The Telegram channel on aiogram 3: updates become engine events at the edge, messages go out with inline
keyboards; long polling, or a webhook when ``REPORTBOT_PUBLIC_URL`` is set.

Button data never travels as the engine's own (``opt:<field>:<i>`` may pass Telegram's 64 bytes): a button is
sent as ``b:<outbox id>:<n>`` and the runner maps a press back to the data of the message it was on
(:func:`bot.buttons.resolve`), which also tells a press on a stale keyboard from a fresh one. A pressed
keyboard is removed and every press answered (``answerCallbackQuery``) at once; a keyboard a newer turn made
stale (the user typed the answer, or anything else) is removed when that turn's first message is sent, so a
chat shows no keyboard that would only answer "stale" (best effort: this process's own sends, since it started).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
)
from aiogram.types import BotCommand, BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.types import Update as TgUpdate

from bot.buttons import token_for
from bot.channels.base import Capabilities, Permanent, RetryAfter, SendResult, Sent, Transient
from bot.envelopes import Outgoing, Update
from dialogs.events import Event, FileReceived, Pick, Text, Unsupported
from dialogs.messages import t

NAME = "telegram"
#: The header Telegram puts the webhook secret in.
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: The command menu (``setMyCommands``): command → message id of its description.
COMMANDS = {
    "baocao": "bot.telegram.cmd_baocao", "xemlai": "bot.telegram.cmd_xemlai", "sua": "bot.telegram.cmd_sua",
    "nop": "bot.telegram.cmd_nop", "tiendo": "bot.telegram.cmd_tiendo", "tonghop": "bot.telegram.cmd_tonghop",
    "trogiup": "bot.telegram.cmd_trogiup",
}
log = logging.getLogger(__name__)


class TelegramChannel:
    """One bot on the Bot API server at ``api_url``."""

    name = NAME
    capabilities = Capabilities(buttons=True, documents=True, edits=True, text_limit=4096)

    def __init__(self, token: str, api_url: str, *, connections: int = 100) -> None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_url), limit=connections)
        self.bot = Bot(token, session=session)
        self.username = ""
        self._tasks: set[asyncio.Task[Any]] = set()
        #: Chat → (message id, turn) of the last keyboard sent there and not removed yet.
        self._keyboards: dict[str, tuple[int, int | None]] = {}

    async def start(self) -> None:
        """Learn the bot's name (``getMe``) and set the Vietnamese command menu."""
        me = await self.bot.get_me()
        self.username = me.username or ""
        await self.bot.set_my_commands([BotCommand(command=c, description=t(m)) for c, m in COMMANDS.items()])

    def parse(self, raw: dict[str, Any]) -> Update | None:
        """A Bot API update as an engine event (None: nothing to process)."""
        try:
            update = TgUpdate.model_validate(raw, context={"bot": self.bot})
        except ValueError:
            return None
        return self._update_of(update)

    def _update_of(self, update: TgUpdate) -> Update | None:
        """A validated Bot API update as an engine event (None: nothing to process)."""
        if update.callback_query is not None:
            query = update.callback_query
            self._soon(self._answer_press(query.id, query.message))
            if query.message is None or query.data is None:
                return None
            chat_id = str(query.message.chat.id)
            return Update(NAME, str(update.update_id), chat_id, str(query.from_user.id), Pick(query.data),
                          query.from_user.full_name)
        message = update.message
        if message is None:
            edited = update.edited_message
            if edited is None or edited.from_user is None:
                return None
            return Update(NAME, str(update.update_id), str(edited.chat.id), str(edited.from_user.id),
                          Unsupported("edited"), edited.from_user.full_name)
        if message.from_user is None:
            return None
        event = _event_of(message)
        return Update(NAME, str(update.update_id), str(message.chat.id), str(message.from_user.id), event,
                      message.from_user.full_name)

    async def send(self, message: Outgoing) -> SendResult:
        """``sendMessage`` with the buttons as an inline keyboard; the Bot API's answer as a send result."""
        markup = None
        if message.buttons:
            markup = InlineKeyboardMarkup(inline_keyboard=[
                [InlineKeyboardButton(text=label[:64], callback_data=token_for(message.id, n))]
                for n, (label, _) in enumerate(message.buttons)])
        try:
            sent = await self.bot.send_message(int(message.chat_id), message.text, reply_markup=markup)
        except (TelegramAPIError, TimeoutError, OSError) as exc:
            return failure_of(exc)
        self._shown(message, sent.message_id, markup is not None)
        return Sent(str(sent.message_id))

    async def send_document(self, message: Outgoing, name: str, data: bytes) -> SendResult:
        """``sendDocument``: the file, with the message's text as its caption."""
        try:
            sent = await self.bot.send_document(int(message.chat_id), BufferedInputFile(data, filename=name),
                                                caption=message.text[:1024] or None)
        except (TelegramAPIError, TimeoutError, OSError) as exc:
            return failure_of(exc)
        self._shown(message, sent.message_id, False)
        return Sent(str(sent.message_id))

    def _shown(self, message: Outgoing, message_id: int, keyboard: bool) -> None:
        """A message went out: the chat's earlier keyboard is removed when this message is of a newer turn (the
        runner takes a press on it as stale now); this one's keyboard is remembered."""
        before = self._keyboards.get(message.chat_id)
        if before is not None and message.turn is not None and (before[1] is None or before[1] < message.turn):
            del self._keyboards[message.chat_id]
            self._soon(self._remove_keyboard(int(message.chat_id), before[0]))
        if keyboard:
            self._keyboards[message.chat_id] = (message_id, message.turn)

    async def poll(self, submit: Any, *, timeout: int = 25, stop: asyncio.Event | None = None) -> None:
        """Long polling: each update is kept (``submit``) before the offset moves past it."""
        offset: int | None = None
        pause = 0.5
        while stop is None or not stop.is_set():
            try:
                updates = await self.bot.get_updates(offset=offset, timeout=timeout,
                                                     allowed_updates=["message", "edited_message", "callback_query"])
            except (TimeoutError, TelegramAPIError, OSError) as exc:
                log.warning("telegram getUpdates failed: %s", type(exc).__name__)
                await asyncio.sleep(pause)
                pause = min(30.0, pause * 2)
                continue
            pause = 0.5
            # aiogram validated them already: no second round trip through JSON.
            parsed = [u for u in map(self._update_of, updates) if u is not None]
            # The whole batch is kept in one commit (submitted together, in order); on a failure all of it is
            # submitted again (those already kept are ignored as duplicates) before the offset moves on.
            while parsed:
                results = await asyncio.gather(*(submit(u) for u in parsed), return_exceptions=True)
                failed = [r for r in results if isinstance(r, BaseException)]
                if not failed:
                    break
                log.warning("telegram updates not kept (%s); trying again", type(failed[0]).__name__)
                await asyncio.sleep(pause)
                pause = min(30.0, pause * 2)
            if updates:
                offset = updates[-1].update_id + 1

    async def set_webhook(self, url: str, secret: str) -> None:
        """Ask Telegram to push updates to ``url`` with ``secret`` in :data:`SECRET_HEADER`."""
        await self.bot.set_webhook(url, secret_token=secret,
                                   allowed_updates=["message", "edited_message", "callback_query"])

    async def close(self) -> None:
        """Finish pending callback answers and close the HTTP session."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.bot.session.close()

    def _soon(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer_press(self, query_id: str, message: Any) -> None:
        """Stop the button's spinner and remove the keyboard that was pressed (best effort)."""
        try:
            await self.bot.answer_callback_query(query_id)
        except (TimeoutError, TelegramAPIError, OSError) as exc:
            log.info("telegram: answering a press failed: %s", type(exc).__name__)
        if message is None or not getattr(message, "message_id", None):
            return
        chat = str(message.chat.id)
        if self._keyboards.get(chat, (None,))[0] == message.message_id:
            del self._keyboards[chat]
        if getattr(message, "reply_markup", None) is not None:  # not removed already
            await self._remove_keyboard(message.chat.id, message.message_id)

    async def _remove_keyboard(self, chat_id: int, message_id: int) -> None:
        """Remove a message's inline keyboard (best effort: a message already without one is fine)."""
        try:
            await self.bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id, reply_markup=None)
        except (TimeoutError, TelegramAPIError, OSError) as exc:
            log.info("telegram: removing a keyboard failed: %s", type(exc).__name__)


def failure_of(exc: BaseException) -> SendResult:
    """What a failed Bot API call means for the sender: flood control, for good (blocked, chat not found, a
    refused message), or worth another try (network, server, anything else)."""
    if isinstance(exc, TelegramRetryAfter):
        return RetryAfter(float(exc.retry_after))
    if isinstance(exc, (TelegramForbiddenError, TelegramNotFound)):
        return Permanent(f"403 {exc.message}"[:200])
    if isinstance(exc, TelegramBadRequest):
        return Permanent(f"400 {exc.message}"[:200])
    return Transient(type(exc).__name__)


def _event_of(message: Any) -> Event:
    """What a message says to the engine: its text, a file, or what it was (sticker, voice…) in words."""
    if message.text is not None:
        return Text(message.text)
    if message.document is not None:
        doc = message.document
        return FileReceived(doc.file_id, doc.file_name or "", doc.mime_type or "", doc.file_size or 0)
    if message.photo:
        photo = message.photo[-1]
        return FileReceived(photo.file_id, "", "image/jpeg", photo.file_size or 0)
    if message.caption:
        return Text(message.caption)
    for what in ("sticker", "voice", "location"):
        if getattr(message, what, None) is not None:
            return Unsupported(what)
    return Unsupported("other")


async def bot_username(token: str, api_url: str) -> str:
    """The bot's ``@name`` (``getMe``), for ``t.me/<bot>?start=CODE`` links."""
    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api_url)))
    try:
        me = await bot.get_me()
    finally:
        await bot.session.close()
    return me.username or ""
