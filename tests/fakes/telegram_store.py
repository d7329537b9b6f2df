"""What the fake Bot API (:mod:`tests.fakes.telegram`) keeps: chats, the bot's messages with their edits,
files, callback queries and the queue of updates not confirmed yet.

>>> store = Store()
>>> chat = store.chat(7, {"id": 7, "type": "private", "first_name": "Lan"})
>>> m = store.add_bot_message(chat, text="Chọn", reply_markup={"inline_keyboard": [[
...     {"text": "Có", "callback_data": "yes"}]]})
>>> m.message_id, m.labels, m.button("yes").text
(1, ['Có'], 'Có')
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.telegram_api import Bucket


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: its label and its callback data (or URL)."""

    text: str
    data: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """A document the bot sent: what was uploaded."""

    file_id: str
    file_unique_id: str
    file_name: str | None
    mime_type: str | None
    size: int
    data: bytes


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file the server holds (sent by a user or uploaded by the bot), downloadable at ``file_path``."""

    kind: str
    file_id: str
    file_unique_id: str
    file_path: str
    file_name: str | None
    mime_type: str | None
    size: int
    data: bytes


@dataclass(frozen=True, slots=True)
class Version:
    """A message as it was before an edit."""

    text: str | None
    reply_markup: dict[str, Any] | None
    until: float  #: when it was replaced


def _buttons(markup: dict[str, Any] | None) -> list[list[Button]]:
    if not markup or "inline_keyboard" not in markup:
        return []
    return [[Button(b["text"], b.get("callback_data"), b.get("url")) for b in row] for row in markup["inline_keyboard"]]


@dataclass(eq=False)
class BotMessage:
    """A message the bot sent, as it is now (edits applied; earlier states in ``versions``)."""

    chat_id: int
    message_id: int
    text: str | None  #: None for a document
    date: int
    sent_at: float
    seq: int  #: position among all messages this server accepted
    method: str = "sendMessage"
    raw_text: str | None = None  #: the text as sent (before ``parse_mode``)
    parse_mode: str | None = None
    caption: str | None = None
    reply_markup: dict[str, Any] | None = None
    document: Document | None = None
    versions: list[Version] = field(default_factory=list)
    edited_at: float | None = None
    deleted: bool = False

    @property
    def buttons(self) -> list[list[Button]]:
        """The inline keyboard as it is now, by rows."""
        return _buttons(self.reply_markup)

    @property
    def flat(self) -> list[Button]:
        """The inline buttons as it is now, in reading order."""
        return [b for row in self.buttons for b in row]

    @property
    def labels(self) -> list[str]:
        """The labels of the inline buttons as it is now."""
        return [b.text for b in self.flat]

    def button(self, key: str, *, stale: bool = False) -> Button | None:
        """The button whose label or data is ``key``, now (or, with ``stale``, in an earlier version)."""
        keyboards = [self.reply_markup] + ([v.reply_markup for v in reversed(self.versions)] if stale else [])
        for markup in keyboards:
            for row in _buttons(markup):
                for button in row:
                    if key in (button.text, button.data):
                        return button
        return None

    def edit(self, text: str | None, markup: dict[str, Any] | None, at: float, seq: int) -> None:
        """Apply an edit, keeping the state it replaces."""
        self.versions.append(Version(self.text, self.reply_markup, at))
        self.text, self.reply_markup, self.edited_at = text, markup, at

    @property
    def shown(self) -> str:
        """The text a user sees: the text, or the caption and file name of a document."""
        if self.document is not None:
            return f"[{self.document.file_name}] {self.caption or ''}".strip()
        return self.text or ""


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """How the bot answered a button press (answerCallbackQuery)."""

    query_id: str
    data: str | None
    message_id: int | None
    text: str | None
    show_alert: bool
    url: str | None
    at: float


@dataclass(slots=True)
class CallbackQuery:
    """A press the server made, waiting for its answer."""

    id: str
    chat_id: int
    message_id: int | None
    data: str | None
    at: float
    answered: bool = False


@dataclass(eq=False)
class PendingUpdate:
    """An update a user made, until the bot confirms it (polls past it, or the webhook answers 200)."""

    update_id: int
    chat_id: int | None
    kind: str  #: message, callback_query, edited_message, my_chat_member …
    payload: dict[str, Any]
    created_at: float
    delivered_at: float | None = None  #: first handed to the bot (getUpdates answer or webhook POST)
    window: int | None = None  #: the server's message seq then: later messages may answer it
    confirmed_at: float | None = None
    reply_at: float | None = None  #: when the message taken as its reply was sent (scripted users)
    delivered: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(eq=False)
class Chat:
    """What the server keeps per private chat."""

    id: int
    info: dict[str, Any]
    messages: list[BotMessage] = field(default_factory=list)
    bot_messages: dict[int, BotMessage] = field(default_factory=dict)
    user_messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    answers: list[CallbackAnswer] = field(default_factory=list)
    actions: list[tuple[str, float]] = field(default_factory=list)
    blocked: bool = False
    fail_left: int = 0
    fail_status: int = 429
    fail_retry_after: int = 1
    fail_description: str | None = None
    bucket: Bucket | None = None
    http_429: int = 0
    last_message_id: int = 0
    _event: asyncio.Event = field(default_factory=asyncio.Event)

    def next_message_id(self) -> int:
        """Message ids are per chat, shared by the user's and the bot's messages."""
        self.last_message_id += 1
        return self.last_message_id

    def changed(self) -> None:
        """Wake whoever waits on this chat (a message, an edit, an answer)."""
        self._event.set()
        self._event = asyncio.Event()

    def event(self) -> asyncio.Event:
        """The event the next change sets (take it before looking, then wait on it)."""
        return self._event


class Store:
    """Chats, files, callback queries and pending updates of one server."""

    def __init__(self) -> None:
        self.chats: dict[int, Chat] = {}
        self.pending: dict[int, PendingUpdate] = {}  #: by update_id, in order
        self.files: dict[str, StoredFile] = {}  #: by file_id
        self.by_path: dict[str, StoredFile] = {}
        self.queries: dict[str, CallbackQuery] = {}
        self._update_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self.seq = 0
        self._poll = asyncio.Event()

    def chat(self, chat_id: int, info: dict[str, Any]) -> Chat:
        """The chat ``chat_id``, made with ``info`` (its Chat JSON) if new."""
        chat = self.chats.get(chat_id)
        if chat is None:
            chat = self.chats[chat_id] = Chat(chat_id, info)
        return chat

    def next_seq(self) -> int:
        """The next message seq (new messages and edits take one)."""
        self.seq += 1
        return self.seq

    # -- updates ------------------------------------------------------------------------------------------

    def add_update(self, chat_id: int | None, kind: str, obj: dict[str, Any]) -> PendingUpdate:
        """Queue ``{"update_id": n, kind: obj}``."""
        update_id = next(self._update_ids)
        update = PendingUpdate(update_id, chat_id, kind, {"update_id": update_id, kind: obj}, time.monotonic())
        self.pending[update_id] = update
        self.wake_pollers()
        return update

    def poll_event(self) -> asyncio.Event:
        """The event the next update (or :meth:`wake_pollers`) sets."""
        return self._poll

    def wake_pollers(self) -> None:
        """Wake every waiting getUpdates."""
        self._poll.set()
        self._poll = asyncio.Event()

    def confirm_and_take(self, offset: int, limit: int, allowed: frozenset[str]) -> list[PendingUpdate]:
        """getUpdates: forget updates before ``offset`` (or all but the last ``-offset``), then the next ones."""
        ids = list(self.pending)
        if offset < 0:
            forget = ids[:offset] if -offset < len(ids) else []
        else:
            forget = [i for i in ids if i < offset]
        for update_id in forget:
            self.confirm(self.pending[update_id])
        taken: list[PendingUpdate] = []
        for update in list(self.pending.values()):
            if update.kind not in allowed:
                self.confirm(update)  # never delivered: Telegram drops types the bot did not ask for
            elif len(taken) < limit:
                taken.append(update)
        return taken

    def heads(self, busy: set[int], allowed: frozenset[str]) -> Iterable[PendingUpdate]:
        """Webhook: the first pending update of every chat not ``busy``, in update order."""
        seen = set(busy)
        for update in list(self.pending.values()):
            if update.kind not in allowed:
                self.confirm(update)
                continue
            key = update.chat_id or 0
            if key not in seen:
                seen.add(key)
                yield update

    def mark_delivered(self, update: PendingUpdate) -> None:
        """The update is on its way to the bot (first time: the reply window opens)."""
        if update.delivered_at is None:
            update.delivered_at, update.window = time.monotonic(), self.seq
            update.delivered.set()

    def confirm(self, update: PendingUpdate) -> None:
        """The bot has the update: forget it."""
        if self.pending.pop(update.update_id, None) is not None:
            update.confirmed_at = time.monotonic()

    def drop_pending(self) -> None:
        """``drop_pending_updates``: forget every pending update."""
        for update in list(self.pending.values()):
            self.confirm(update)

    # -- messages, files, queries -------------------------------------------------------------------------

    def add_bot_message(self, chat: Chat, **fields: Any) -> BotMessage:
        """Record a message the bot sent to ``chat``."""
        message = BotMessage(chat.id, chat.next_message_id(), date=int(time.time()), sent_at=time.monotonic(),
                             seq=self.next_seq(), **{"text": None, **fields})
        chat.messages.append(message)
        chat.bot_messages[message.message_id] = message
        chat.changed()
        return message

    def message_json(self, message: BotMessage, me: dict[str, Any]) -> dict[str, Any]:
        """The Message object of a bot message, as Telegram returns it."""
        body: dict[str, Any] = {"message_id": message.message_id, "from": me,
                                "chat": self.chats[message.chat_id].info, "date": message.date}
        if message.text is not None:
            body["text"] = message.text
        if message.document is not None:
            doc = message.document
            body["document"] = {"file_id": doc.file_id, "file_unique_id": doc.file_unique_id, "file_size": doc.size}
            if doc.file_name:
                body["document"]["file_name"] = doc.file_name
            if doc.mime_type:
                body["document"]["mime_type"] = doc.mime_type
        if message.caption:
            body["caption"] = message.caption
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            body["reply_markup"] = message.reply_markup
        if message.edited_at is not None:
            body["edit_date"] = int(time.time())
        return body

    def add_file(self, kind: str, data: bytes, file_name: str | None, mime_type: str | None) -> StoredFile:
        """Hold ``data`` under a new file id; ``kind`` picks the folder of its path (documents, photos …)."""
        n = next(self._file_ids)
        ext = (file_name.rsplit(".", 1)[-1] if file_name and "." in file_name else
               {"photo": "jpg", "voice": "oga", "sticker": "webp"}.get(kind, "bin"))
        folder = {"photo": "photos", "voice": "voice", "sticker": "stickers"}.get(kind, "documents")
        stored = StoredFile(kind, f"{kind.upper()}-FILE-{n:06d}", f"U{n:06d}", f"{folder}/file_{n}.{ext}",
                            file_name, mime_type, len(data), data)
        self.files[stored.file_id] = stored
        self.by_path[stored.file_path] = stored
        return stored

    def add_query(self, chat_id: int, message_id: int | None, data: str | None) -> CallbackQuery:
        """A new callback query id for a press."""
        query = CallbackQuery(f"{4_000_000_000_000_000 + next(self._query_ids)}", chat_id, message_id, data,
                              time.monotonic())
        self.queries[query.id] = query
        return query
