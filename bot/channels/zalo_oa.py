"""The Zalo Official Account channel (``--channel zalo-oa``), OA API v3: a small aiohttp client.

Webhook events are signed: ``X-ZEvent-Signature: mac=<sha256(app_id + raw body + timestamp + OA secret key)>``
(a plain SHA-256, app_id and timestamp read from the body), compared in constant time; anything else is
refused before it is read. Texts go out with ``/v3.0/oa/message/cs``, documents are uploaded with
``/v2.0/oa/upload/file`` and sent as a file attachment. Errors come as HTTP 200 with ``error`` ≠ 0: -216/-220
(bad or expired access token) refresh the token once (:mod:`bot.channels.zalo_tokens`) and retry; -230/-232
(the user has not written to the OA for 7 days) are permanent for that message. No buttons: numbered text.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import mimetypes
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

import aiohttp

from bot.channels.base import Capabilities, Permanent, RetryAfter, SendResult, Sent, Transient
from bot.channels.numbered import Choices
from bot.channels.zalo_bot import mapping
from bot.channels.zalo_tokens import OATokens
from bot.config import Settings
from bot.envelopes import Outgoing, Update
from bot.outbox import split
from dialogs.errors import ConfigError
from dialogs.events import Event, FileReceived, Unsupported
from storage.db import make_engine, make_session_factory

NAME = "zalo-oa"
SIGNATURE_HEADER = "X-ZEvent-Signature"
TEXT_LIMIT = 2000
#: Files the OA takes as attachments (larger or other types are silently dropped by Zalo).
FILE_LIMIT = 5 * 1024 * 1024
FILE_TYPES = (".pdf", ".doc", ".docx")
#: Token errors: refresh once, then retry.
TOKEN_ERRORS = (-216, -220)
#: Outside the 7-day interaction window: this message can never go.
WINDOW_ERRORS = (-230, -232)
#: Errors about this message or recipient that retrying cannot fix.
PERMANENT_ERRORS = (-201, -210, -213, *WINDOW_ERRORS)
_UNSUPPORTED = {"sticker": "sticker", "gif": "sticker", "audio": "voice", "location": "location"}
log = logging.getLogger(__name__)


def signature(app_id: str, raw: bytes, timestamp: str, secret_key: str) -> str:
    """The ``X-ZEvent-Signature`` value of a webhook body.

    >>> signature("1", b'{"a":1}', "2", "k") == "mac=" + hashlib.sha256(b'1{"a":1}2k').hexdigest()
    True
    """
    return "mac=" + hashlib.sha256(app_id.encode() + raw + timestamp.encode() + secret_key.encode()).hexdigest()


class ZaloOAChannel:
    """One Official Account behind ``api_url`` (tokens from ``oauth_url``)."""

    name = NAME
    capabilities = Capabilities(buttons=False, documents=True, edits=False, text_limit=TEXT_LIMIT,
                                window=timedelta(days=7))

    def __init__(self, *, app_id: str, app_secret: str, secret_key: str, tokens: OATokens, api_url: str,
                 oauth_url: str, timeout: float = 10.0, connections: int = 100) -> None:
        self.app_id, self._app_secret, self._secret_key = app_id, app_secret, secret_key
        self.tokens = tokens
        self.api_url, self.oauth_url = api_url.rstrip("/"), oauth_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None
        self.choices = Choices()
        self._parts_sent: dict[int, int] = {}

    def __repr__(self) -> str:  # never a secret
        return f"ZaloOAChannel(app_id={self.app_id!r})"

    # ---- webhook ----------------------------------------------------------------------------------
    def verify(self, headers: Mapping[str, str], raw: bytes) -> bool:
        """Whether a webhook body carries the OA's signature (the unsigned ``{}`` Zalo sends on registration passes:
        it holds nothing)."""
        try:
            body = json.loads(raw)
        except ValueError:
            return False
        if body == {}:
            return True
        if not isinstance(body, dict):
            return False
        timestamp = str(body.get("timestamp") or headers.get("X-ZEvent-Timestamp", ""))
        expected = signature(str(body.get("app_id") or ""), raw, timestamp, self._secret_key)
        return hmac.compare_digest(headers.get(SIGNATURE_HEADER, "").encode(), expected.encode())

    def parse(self, raw: dict[str, Any]) -> Update | None:
        """A webhook event as an engine event (None: a follow, a delivery or seen receipt, an echo…)."""
        name = str(raw.get("event_name") or "")
        if not (name.startswith("user_send_") or name == "anonymous_send_text"):
            return None
        user_id = str(mapping(raw.get("sender")).get("id") or "")
        message = mapping(raw.get("message"))
        if not user_id:
            return None
        update_id = str(message.get("msg_id") or f"{name}:{user_id}:{raw.get('timestamp')}")
        return Update(NAME, update_id, user_id, user_id, self._event(name, message, user_id))

    def _event(self, name: str, message: dict[str, Any], user_id: str) -> Event:
        kind = name.rpartition("_")[2]
        if kind == "text" and isinstance(message.get("text"), str):
            return self.choices.event_of(user_id, message["text"])
        attachments = message.get("attachments") or []
        attachments = attachments if isinstance(attachments, list) else []
        payload = mapping(mapping(attachments[0] if attachments else None).get("payload"))
        if kind in ("file", "image") and payload.get("url"):
            file_name = str(payload.get("name") or "")
            mime = "image/jpeg" if kind == "image" else (mimetypes.guess_type(file_name)[0] or "")
            return FileReceived(str(payload["url"]), file_name, mime, _size(payload.get("size")))
        return Unsupported(_UNSUPPORTED.get(kind, "other"))

    # ---- sending ----------------------------------------------------------------------------------
    async def send(self, message: Outgoing) -> SendResult:
        """The text (buttons as a numbered list) in parts of at most 2,000 characters."""
        parts = split(self.choices.render(message), TEXT_LIMIT)
        done = self._parts_sent.get(message.id, 0) if message.id else 0
        result: SendResult = Sent()
        for n, part in enumerate(parts[done:], done):
            result = await self._message(message.chat_id, {"text": part})
            if not isinstance(result, Sent):
                if message.id:
                    self._parts_sent[message.id] = n
                return result
        self._parts_sent.pop(message.id, None)
        return result

    async def send_document(self, message: Outgoing, name: str, data: bytes) -> SendResult:
        """The message's text, then the document (a .docx/.pdf of at most 5 MB) uploaded and sent as a file
        attachment; after a failure the text is not sent again."""
        if not name.lower().endswith(FILE_TYPES):
            return Permanent(f"not a {'/'.join(FILE_TYPES)} file")
        if len(data) > FILE_LIMIT:
            return Permanent(f"file over {FILE_LIMIT} bytes")
        if message.text and not self._parts_sent.get(message.id):
            said = await self.send(replace(message, document=None))
            if not isinstance(said, Sent):
                return said
            if message.id:
                self._parts_sent[message.id] = 1
        answer = await self._authorised(self._upload, name, data)
        if not isinstance(answer, dict):
            return answer
        token = (answer.get("data") or {}).get("token")
        if not token:
            return Transient("upload: no file token")
        result = await self._message(message.chat_id, {"attachment": {"type": "file", "payload": {"token": token}}})
        if isinstance(result, Sent):
            self._parts_sent.pop(message.id, None)
        return result

    async def _message(self, user_id: str, message: dict[str, Any]) -> SendResult:
        body = {"recipient": {"user_id": user_id}, "message": message}
        answer = await self._authorised(self._post_json, "/v3.0/oa/message/cs", body)
        if not isinstance(answer, dict):
            return answer
        return Sent(str((answer.get("data") or {}).get("message_id") or "") or None)

    async def _authorised(self, call: Any, *args: Any) -> dict[str, Any] | SendResult:
        """Make ``call(access_token, *args)``; refresh the token once on -216/-220. The answer, or a send result."""
        access = await self.tokens.access()
        for attempt in (1, 2):
            answer: dict[str, Any] | SendResult = await call(access, *args)
            if not isinstance(answer, dict):
                return answer
            error = _code(answer.get("error"))
            if error == 0:
                return answer
            if error in TOKEN_ERRORS and attempt == 1:
                fresh = await self.tokens.refresh(access, self.exchange_refresh)
                if fresh is None:
                    return Transient(f"{error} token refused; re-authorize")
                access = fresh
                continue
            return result_of(error, str(answer.get("message") or ""))
        return Transient("unreachable")

    async def _post_json(self, access: str, path: str, body: dict[str, Any]) -> dict[str, Any] | SendResult:
        return await self._request(path, headers={"access_token": access}, json=body)

    async def _upload(self, access: str, name: str, data: bytes) -> dict[str, Any] | SendResult:
        form = aiohttp.FormData()
        form.add_field("file", data, filename=name,
                       content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")
        return await self._request("/v2.0/oa/upload/file", headers={"access_token": access}, data=form)

    async def _request(self, path: str, *, base: str = "", **kwargs: Any) -> dict[str, Any] | SendResult:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout,
                                                  connector=aiohttp.TCPConnector(limit=self._connections))
        try:
            async with self._session.post(f"{base or self.api_url}{path}", **kwargs) as response:
                status = response.status
                answer: object = await response.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            return Transient(type(exc).__name__)
        if status == 429:
            return RetryAfter(1.0, "global")
        if status != 200 or not isinstance(answer, dict):
            return Transient(f"HTTP {status}")
        return answer

    # ---- tokens -----------------------------------------------------------------------------------
    async def exchange_refresh(self, refresh_token: str) -> tuple[str, str, float] | None:
        """Spend the refresh token at the OAuth server: (access, refresh, seconds), or None when refused."""
        return await self._grant({"app_id": self.app_id, "grant_type": "refresh_token",
                                  "refresh_token": refresh_token})

    async def exchange_code(self, code: str, verifier: str) -> tuple[str, str, float] | None:
        """The first grant (authorization code with PKCE verifier): (access, refresh, seconds), or None."""
        return await self._grant({"app_id": self.app_id, "grant_type": "authorization_code", "code": code,
                                  "code_verifier": verifier})

    async def _grant(self, form: dict[str, str]) -> tuple[str, str, float] | None:
        answer = await self._request("/v4/oa/access_token", base=self.oauth_url,
                                     headers={"secret_key": self._app_secret}, data=form)
        if not isinstance(answer, dict) or not answer.get("access_token") or not answer.get("refresh_token"):
            reason = answer.get("error") if isinstance(answer, dict) else type(answer).__name__
            log.warning("zalo-oa token grant refused: %s", reason)
            return None
        try:
            seconds = float(answer.get("expires_in") or 90000)
        except ValueError:
            seconds = 90000.0
        return str(answer["access_token"]), str(answer["refresh_token"]), seconds

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None


def result_of(error: int, description: str) -> SendResult:
    """An OA error (``error`` ≠ 0) as a send result; the reason starts with the code (see :mod:`bot.undelivered`).

    >>> result_of(-230, "User has not interacted with the OA in the past 7 days")
    Permanent(reason='-230 User has not interacted with the OA in the past 7 days')
    >>> result_of(-32, "Rate limit")
    RetryAfter(seconds=5.0, scope='global')
    >>> result_of(-500, "Internal")
    Transient(reason='-500 Internal')
    """
    reason = f"{error} {description[:150]}".strip()
    if error == -32:
        return RetryAfter(5.0, "global")
    if error in PERMANENT_ERRORS:
        return Permanent(reason)
    return Transient(reason)


def _code(value: object) -> int:
    try:
        return int(str(value if value is not None else 0))
    except ValueError:
        return -1


def _size(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def oa_channel(settings: Settings) -> ZaloOAChannel:
    """The OA channel the settings describe (its token pair in the settings' database); ConfigError when incomplete."""
    needed = {"ZALO_OA_APP_ID": settings.zalo_oa_app_id, "ZALO_OA_APP_SECRET": settings.zalo_oa_app_secret,
              "ZALO_OA_SECRET_KEY": settings.zalo_oa_secret_key}
    missing = [name for name, value in needed.items() if not value]
    if missing:
        raise ConfigError(msg="bot.cli.zalo_oa_needs", names=", ".join(missing))
    tokens = OATokens(lambda: make_session_factory(make_engine(settings.database_url)), NAME,
                      first_access=settings.zalo_oa_access_token, first_refresh=settings.zalo_oa_refresh_token,
                      clock=settings.now)
    return ZaloOAChannel(app_id=settings.zalo_oa_app_id, app_secret=settings.zalo_oa_app_secret,
                         secret_key=settings.zalo_oa_secret_key, tokens=tokens, api_url=settings.zalo_oa_api_url,
                         oauth_url=settings.zalo_oauth_url)
