"""Documents sent in the chat (Telegram): a unit's report after its submission, the compiled report for
``/tonghop``. A reply names the document it carries (``{"kind": …, "campaign": …}``); the sender has it made
from the database when it sends the message, so a document is always the stored report as it is then.

>>> unit_document(3, 7, 2)
{'kind': 'unit', 'campaign': 3, 'unit': 7, 'version': 2}
>>> compiled_document(3, "xlsx")
{'kind': 'compiled', 'campaign': 3, 'format': 'xlsx'}
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings

#: The largest document a chat may carry (Telegram bots send up to 50 MB).
MAX_BYTES = 45 * 1024 * 1024


def unit_document(campaign_id: int, unit_id: int, version: int) -> dict[str, Any]:
    """The spec of a unit's submitted report."""
    return {"kind": "unit", "campaign": campaign_id, "unit": unit_id, "version": version}


def compiled_document(campaign_id: int, fmt: str) -> dict[str, Any]:
    """The spec of a campaign's compiled report (``docx`` or ``xlsx``)."""
    return {"kind": "compiled", "campaign": campaign_id, "format": fmt}


def render(session_factory: sessionmaker[Session], spec: dict[str, Any], settings: Settings | None = None
           ) -> tuple[str, bytes]:
    """The file a spec names: (file name, bytes). Raises when it cannot be made (the caller sends the text)."""
    from bot.runner import Binding
    from bot.services import Services

    services = Services(settings, session_factory=session_factory)
    with tempfile.TemporaryDirectory(prefix="reportbot-doc-") as folder:
        if spec.get("kind") == "unit":
            path, _ = services.export_unit_docx(Binding(int(spec["campaign"]), int(spec["unit"])), Path(folder))
        elif spec.get("kind") == "compiled":
            fmt = "xlsx" if spec.get("format") == "xlsx" else "docx"
            name = f"tong-hop-dot-{spec['campaign']}.{fmt}"
            path = services.export_compiled(int(spec["campaign"]), fmt, Path(folder) / name)
        else:
            raise ValueError(f"unknown document {spec!r}")
        data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise ValueError("document too large for a chat")
    return path.name, data
