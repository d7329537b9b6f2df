"""Documents sent in the chat (Telegram): a unit's report after its submission, the compiled report for
``/tonghop``. A reply names the document it carries (``{"kind": …, "campaign": …}``); the sender has it made
from the database when it sends the message, so a document is always the stored report as it is then.

Where LibreOffice is installed, each .docx is followed by its PDF (``"format": "pdf"``): the same .docx,
converted when it is sent. Without LibreOffice the .docx goes alone; when a conversion fails, a short
note goes instead of the PDF.

>>> unit_document(3, 7, 2)
{'kind': 'unit', 'campaign': 3, 'unit': 7, 'version': 2}
>>> compiled_document(3, "xlsx")
{'kind': 'compiled', 'campaign': 3, 'format': 'xlsx'}
>>> [d.spec for d in with_pdf([DocumentDue("m", {}, unit_document(3, 7, 2))], available=True)][1]
{'kind': 'unit', 'campaign': 3, 'unit': 7, 'version': 2, 'format': 'pdf'}
>>> len(with_pdf([DocumentDue("m", {}, compiled_document(3, "xlsx"))], available=True))
1
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.outbox import DocumentDue
from exporters import pdf

#: The largest document a chat may carry (Telegram bots send up to 50 MB).
MAX_BYTES = 45 * 1024 * 1024
#: LibreOffice gets this long to make a chat's PDF; past it the note goes instead (the .docx went already).
PDF_TIMEOUT_S = 60.0

E = TypeVar("E")


def unit_document(campaign_id: int, unit_id: int, version: int) -> dict[str, Any]:
    """The spec of a unit's submitted report."""
    return {"kind": "unit", "campaign": campaign_id, "unit": unit_id, "version": version}


def compiled_document(campaign_id: int, fmt: str) -> dict[str, Any]:
    """The spec of a campaign's compiled report (``docx`` or ``xlsx``)."""
    return {"kind": "compiled", "campaign": campaign_id, "format": fmt}


def is_pdf(spec: dict[str, Any]) -> bool:
    """Whether a spec names the PDF of a .docx."""
    return spec.get("format") == "pdf"


def with_pdf(effects: Sequence[E | DocumentDue], available: bool | None = None) -> list[E | DocumentDue]:
    """``effects`` with the PDF of each .docx document after it, when LibreOffice is there (``available``:
    None looks it up, only when a document is due)."""
    out: list[E | DocumentDue] = []
    for effect in effects:
        out.append(effect)
        if not isinstance(effect, DocumentDue) or effect.spec.get("format", "docx") != "docx":
            continue
        if available is None:
            available = pdf.find_soffice() is not None
        if available:
            out.append(DocumentDue("bot.document.pdf", {}, {**effect.spec, "format": "pdf"}))
    return out


def unmade_note(spec: dict[str, Any]) -> str:
    """The message id said when a document could not be made: a PDF's .docx went before it, so it says that."""
    return "bot.document.pdf_failed" if is_pdf(spec) else "bot.document.failed"


def to_pdf(name: str, data: bytes, timeout: float = PDF_TIMEOUT_S) -> tuple[str, bytes]:
    """A .docx as PDF (LibreOffice in a temporary folder); raises when LibreOffice is missing, fails or is slow."""
    with tempfile.TemporaryDirectory(prefix="reportbot-chat-pdf-") as folder:
        source = Path(folder, Path(name).name)
        source.write_bytes(data)
        made = pdf.convert_to_pdf(source, source.with_suffix(".pdf"), timeout=timeout)
        return made.name, made.read_bytes()


#: A worker process's session factory per database (made on its first document, kept).
_FACTORIES: dict[str, sessionmaker[Session]] = {}


def database_url(session_factory: sessionmaker[Session] | None) -> str | None:
    """The address another process opens the same database at (None: an in-memory one, or none)."""
    bind = None if session_factory is None else session_factory.kw.get("bind")
    url = getattr(bind, "url", None)
    if url is None or (url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")):
        return None
    return str(url.render_as_string(hide_password=False))


def render_at(url: str, spec: dict[str, Any]) -> tuple[str, bytes]:
    """:func:`render` in a document worker process: the database opened by its address, once per process."""
    factory = _FACTORIES.get(url)
    if factory is None:
        from storage.db import make_engine, make_session_factory

        factory = _FACTORIES[url] = make_session_factory(make_engine(url))
    return render(factory, spec)


def warm() -> None:
    """Import what making a document needs (a worker's first document then takes no longer than any)."""
    import docx  # noqa: F401

    import bot.services  # noqa: F401


#: How much less a document worker counts when the machine is busy (``os.nice``): a receipt made a little
#: later is not noticed; a reply held up by it is.
WORKER_NICE = 10


def worker_start(parent: int) -> None:
    """A document worker's start: what it needs imported, a lower priority than the turns' processes, and a
    watch that ends it once ``parent`` is gone (a bot killed outright leaves no worker behind)."""
    import os

    watch_parent(parent)
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICE)
    warm()


def watch_parent(parent: int, every: float = 0.2) -> None:
    """End this worker process as soon as its parent ``parent`` is gone: at once where the kernel can be asked
    to (Linux: ``PR_SET_PDEATHSIG``), else within ``every`` s (a thread checks)."""
    import os
    import threading
    import time

    _die_with_parent()
    if os.getppid() != parent:  # gone before that was asked
        os._exit(0)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(0)

    threading.Thread(target=watch, name="reportbot-parent-watch", daemon=True).start()


def _die_with_parent() -> None:
    """Ask Linux to kill this process the moment its parent dies: a dead bot's database process then commits
    nothing after it (its replies would be sent again by the next one, twice)."""
    import ctypes
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # 1: PR_SET_PDEATHSIG


def render(session_factory: sessionmaker[Session], spec: dict[str, Any], settings: Settings | None = None
           ) -> tuple[str, bytes]:
    """The file a spec names: (file name, bytes) — for a PDF spec, the .docx it is made from. Raises when it
    cannot be made (the caller sends the text)."""
    from bot.runner import Binding
    from bot.services import Services

    services = Services(settings, session_factory=session_factory)
    with tempfile.TemporaryDirectory(prefix="reportbot-doc-") as folder:
        if spec.get("kind") == "unit":
            path, _ = services.export_unit_docx(Binding(int(spec["campaign"]), int(spec["unit"])), Path(folder))
        elif spec.get("kind") == "compiled":
            fmt = "xlsx" if spec.get("format") == "xlsx" else "docx"  # a PDF is made from the .docx
            name = f"tong-hop-dot-{spec['campaign']}.{fmt}"
            path = services.export_compiled(int(spec["campaign"]), fmt, Path(folder) / name)
        else:
            raise ValueError(f"unknown document {spec!r}")
        data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise ValueError("document too large for a chat")
    return path.name, data
