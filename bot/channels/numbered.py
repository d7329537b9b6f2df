"""Choices on channels without buttons (Zalo): the buttons of a message rendered as a numbered list under its
text, and a typed number taken as a press of that button.

A typed number becomes the same button token Telegram uses (``b:<outbox id>:<n>``), so the runner maps it back
to the button's data and refuses it when a newer message with buttons went out (:func:`bot.buttons.resolve`).
Only the process that sent the list knows it (a restart or another worker forgets): then the number stays text,
which choice questions read as their option number anyway.

>>> from bot.envelopes import Outgoing
>>> choices = Choices()
>>> print(choices.render(Outgoing(7, "zalo", "c", "Chọn?", (("Có", "opt:x:0"), ("Không", "opt:x:1")))))
Chọn?
<BLANKLINE>
Gõ số thứ tự để chọn (ví dụ: 1), hoặc gõ đúng chữ của lựa chọn:
1. Có
2. Không
>>> page = Outgoing(8, "zalo", "c", "Trang 1/2:\\n1. Xã An — đã nộp", (("Xã An", "u:1"), ("Sau", "p:2")))
>>> print(choices.render(page))
Trang 1/2:
1. Xã An — đã nộp
<BLANKLINE>
Gõ số thứ tự để chọn (ví dụ: 1), hoặc gõ đúng chữ của lựa chọn:
2. Sau
>>> choices.event_of("c", "2"), choices.event_of("c", "3"), choices.event_of("d", "1")
(Pick(data='b:8:1'), Text(text='3'), Text(text='1'))
"""

from __future__ import annotations

import re

from bot.buttons import token_for
from bot.envelopes import Outgoing
from dialogs.events import Event, Pick, Text
from dialogs.messages import t

_NUMBER = re.compile(r"\s*(\d{1,2})\s*[.)]?\s*")
#: How many chats' last lists are remembered.
_KEEP = 50_000


class Choices:
    """What each chat was last offered, so that a typed number picks it."""

    def __init__(self) -> None:
        self._last: dict[str, tuple[int, int]] = {}

    def render(self, message: Outgoing) -> str:
        """The message's text with its buttons as a numbered list (and remember them for the chat)."""
        if not message.buttons:
            self._last.pop(message.chat_id, None)
            return message.text
        if message.id:
            if len(self._last) >= _KEEP:
                self._last.clear()
            self._last[message.chat_id] = (message.id, len(message.buttons))
        lines = [t("bot.zalo.choice", number=n, label=label) for n, (label, _) in enumerate(message.buttons, 1)]
        shown = message.text.splitlines()
        # The text may list some choices already, by the same numbers (a question's options, /tiendo's units).
        missing = [line for line in lines if not any(s == line or s.startswith(line + " ") for s in shown)]
        if not missing:
            return message.text
        return "\n".join([message.text, "", t("bot.zalo.choose"), *missing])

    def event_of(self, chat_id: str, text: str) -> Event:
        """A typed text as an event: a number within the chat's last list is a press of that button."""
        match = _NUMBER.fullmatch(text)
        offered = self._last.get(chat_id)
        if match and offered is not None and 1 <= int(match.group(1)) <= offered[1]:
            return Pick(token_for(offered[0], int(match.group(1)) - 1))
        return Text(text)
