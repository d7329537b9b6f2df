"""Simulated Telegram users of the fake Bot API (:mod:`tests.fakes.telegram`).

A :class:`TgUser` (``server.user(id, name)``) is a person in a private chat with the bot. Its actions queue
real updates — ``say`` (a ``message``; ``/start CODE`` carries a ``bot_command`` entity like Telegram's),
``press`` (a ``callback_query`` on a button of a bot message), ``edit`` (an ``edited_message``),
``send_photo`` / ``send_document`` / ``send_voice`` / ``send_sticker`` (files resolvable by getFile),
``send_location``, ``block`` (a ``my_chat_member`` update, then 403 on sends) — and return the
:class:`~tests.fakes.telegram_store.PendingUpdate`. Reading: ``replies()`` (the bot's messages in the chat,
edits applied), ``answers()`` (callback answers), ``wait_reply`` (the next message after the last action
was delivered), ``wait_answer``, ``wait_until``.

A :class:`ScriptUser` is a script for load runs: it sends line 0, waits for the reply (first message,
first with buttons, or one a predicate accepts), then sends the next line ``think`` seconds later. Lines
starting with ``@press:`` press a button (label or data) of the latest bot message that has it.

>>> ScriptUser(1, "Lan", ["/start ABC", "@press:Có"]).status
'waiting'
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from tests.fakes.telegram_store import BotMessage, CallbackAnswer, Chat, Document, PendingUpdate

if TYPE_CHECKING:
    from tests.fakes.telegram import FakeTelegram

log = logging.getLogger(__name__)

#: A script line that presses a button: ``"@press:" + label or data``.
PRESS = "@press:"
#: A tiny valid PNG (1×1), the default photo.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)

Status = Literal["waiting", "running", "done", "silent", "error"]


@dataclass(eq=False)
class ScriptUser:
    """A scripted user: identity, script and how it waits; the run fills in the outcome."""

    user_id: int
    name: str
    script: list[str]
    think: float = 0.0  #: seconds between the reply and the next line
    after: str | Callable[[BotMessage], bool] = "first"  #: "first", "buttons" or a predicate
    silence: float = 30.0  #: seconds a line waits for its reply before the user is recorded silent
    status: Status = field(default="waiting", init=False)
    sent: int = field(default=0, init=False)  #: script lines sent
    silent_at: int | None = field(default=None, init=False)  #: the line left without a reply
    error: str | None = field(default=None, init=False)  #: a bug in the fake or its use, never a bot fault
    lines: list[PendingUpdate] = field(default_factory=list, init=False)  #: the updates of the lines sent

    def accepts(self, message: BotMessage) -> bool:
        """Whether ``message`` is the reply this user waits for."""
        if callable(self.after):
            return self.after(message)
        return self.after == "first" or (self.after == "buttons" and bool(message.flat))


class TgUser:
    """A user in a private chat with the bot (chat id = user id)."""

    def __init__(self, server: FakeTelegram, info: dict[str, Any]) -> None:
        self.server = server
        self.info = info  #: the User object in updates
        self.id: int = info["id"]
        self.name: str = info["first_name"]
        self.last: PendingUpdate | None = None  #: the update of the last action
        self._cursor = 0  #: messages with seq ≤ this were already returned or came before the last action
        self._pending_window: PendingUpdate | None = None
        self._chat_instance = str(-(10**15) - self.id)

    @property
    def chat(self) -> Chat:
        """The server's record of this chat."""
        return self.server.store.chats[self.id]

    def __repr__(self) -> str:
        return f"TgUser({self.id}, {self.name!r})"

    # -- actions ------------------------------------------------------------------------------------------

    def _message(self, **content: Any) -> dict[str, Any]:
        message = {"message_id": self.chat.next_message_id(), "from": self.info, "chat": self.chat.info,
                   "date": int(time.time()), **content}
        self.chat.user_messages[message["message_id"]] = message
        return message

    async def _act(self, kind: str, obj: dict[str, Any]) -> PendingUpdate:
        update = self.server.push_update(self.id, kind, obj)
        self.last = self._pending_window = update
        self._cursor = max(self._cursor, self.server.store.seq)
        await asyncio.sleep(0)
        return update

    async def say(self, text: str) -> PendingUpdate:
        """Send ``text``; a leading ``/command`` gets its ``bot_command`` entity (``/start CODE`` too)."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            length = len(command.encode("utf-16-le")) // 2  # entity offsets count UTF-16 code units
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return await self._act("message", self._message(**content))

    async def press(self, key: str, *, message: BotMessage | None = None) -> PendingUpdate:
        """Press the button labelled ``key`` (or with data ``key``) of the latest bot message that has it
        now; with ``message``, of that message, even on a keyboard it no longer has (a stale press)."""
        if message is None:
            message = next((m for m in reversed(self.chat.messages) if not m.deleted and m.button(key)), None)
            if message is None:
                shown = [m.labels for m in self.chat.messages if m.flat][-3:]
                raise LookupError(f"no bot message in chat {self.id} has a button {key!r}; last keyboards: {shown}")
        button = message.button(key, stale=True)
        if button is None or button.data is None:
            raise LookupError(f"message {message.message_id} never had a callback button {key!r}: {message.labels}")
        query = self.server.store.add_query(self.id, message.message_id, button.data)
        obj = {"id": query.id, "from": self.info, "chat_instance": self._chat_instance, "data": button.data,
               "message": self.server.store.message_json(message, self.server.me)}
        return await self._act("callback_query", obj)

    async def edit(self, update: PendingUpdate, text: str) -> PendingUpdate:
        """Edit the text of the message sent by ``update`` (an ``edited_message`` update)."""
        original = update.payload.get("message")
        if original is None:
            raise LookupError(f"update {update.update_id} is not a message of this user")
        edited = {**original, "text": text, "edit_date": int(time.time())}
        edited.pop("entities", None)
        self.chat.user_messages[original["message_id"]] = edited
        return await self._act("edited_message", edited)

    async def send_document(self, data: bytes, file_name: str, mime_type: str | None = None,
                            caption: str | None = None) -> PendingUpdate:
        """Send a file as a document (its file_id resolves through getFile)."""
        stored = self.server.store.add_file("document", data, file_name, mime_type)
        doc: dict[str, Any] = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                               "file_name": file_name, "file_size": len(data)}
        if mime_type:
            doc["mime_type"] = mime_type
        return await self._act("message", self._message(document=doc, **_caption(caption)))

    async def send_photo(self, data: bytes = PNG, caption: str | None = None, width: int = 1280,
                         height: int = 960) -> PendingUpdate:
        """Send a photo: two sizes (a thumbnail and the full one) as Telegram does."""
        sizes = []
        for w, h in ((90, max(1, 90 * height // max(1, width))), (width, height)):
            stored = self.server.store.add_file("photo", data, None, "image/jpeg")
            sizes.append({"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "width": w,
                          "height": h, "file_size": len(data)})
        return await self._act("message", self._message(photo=sizes, **_caption(caption)))

    async def send_voice(self, data: bytes = b"OggS\x00fake voice", duration: int = 2) -> PendingUpdate:
        """Send a voice note."""
        stored = self.server.store.add_file("voice", data, None, "audio/ogg")
        voice = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "duration": duration,
                 "mime_type": "audio/ogg", "file_size": len(data)}
        return await self._act("message", self._message(voice=voice))

    async def send_sticker(self, emoji: str = "👍") -> PendingUpdate:
        """Send a sticker."""
        stored = self.server.store.add_file("sticker", b"RIFF\x00\x00\x00\x00WEBP", None, "image/webp")
        sticker = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "type": "regular",
                   "width": 512, "height": 512, "is_animated": False, "is_video": False, "emoji": emoji,
                   "file_size": stored.size}
        return await self._act("message", self._message(sticker=sticker))

    async def send_location(self, latitude: float = 21.0285, longitude: float = 105.8542) -> PendingUpdate:
        """Send a location (Hà Nội by default)."""
        return await self._act("message", self._message(location={"latitude": latitude, "longitude": longitude}))

    async def block(self, notify: bool = True) -> PendingUpdate | None:
        """Block the bot: sends answer 403; with ``notify``, the bot gets a ``my_chat_member`` update."""
        self.server.block(self.id)
        return await self._member("member", "kicked") if notify else None

    async def unblock(self, notify: bool = True) -> PendingUpdate | None:
        """Unblock the bot (sends work again)."""
        self.server.block(self.id, False)
        return await self._member("kicked", "member") if notify else None

    async def _member(self, old: str, new: str) -> PendingUpdate:
        def member(status: str) -> dict[str, Any]:
            return {"status": status, "user": self.server.me, **({"until_date": 0} if status == "kicked" else {})}

        obj = {"chat": self.chat.info, "from": self.info, "date": int(time.time()),
               "old_chat_member": member(old), "new_chat_member": member(new)}
        return await self._act("my_chat_member", obj)

    # -- reading ------------------------------------------------------------------------------------------

    def replies(self) -> list[BotMessage]:
        """The bot's messages in this chat, in order, as they are now (edits applied)."""
        return list(self.chat.messages)

    def texts(self) -> list[str]:
        """What the user sees of each bot message (text, or document name and caption)."""
        return [m.shown for m in self.chat.messages if not m.deleted]

    def documents(self) -> list[Document]:
        """The documents the bot sent to this chat."""
        return [m.document for m in self.chat.messages if m.document is not None]

    def answers(self) -> list[CallbackAnswer]:
        """The bot's answers to this user's button presses."""
        return list(self.chat.answers)

    @property
    def last_reply(self) -> BotMessage | None:
        """The bot's latest message in this chat."""
        return self.chat.messages[-1] if self.chat.messages else None

    async def wait_until(self, check: Callable[[], Any], timeout: float = 5.0, what: str = "a condition",
                         every: float | None = 0.02) -> Any:
        """Wait until ``check()`` is true (re-checked on every change in the chat, and every ``every`` s if
        not None, for conditions on things outside the chat); its value."""
        deadline = time.monotonic() + timeout
        while True:
            event = self.chat.event()
            if value := check():
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{self}: no {what} in {timeout} s; bot messages: {self.texts()[-5:]}")
            try:
                async with asyncio.timeout(remaining if every is None else min(remaining, every)):
                    await event.wait()
            except TimeoutError:
                pass

    async def wait_reply(self, timeout: float = 5.0, where: Callable[[BotMessage], bool] | None = None) -> BotMessage:
        """The next bot message (that ``where`` accepts) sent after the last action reached the bot."""
        deadline = time.monotonic() + timeout
        if (update := self._pending_window) is not None:
            try:
                async with asyncio.timeout(timeout):
                    await update.delivered.wait()
            except TimeoutError:
                raise TimeoutError(f"{self}: update {update.update_id} ({update.kind}) never reached the bot "
                                   f"in {timeout} s") from None
            self._cursor = max(self._cursor, update.window or 0)
            self._pending_window = None

        def found() -> BotMessage | None:
            for message in self.chat.messages:
                if message.seq > self._cursor and (where is None or where(message)):
                    return message
            return None

        message: BotMessage = await self.wait_until(found, max(0.0, deadline - time.monotonic()), "reply", None)
        self._cursor = message.seq
        return message

    async def wait_replies(self, n: int, timeout: float = 5.0) -> list[BotMessage]:
        """The next ``n`` bot messages after the last action."""
        deadline = time.monotonic() + timeout
        return [await self.wait_reply(max(0.0, deadline - time.monotonic())) for _ in range(n)]

    async def wait_answer(self, timeout: float = 5.0) -> CallbackAnswer:
        """The bot's answer to the last press."""
        update = self.last
        if update is None or update.kind != "callback_query":
            raise LookupError(f"{self}: the last action was not a press")
        query_id = update.payload["callback_query"]["id"]

        def found() -> CallbackAnswer | None:
            return next((a for a in self.chat.answers if a.query_id == query_id), None)

        answer: CallbackAnswer = await self.wait_until(found, timeout, "callback answer", None)
        return answer

    # -- scripts ------------------------------------------------------------------------------------------

    async def run(self, script: ScriptUser) -> None:
        """Play ``script`` (the server starts this as a task)."""
        script.status = "running"
        try:
            for index, line in enumerate(script.script):
                if line.startswith(PRESS):
                    update = await self.press(line[len(PRESS):])
                else:
                    update = await self.say(line)
                script.lines.append(update)
                script.sent = index + 1
                try:
                    reply = await self.wait_reply(script.silence, where=script.accepts)
                except TimeoutError:
                    script.status, script.silent_at = "silent", index
                    return
                update.reply_at = reply.sent_at
                if script.think > 0 and index + 1 < len(script.script):
                    await asyncio.sleep(script.think)
            script.status = "done"
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug in the fake or its use: visible on the user, never a crash
            log.exception("telegram user %s failed", self.id)
            script.status, script.error = "error", repr(exc)


def _caption(caption: str | None) -> dict[str, Any]:
    return {"caption": caption} if caption else {}
