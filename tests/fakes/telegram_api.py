"""Wire-format helpers of the fake Bot API (:mod:`tests.fakes.telegram`): parameters as aiogram sends them,
error answers, markup checks and the flood buckets.

>>> Params({"chat_id": "42", "reply_markup": '{"inline_keyboard": []}'}).chat_id()
42
>>> try:
...     check_markup({"inline_keyboard": [[{"text": "Có", "callback_data": "x" * 65}]]})
... except ApiError as exc:
...     print(exc.status, exc.description)
400 Bad Request: BUTTON_DATA_INVALID
>>> plain_text("<b>Xin</b> ch&agrave;o", "HTML")
'Xin chào'
"""

from __future__ import annotations

import html
import json
import re
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web

#: At most this many buttons in one inline keyboard (Telegram's limit).
MAX_BUTTONS = 100
_TAG = re.compile(r"<[^>]*>")


class ApiError(Exception):
    """A Bot API error answer: HTTP status, description, and ``retry_after`` for a 429."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(status, description)
        self.status, self.description, self.retry_after = status, description, retry_after


def problem(error: ApiError) -> web.Response:
    """The JSON answer Telegram gives for ``error``."""
    body: dict[str, Any] = {"ok": False, "error_code": error.status, "description": error.description}
    if error.retry_after is not None:
        body["parameters"] = {"retry_after": error.retry_after}
    return web.json_response(body, status=error.status)


class Params:
    """The parameters of one call, typed on demand: form values are strings, JSON bodies already typed."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    def string(self, name: str, default: str = "") -> str:
        """A string parameter (``default`` when absent)."""
        value = self.raw.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    def integer(self, name: str, default: int) -> int:
        """An integer parameter; 400 when it is not one."""
        value = self.raw.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            raise ApiError(400, f"Bad Request: field \"{name}\" must be of type Integer")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ApiError(400, f"Bad Request: field \"{name}\" must be of type Integer") from None

    def flag(self, name: str) -> bool:
        """A boolean parameter (``true``/``false`` in a form)."""
        value = self.raw.get(name)
        return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))

    def decoded(self, name: str) -> Any:
        """A JSON-serialised parameter (``reply_markup``, ``commands`` …), decoded; None when absent."""
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from None

    def chat_id(self) -> int:
        """The ``chat_id``; 400 when it is missing or not a private chat's number."""
        value = self.raw.get("chat_id")
        if value is None or value == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None


def check_markup(markup: Any) -> dict[str, Any] | None:
    """``reply_markup`` checked as Telegram does (inline buttons need an action, callback data 1–64 bytes)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        if not any(k in markup for k in ("keyboard", "remove_keyboard", "force_reply")):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        return markup
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError(400, "Bad Request: field \"inline_keyboard\" of the InlineKeyboardMarkup should be an Array")
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise ApiError(400, "Bad Request: reply markup is too long")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str) or not button["text"]:
                raise ApiError(400, "Bad Request: can't parse inline keyboard button: Text is empty")
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str) or not 1 <= len(data.encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            elif not any(k in button for k in ("url", "switch_inline_query", "switch_inline_query_current_chat",
                                               "web_app", "login_url", "pay", "copy_text", "callback_game")):
                raise ApiError(400, "Bad Request: can't parse inline keyboard button: "
                                    "Text buttons are unallowed in the inline keyboard")
    return markup


def plain_text(text: str, parse_mode: str | None) -> str:
    """The text a user sees: tags stripped for HTML, markers and escapes for MarkdownV2 (roughly)."""
    if parse_mode and parse_mode.upper() == "HTML":
        return html.unescape(_TAG.sub("", text))
    if parse_mode and parse_mode.lower() in ("markdownv2", "markdown"):
        out, escaped = [], False
        for char in text:
            if escaped:
                out.append(char)
                escaped = False
            elif char == "\\":
                escaped = True
            elif char not in "*_~|`":
                out.append(char)
        return "".join(out)
    return text


def chat_json(user: dict[str, Any]) -> dict[str, Any]:
    """The private chat of ``user`` as Telegram shows it in a Message."""
    chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    for key in ("last_name", "username"):
        if key in user:
            chat[key] = user[key]
    return chat


@dataclass(frozen=True, slots=True)
class Flood:
    """Flood limits: messages a second overall (burst ``burst``) and per chat (burst ``chat_burst``); 0: none.

    Telegram's: about 30 a second overall and 1 a second per chat, with short bursts allowed.
    """

    rate: float = 30.0
    burst: int = 30
    chat_rate: float = 1.0
    chat_burst: int = 3


class Bucket:
    """A token bucket: ``rate`` tokens a second, at most ``capacity`` (at least 1)."""

    def __init__(self, rate: float, capacity: float) -> None:
        self.rate, self.capacity = rate, max(1.0, capacity)
        self.tokens, self.stamp = self.capacity, time.monotonic()

    def wait(self, now: float) -> float:
        """Seconds until a token is there (0: one is there now); refills first."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate
