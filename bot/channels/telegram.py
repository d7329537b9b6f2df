"""The Telegram channel on aiogram 3: updates become engine events at the edge, messages go out with inline
keyboards; long polling, or a webhook when ``REPORTBOT_PUBLIC_URL`` is set.

Button data never travels as the engine's own (``opt:<field>:<i>`` may pass Telegram's 64 bytes): a button is
sent as ``b:<outbox id>:<n>`` and the runner maps a press back to the data of the message it was on
(:func:`bot.buttons.resolve`), which also tells a press on a stale keyboard from a fresh one. A pressed
keyboard is removed and every press answered (``answerCallbackQuery``) at once; a keyboard a newer turn made
stale (the user typed the answer, or anything else) is removed when that turn's first message is sent, so a
chat shows no keyboard that would only answer "stale" (best effort: this process's own sends, since it started).

aiogram gives the Bot API's address (``TelegramAPIServer``), the HTTP session, the rare calls (``getMe``, the
menu, the webhook, documents, files) and the errors; the calls made on every turn (``getUpdates``,
``sendMessage``, ``editMessageReplyMarkup``, ``answerCallbackQuery``) go through that same session as plain
JSON, read as plain dicts: building and validating aiogram's models for them cost more than the rest of a
turn's traffic (benchmarks/telegram_load.py). A refusal is still turned into aiogram's own exception
(``check_response``), so what a failure means is decided in one place (:func:`failure_of`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
)
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, GetUpdates, SendMessage, TelegramMethod
from aiogram.types import BotCommand, BufferedInputFile
from aiohttp import ClientError, ClientTimeout

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
#: The updates asked for (polling and the webhook).
ALLOWED = ["message", "edited_message", "callback_query"]
#: The aiogram method of each call made as plain JSON (its errors are aiogram's, see :meth:`TelegramChannel._call`).
METHODS: dict[str, type[TelegramMethod[Any]]] = {
    "getUpdates": GetUpdates, "sendMessage": SendMessage, "editMessageReplyMarkup": EditMessageReplyMarkup,
    "answerCallbackQuery": AnswerCallbackQuery,
}
JSON_HEADERS = {"Content-Type": "application/json"}
#: Seconds a call may take (getUpdates: its long-poll timeout on top).
CALL_TIMEOUT = 60.0
log = logging.getLogger(__name__)


class TelegramChannel:
    """One bot on the Bot API server at ``api_url``."""

    name = NAME
    capabilities = Capabilities(buttons=True, documents=True, edits=True, text_limit=4096)

    def __init__(self, token: str, api_url: str, *, connections: int = 100) -> None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_url), limit=connections)
        self.bot = Bot(token, session=session)
        self._session = session
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
        """A Bot API update (as JSON) as an engine event (None: nothing to process, or not an update)."""
        try:
            return self._update_of(raw)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def _update_of(self, raw: dict[str, Any]) -> Update | None:
        update_id = str(int(raw["update_id"]))
        query = raw.get("callback_query")
        if query is not None:
            message = query.get("message")
            self._soon(self._answer_press(str(query["id"]), message))
            if not message or query.get("data") is None:
                return None
            return Update(NAME, update_id, str(int(message["chat"]["id"])), str(int(query["from"]["id"])),
                          Pick(str(query["data"])), _full_name(query["from"]))
        message = raw.get("message")
        if message is None:
            edited = raw.get("edited_message")
            if not edited or not edited.get("from"):
                return None
            return Update(NAME, update_id, str(int(edited["chat"]["id"])), str(int(edited["from"]["id"])),
                          Unsupported("edited"), _full_name(edited["from"]))
        sender = message.get("from")
        if not sender:
            return None
        return Update(NAME, update_id, str(int(message["chat"]["id"])), str(int(sender["id"])), _event_of(message),
                      _full_name(sender))

    async def _call(self, method: str, payload: dict[str, Any], *, timeout: float = CALL_TIMEOUT) -> Any:
        """One Bot API call as plain JSON through aiogram's session; its ``result``, or aiogram's exception."""
        session = await self._session.create_session()
        url = self._session.api.api_url(token=self.bot.token, method=method)
        body = json.dumps(payload, ensure_ascii=False).encode()
        try:
            async with session.post(url, data=body, headers=JSON_HEADERS,
                                    timeout=ClientTimeout(total=timeout)) as response:
                status, content = response.status, await response.read()
        except (TimeoutError, ClientError) as exc:
            raise TelegramNetworkError(method=self._method(method, payload),
                                       message=f"{type(exc).__name__}: {exc}") from exc
        if status == 200:
            try:
                answer = json.loads(content)
            except ValueError:
                answer = None
            if isinstance(answer, dict) and answer.get("ok") is True:
                return answer.get("result")
        # A refusal (or a body that is not the Bot API's): aiogram says what it is.
        self._session.check_response(self.bot, self._method(method, payload), status,
                                        content.decode(errors="replace"))
        raise TelegramNetworkError(method=self._method(method, payload), message=f"unexpected answer ({status})")

    @staticmethod
    def _method(method: str, payload: dict[str, Any]) -> TelegramMethod[Any]:
        return METHODS[method].model_construct(**payload)

    async def send(self, message: Outgoing) -> SendResult:
        """``sendMessage`` with the buttons as an inline keyboard; the Bot API's answer as a send result."""
        payload: dict[str, Any] = {"chat_id": int(message.chat_id), "text": message.text}
        if message.buttons:
            payload["reply_markup"] = {"inline_keyboard": [
                [{"text": label[:64], "callback_data": token_for(message.id, n)}]
                for n, (label, _) in enumerate(message.buttons)]}
        try:
            sent = await self._call("sendMessage", payload)
            message_id = int(sent["message_id"])
        except (TelegramAPIError, TimeoutError, OSError) as exc:
            return failure_of(exc)
        except (KeyError, TypeError, ValueError):  # sent, by the look of it, with an answer we cannot read
            return Sent(None)
        self._shown(message, message_id, bool(message.buttons))
        return Sent(str(message_id))

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
                payload: dict[str, Any] = {"timeout": timeout, "allowed_updates": ALLOWED}
                if offset is not None:
                    payload["offset"] = offset
                updates = await self._call("getUpdates", payload, timeout=timeout + CALL_TIMEOUT)
                if not isinstance(updates, list):
                    raise TypeError("getUpdates answered no list")
            except (TimeoutError, TelegramAPIError, OSError, TypeError) as exc:
                log.warning("telegram getUpdates failed: %s", type(exc).__name__)
                await asyncio.sleep(pause)
                pause = min(30.0, pause * 2)
                continue
            pause = 0.5
            parsed = [u for u in map(self.parse, updates) if u is not None]
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
            ids = [u["update_id"] for u in updates if isinstance(u, dict) and isinstance(u.get("update_id"), int)]
            if ids:
                offset = max(ids) + 1

    async def set_webhook(self, url: str, secret: str) -> None:
        """Ask Telegram to push updates to ``url`` with ``secret`` in :data:`SECRET_HEADER`."""
        await self.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED)

    async def close(self) -> None:
        """Finish pending callback answers and close the HTTP session."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.bot.session.close()

    def _soon(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer_press(self, query_id: str, message: dict[str, Any] | None) -> None:
        """Stop the button's spinner and remove the keyboard that was pressed (best effort)."""
        try:
            await self._call("answerCallbackQuery", {"callback_query_id": query_id})
        except (TimeoutError, TelegramAPIError, OSError) as exc:
            log.info("telegram: answering a press failed: %s", type(exc).__name__)
        if not message or not message.get("message_id"):
            return
        chat = str(message["chat"]["id"])
        if self._keyboards.get(chat, (None,))[0] == message["message_id"]:
            del self._keyboards[chat]
        if message.get("reply_markup") is not None:  # not removed already
            await self._remove_keyboard(int(message["chat"]["id"]), int(message["message_id"]))

    async def _remove_keyboard(self, chat_id: int, message_id: int) -> None:
        """Remove a message's inline keyboard (best effort: a message already without one is fine)."""
        try:
            await self._call("editMessageReplyMarkup", {"chat_id": chat_id, "message_id": message_id})
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


def _full_name(user: dict[str, Any]) -> str:
    """A Telegram user's name as aiogram's ``full_name`` gives it."""
    first, last = str(user.get("first_name") or ""), user.get("last_name")
    return f"{first} {last}" if last else first


def _event_of(message: dict[str, Any]) -> Event:
    """What a message says to the engine: its text, a file, or what it was (sticker, voice…) in words."""
    if isinstance(message.get("text"), str):
        return Text(message["text"])
    document = message.get("document")
    if document:
        return FileReceived(str(document["file_id"]), str(document.get("file_name") or ""),
                            str(document.get("mime_type") or ""), int(document.get("file_size") or 0))
    photos = message.get("photo")
    if photos:
        photo = photos[-1]
        return FileReceived(str(photo["file_id"]), "", "image/jpeg", int(photo.get("file_size") or 0))
    if isinstance(message.get("caption"), str) and message["caption"]:
        return Text(message["caption"])
    for what in ("sticker", "voice", "location"):
        if message.get(what) is not None:
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
