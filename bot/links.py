"""Expiring signed download links for channels that cannot send documents (the Zalo Bot Platform): reportbot's
own web server (``REPORTBOT_PUBLIC_URL``) serves one unit's report, or a campaign's compiled report, at
``/files/<kind>/<campaign>/<unit>/<expires>/<signature>``.

The signature is an HMAC-SHA256 of everything else in the path, so a link names one document only and its
expiry cannot be moved: an altered or expired link is refused (403, with a Vietnamese sentence).

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
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from aiohttp import web

from dialogs.messages import t

ROUTE = "/files/{kind}/{campaign}/{unit}/{expires}/{signature}"
#: How long a link works.
VALID = timedelta(hours=24)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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


def check(key: bytes, kind: str, campaign: str, unit: str, expires: str, signature: str, *,
          now: float) -> Document | None:
    """The document a link names, when its signature holds and it has not expired (None otherwise)."""
    if kind not in ("unit", "compiled") or not (campaign.isdigit() and unit.isdigit() and expires.isdigit()):
        return None
    doc = Document(kind, int(campaign), int(unit))
    if not hmac.compare_digest(signature.encode(), _signature(key, doc, int(expires)).encode()):
        return None
    return doc if now <= int(expires) else None


#: Writes a document into a folder; its path (``bot.services.Services`` does it in the app).
Writer = Callable[[Document, Path], Path]


def add_download_route(app: web.Application, key: bytes, write: Writer, clock: Callable[[], float]) -> None:
    """Serve signed links on ``app`` (the documents are written on demand, in a worker thread)."""

    async def download(request: web.Request) -> web.StreamResponse:
        info = request.match_info
        doc = check(key, info["kind"], info["campaign"], info["unit"], info["expires"], info["signature"],
                    now=clock())
        if doc is None:
            return web.Response(status=403, text=t("bot.zalo.link_expired"), charset="utf-8")
        with tempfile.TemporaryDirectory() as folder:
            path = await asyncio.to_thread(write, doc, Path(folder))
            body = path.read_bytes()
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
