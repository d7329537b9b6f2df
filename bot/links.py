"""Expiring signed download links for channels that cannot send documents (the Zalo Bot Platform): reportbot's
own web server (``REPORTBOT_PUBLIC_URL``) serves one unit's report, or a campaign's compiled report, at
``/files/<kind>/<campaign>/<unit>/<expires>/<signature>``.

The signature is an HMAC-SHA256 of everything else in the path, so a link names one document only and its
expiry cannot be moved: an altered link is refused with 403, an expired one with 410 (a Vietnamese sentence
either way, never a traceback).

>>> key = link_key("123:abc")
>>> path = signed_path(key, Document("unit", 3, 7), expires=2_000_000_000)
>>> path.startswith("/files/unit/3/7/2000000000/")
True
>>> check(key, *path.split("/")[2:], now=1_900_000_000)
Document(kind='unit', campaign_id=3, unit_id=7)
>>> check(key, *path.replace("/7/", "/8/").split("/")[2:], now=1_900_000_000) is None
True
>>> check(key, *path.split("/")[2:], now=2_000_000_001) is None
True
>>> verdict(key, *path.split("/")[2:], now=2_000_000_001)
410
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from dialogs.messages import t

ROUTE = "/files/{kind}/{campaign}/{unit}/{expires}/{signature}"
#: How long a link works.
VALID = timedelta(hours=24)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Document:
    """What a link serves: one unit's report (``unit``) or a campaign's compiled report (``compiled``, unit 0)."""

    kind: str
    campaign_id: int
    unit_id: int = 0


def link_key(secret: str) -> bytes:
    """The signing key, derived from a deployment secret (every worker derives the same one)."""
    return hmac.new(secret.encode(), b"reportbot download links", hashlib.sha256).digest()


def _signature(key: bytes, doc: Document, expires: int) -> str:
    message = f"{doc.kind}/{doc.campaign_id}/{doc.unit_id}/{expires}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:40]


def signed_path(key: bytes, doc: Document, expires: int) -> str:
    """The link's path for ``doc`` until ``expires`` (epoch seconds)."""
    return f"/files/{doc.kind}/{doc.campaign_id}/{doc.unit_id}/{expires}/{_signature(key, doc, expires)}"


def link(public_url: str, key: bytes, doc: Document, now: datetime, valid: timedelta = VALID) -> tuple[str, datetime]:
    """The full link and when it expires."""
    until = now + valid
    return public_url.rstrip("/") + signed_path(key, doc, int(until.timestamp())), until


def verdict(key: bytes, kind: str, campaign: str, unit: str, expires: str, signature: str, *,
            now: float) -> Document | int:
    """The document a link names; else 403 (altered: the signature does not hold) or 410 (expired)."""
    if kind not in ("unit", "compiled") or not (campaign.isdigit() and unit.isdigit() and expires.isdigit()):
        return 403
    doc = Document(kind, int(campaign), int(unit))
    if not hmac.compare_digest(signature.encode(), _signature(key, doc, int(expires)).encode()):
        return 403
    return doc if now <= int(expires) else 410


def check(key: bytes, kind: str, campaign: str, unit: str, expires: str, signature: str, *,
          now: float) -> Document | None:
    """The document a link names, when its signature holds and it has not expired (None otherwise)."""
    found = verdict(key, kind, campaign, unit, expires, signature, now=now)
    return found if isinstance(found, Document) else None


def document_of(spec: dict[str, Any]) -> Document | None:
    """The document a reply's spec (:mod:`bot.documents`) names, when a link can serve it (reports as .docx).

    >>> document_of({"kind": "unit", "campaign": 3, "unit": 7, "version": 2})
    Document(kind='unit', campaign_id=3, unit_id=7)
    >>> document_of({"kind": "compiled", "campaign": 3, "format": "xlsx"}) is None
    True
    """
    if spec.get("kind") == "unit":
        return Document("unit", int(spec["campaign"]), int(spec["unit"]))
    if spec.get("kind") == "compiled" and spec.get("format", "docx") == "docx":
        return Document("compiled", int(spec["campaign"]))
    return None


@dataclass(frozen=True)
class Links:
    """Makes the links of one deployment: its public URL, its key, its clock."""

    public_url: str
    key: bytes
    clock: Callable[[], datetime]
    valid: timedelta = VALID

    def for_spec(self, spec: dict[str, Any]) -> tuple[str, datetime] | None:
        """The link to the document a reply names, and when it expires (None: no link can serve it)."""
        doc = document_of(spec)
        return None if doc is None else link(self.public_url, self.key, doc, self.clock(), self.valid)


#: Writes a document into a folder; its path (``bot.services.Services`` does it in the app).
Writer = Callable[[Document, Path], Path]


@dataclass(frozen=True)
class Downloads:
    """What the web server needs to serve links: the key, a writer, the clock (epoch seconds)."""

    key: bytes
    write: Writer
    clock: Callable[[], float] = time.time


def add_download_route(app: web.Application, key: bytes, write: Writer, clock: Callable[[], float]) -> None:
    """Serve signed links on ``app`` (the documents are written on demand, in a worker thread)."""

    async def download(request: web.Request) -> web.StreamResponse:
        info = request.match_info
        doc = verdict(key, info["kind"], info["campaign"], info["unit"], info["expires"], info["signature"],
                      now=clock())
        if not isinstance(doc, Document):
            text = t("bot.zalo.link_expired" if doc == 410 else "bot.zalo.link_refused")
            return web.Response(status=doc, text=text, charset="utf-8")
        try:
            with tempfile.TemporaryDirectory() as folder:
                path = await asyncio.to_thread(write, doc, Path(folder))
                body = path.read_bytes()
        except Exception as exc:  # nothing to serve (e.g. the report was deleted): a sentence, never a traceback
            log.warning("download link: document not made: %s", type(exc).__name__)
            return web.Response(status=404, text=t("bot.zalo.link_missing"), charset="utf-8")
        return web.Response(body=body, content_type=DOCX,
                            headers={"Content-Disposition": f'attachment; filename="{path.name}"'})

    app.router.add_get(ROUTE, download)


def services_writer(services: object) -> Writer:
    """A :data:`Writer` over :class:`bot.services.Services` (a unit's report, or the compiled one as .docx)."""
    from bot.runner import Binding
    from bot.services import Services

    assert isinstance(services, Services)

    def write(doc: Document, folder: Path) -> Path:
        if doc.kind == "unit":
            return services.export_unit_docx(Binding(doc.campaign_id, doc.unit_id), folder)[0]
        return services.export_compiled(doc.campaign_id, "docx", folder / f"tong-hop-dot-{doc.campaign_id}.docx")

    return write
