"""``reportbot export``: a unit's report or the compiled department report, as .docx, .xlsx or .pdf."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from bot.cli.app import app
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
    out: Path = typer.Option(..., "--output", "-o", help="Output file."),
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
        docx = out.with_suffix(".docx") if fmt == "pdf" else out
        path, submitted = services.export_unit_docx(Binding(campaign, unit_id), docx)
        if fmt == "pdf":
            from exporters.pdf import convert_to_pdf

            path = convert_to_pdf(path, out)
        typer.echo(t("bot.cli.exported" if submitted else "bot.cli.exported_draft", path=path))
        return
    path = services.export_compiled(campaign, fmt, out)
    typer.echo(t("bot.cli.exported", path=path))
