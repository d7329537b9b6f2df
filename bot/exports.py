"""What the exports need from storage besides the reports themselves: the campaign as the compiled report reads
it (signer block and "Nơi nhận" from the campaign's settings), file names, and every unit's report at once.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.runner import Binding
from dialogs.messages import t
from dialogs.template.model import Template
from dialogs.vietnamese.text import fold
from exporters.compiled_parts import province_short
from storage.models import Campaign, Unit

if TYPE_CHECKING:
    from bot.services import Services


def campaign_info(template: Template, campaign: Campaign) -> Any:
    """The campaign as the compiled report needs it: the department, the signer block and "Nơi nhận" from the
    campaign's settings (the department head signs when none are given)."""
    from exporters.model import CampaignInfo

    meta = template.meta
    department = meta.department or t("export.department_default")
    settings = campaign.settings or {}
    signer = settings.get("signer") or {}
    lines = tuple(x for x in (signer.get("authority"), signer.get("deputy"), signer.get("position")) if x)
    extra: dict[str, Any] = {}
    if lines:
        extra["signer_lines"] = lines
    return CampaignInfo(str(campaign.id), campaign.title, campaign.deadline, department, meta.department_parent,
                        opened_at=campaign.opened_at, deadline_time=campaign.deadline_time,
                        signer_name=signer.get("name") or "",
                        noi_nhan=tuple(settings.get("noi_nhan") or ()), **extra)


def slug(text: str) -> str:
    """A file-name part: folded, words joined by "-" (``Xã Bình Minh`` → ``xa-binh-minh``)."""
    return "-".join(w for w in "".join(c if c.isalnum() else " " for c in fold(text)).split())


def export_all_units(services: Services, campaign_id: int, out: Path) -> tuple[list[tuple[Unit, str]], int]:
    """Every invited unit's submitted report, named by unit, province and code, into the folder ``out`` (made
    if missing) or the .zip ``out``; returns (unit, file name) of each, and how many units have none yet."""
    with services.uow() as uow:
        campaign = uow.campaigns.get(campaign_id)
        units = uow.campaigns.expected_units(campaign.id)
        done = [u for u in units if uow.submissions.last_submitted(campaign.id, u.id) is not None]
    written: list[tuple[Unit, str]] = []
    with tempfile.TemporaryDirectory(prefix="reportbot-all-") as scratch:
        folder = Path(scratch) if out.suffix.lower() == ".zip" else out
        folder.mkdir(parents=True, exist_ok=True)
        own: set[Path] = set()
        for unit in done:
            parts = [unit.name, province_short(unit.province_name or ""), str(unit.code or "")]
            name = "-".join(slug(p) for p in parts if slug(p)) + ".docx"
            path, _ = services.export_unit_docx(Binding(campaign.id, unit.id), folder, own, name=name)
            own.add(path)
            written.append((unit, path.name))
        if out.suffix.lower() == ".zip":
            out.parent.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
                for _, file_name in written:
                    archive.write(folder / file_name, file_name)
    return written, len(units) - len(done)
