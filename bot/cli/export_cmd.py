"""``reportbot export``: a unit's report or the compiled department report, as .docx, .xlsx or .pdf.

``-o`` may name a file or an existing folder (the file is then named inside it); a full disk or a path
without write permission is one sentence (exit 3), never a half-written file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from bot.cli.app import app
from bot.cli.files import in_folder, writing
from bot.runner import Binding
from bot.services import Services
from dialogs.errors import ConfigError
from dialogs.messages import t


@app.command()
def export(
    campaign: int = typer.Option(..., "--campaign", "-c", help="Campaign id."),
    unit: Optional[str] = typer.Option(None, "--unit", "-u", help="One unit's report."),
    compiled: bool = typer.Option(False, "--compiled", help="The compiled department report."),
    fmt: str = typer.Option("docx", "--format", "-f", help="docx, xlsx or pdf."),
    out: Path = typer.Option(..., "--output", "-o", help="Output file (or a folder to write it in)."),
) -> None:
    """Export a unit's report (--unit) or the compiled report (--compiled)."""
    if bool(unit) == compiled:
        raise ConfigError(msg="bot.cli.export_unit_or_compiled")
    if fmt not in {"docx", "xlsx", "pdf"}:
        raise ConfigError(msg="bot.cli.export_bad_format", format=fmt)
    services = Services()
    if unit:
        if fmt == "xlsx":
            raise ConfigError(msg="bot.cli.export_xlsx_compiled_only")
        with services.uow() as uow:
            unit_id = services.find_unit(uow, unit).id
            uow.campaigns.get(campaign)
            uow.commit()
        # A folder: the services name the .docx inside it, and the PDF goes next to it.
        docx = out if out.is_dir() or fmt != "pdf" else out.with_suffix(".docx")
        with writing(docx):
            path, submitted = services.export_unit_docx(Binding(campaign, unit_id), docx)
        if fmt == "pdf":
            from exporters.pdf import convert_to_pdf

            pdf = path.with_suffix(".pdf") if out.is_dir() else out
            with writing(pdf):
                path = convert_to_pdf(path, pdf)
        typer.echo(t("bot.cli.exported" if submitted else "bot.cli.exported_draft", path=path))
        return
    target = in_folder(out, f"tong-hop-dot-{campaign}.{fmt}")
    with writing(target):
        path = services.export_compiled(campaign, fmt, target)
    typer.echo(t("bot.cli.exported", path=path))
