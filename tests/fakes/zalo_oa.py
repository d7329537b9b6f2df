"""A fake Zalo Official Account API v3 and OAuth v4 server on 127.0.0.1 (CHANNELS.md B), one port for both.

- ``POST /v3.0/oa/message/cs`` (header ``access_token``): a wrong or expired token gets HTTP 200
  ``{error: -216}``; a user outside the 7-day window (:meth:`ZaloOAServer.close_window`) gets ``-230``; a text over
  2,000 characters ``-210``; otherwise the text or file attachment is recorded and ``{data: {message_id}, error: 0}``.
- ``POST /v2.0/oa/upload/file`` (multipart ``file``): PDF/DOC/DOCX up to 5 MB → ``{data: {token}}`` (counted in
  ``uploads``; ``fail_uploads`` makes the next ones fail with ``-500``).
- ``POST /v4/oa/access_token`` (header ``secret_key`` = the App Secret; form ``grant_type`` refresh_token or
  authorization_code): the refresh token is single-use — spending one returns a new pair and kills the old one
  (both tokens); a spent or unknown one is refused. ``expires_in`` is a string.
- :meth:`ZaloOAServer.say` posts a signed ``user_send_text`` event to the bot's webhook (``X-ZEvent-Signature:
  mac=sha256(app_id + body + timestamp + OA secret key)``), or a wrongly signed one; the HTTP status.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientSession, web

from tests.fakes.deployment import free_port

FILE_TYPES = (".pdf", ".doc", ".docx")


@dataclass(frozen=True)
class Sent:
    """A message the fake accepted: a text, or a file (its name and bytes)."""

    user_id: str
    text: str | None
    file_name: str | None
    file_data: bytes | None


class ZaloOAServer:
    """The fake OA of app ``app_id``."""

    def __init__(self, app_id: str = "2553928453557884079", app_secret: str = "fake-app-secret",
                 secret_key: str = "fake-oa-secret-key") -> None:
        self.app_id, self.app_secret, self.secret_key = app_id, app_secret, secret_key
        self.access, self.refresh = "access-0-" + secrets.token_hex(8), "refresh-0-" + secrets.token_hex(8)
        #: Every token this server handed out (tests look for them in logs).
        self.issued = [self.access, self.refresh]
        self.codes: set[str] = set()
        self.refreshes = 0
        self.refused_refreshes = 0
        self.refresh_delay = 0.0
        self.sent: list[Sent] = []
        self.closed: set[str] = set()
        self.files: dict[str, tuple[str, bytes]] = {}
        #: Upload calls received, and how many of the next ones fail (a transient -500).
        self.uploads = 0
        self.fail_uploads = 0
        self.token_errors = 0
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        """What ``ZALO_OA_API_URL`` and ``ZALO_OAUTH_URL`` are set to."""
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> ZaloOAServer:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_post("/v3.0/oa/message/cs", self._cs)
        app.router.add_post("/v2.0/oa/upload/file", self._upload)
        app.router.add_post("/v4/oa/access_token", self._token)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        self.port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    # ---- test controls ----------------------------------------------------------------------------
    def expire_access(self) -> None:
        """The current access token stops working (the next send gets -216)."""
        self.access = "revoked-" + secrets.token_hex(8)

    def close_window(self, user_id: str) -> None:
        """The user has not written for 7 days: sends to them get -230."""
        self.closed.add(user_id)

    def texts(self, user_id: str) -> list[str]:
        """The texts sent to a user, in order."""
        return [s.text for s in self.sent if s.user_id == user_id and s.text is not None]

    def event(self, user_id: str, text: str) -> dict[str, Any]:
        """A ``user_send_text`` event as the OA shapes it."""
        return {"app_id": self.app_id, "user_id_by_app": "9" + user_id, "event_name": "user_send_text",
                "sender": {"id": user_id}, "recipient": {"id": "oa-1"},
                "message": {"text": text, "msg_id": secrets.token_hex(10)},
                "timestamp": str(int(time.time() * 1000))}

    def sign(self, raw: bytes, body: dict[str, Any]) -> str:
        """The signature of a raw body."""
        return "mac=" + hashlib.sha256(f"{body['app_id']}".encode() + raw + str(body["timestamp"]).encode()
                                       + self.secret_key.encode()).hexdigest()

    async def post(self, url: str, body: dict[str, Any], *, signature: str | None = "right") -> int:
        """POST an event to the bot's webhook: rightly signed, with ``signature`` as given, or unsigned (None)."""
        raw = json.dumps(body, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers["X-ZEvent-Signature"] = self.sign(raw, body) if signature == "right" else signature
        async with ClientSession() as http, http.post(url, data=raw, headers=headers) as answer:
            return answer.status

    async def say(self, url: str, user_id: str, text: str) -> int:
        """A user writes to the OA (a signed event to the webhook); the webhook's status."""
        self.closed.discard(user_id)  # writing opens the window again
        return await self.post(url, self.event(user_id, text))

    async def wait_sent(self, user_id: str, count: int, timeout: float = 20.0) -> list[Sent]:
        """Wait until ``count`` messages went to the user."""
        deadline = time.monotonic() + timeout
        while len([s for s in self.sent if s.user_id == user_id]) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{user_id}: fewer than {count} messages")
            await asyncio.sleep(0.02)
        return [s for s in self.sent if s.user_id == user_id]

    # ---- the API ----------------------------------------------------------------------------------
    def _authorised(self, request: web.Request) -> bool:
        self.requests.append((request.path, dict(request.headers)))
        if request.headers.get("access_token") != self.access:
            self.token_errors += 1
            return False
        return True

    async def _cs(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        body = await request.json()
        user_id = str(body["recipient"]["user_id"])
        message = body["message"]
        if user_id in self.closed:
            return web.json_response({"error": -230,
                                      "message": "User has not interacted with the OA in the past 7 days"})
        if "text" in message:
            if len(message["text"]) > 2000:
                return web.json_response({"error": -210, "message": "Text too long"})
            self.sent.append(Sent(user_id, message["text"], None, None))
        else:
            token = message["attachment"]["payload"]["token"]
            if message["attachment"]["type"] != "file" or token not in self.files:
                return web.json_response({"error": -201, "message": "Invalid attachment"})
            name, data = self.files[token]
            self.sent.append(Sent(user_id, None, name, data))
        return web.json_response({"data": {"message_id": secrets.token_hex(10), "user_id": user_id,
                                           "sent_time": str(int(time.time() * 1000))},
                                  "error": 0, "message": "Success"})

    async def _upload(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        self.uploads += 1
        if self.fail_uploads:
            self.fail_uploads -= 1
            return web.json_response({"error": -500, "message": "Internal error"})
        form = await request.post()
        field = form.get("file")
        if field is None or isinstance(field, str):
            return web.json_response({"error": -201, "message": "file is missing"})
        data = field.file.read()
        if not field.filename.lower().endswith(FILE_TYPES) or len(data) > 5 * 1024 * 1024:
            return web.json_response({"error": -201, "message": "Unsupported file"})
        token = secrets.token_hex(12)
        self.files[token] = (field.filename, data)
        return web.json_response({"data": {"token": token}, "error": 0, "message": "Success"})

    async def _token(self, request: web.Request) -> web.Response:
        self.requests.append((request.path, dict(request.headers)))
        form = await request.post()
        if request.headers.get("secret_key") != self.app_secret or form.get("app_id") != self.app_id:
            return web.json_response({"error": -14002, "error_name": "Invalid secret key"})
        grant = form.get("grant_type")
        if grant == "refresh_token" and form.get("refresh_token") == self.refresh:
            pass
        elif grant == "authorization_code" and form.get("code") in self.codes and form.get("code_verifier"):
            self.codes.discard(str(form.get("code")))
        else:
            self.refused_refreshes += 1
            return web.json_response({"error": -14014, "error_name": "Invalid refresh token"})
        spent = self.refresh
        self.refresh = "spent"  # single use, at once: a second caller with the same token is refused
        if self.refresh_delay:
            await asyncio.sleep(self.refresh_delay)
        n = next(self._ids)
        self.refreshes += 1
        self.access, self.refresh = f"access-{n}-" + secrets.token_hex(8), f"refresh-{n}-" + secrets.token_hex(8)
        assert spent != self.refresh
        self.issued += [self.access, self.refresh]
        return web.json_response({"access_token": self.access, "refresh_token": self.refresh, "expires_in": "90000"})
