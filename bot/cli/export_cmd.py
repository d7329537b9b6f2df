"""``reportbot export``: a unit's report or the compiled department report, as .docx, .xlsx or .pdf.

``-o`` may name a file, or a folder (made if missing; a name without an extension is one), the file then
named inside it; a full disk or a path
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
    if not out.suffix and not out.exists():
        # "-o ra" or "-o ra/": a folder (made if missing), the file named inside it — never a file without
        # an extension that no program opens.
        with writing(out):
            out.mkdir(parents=True, exist_ok=True)
    services = Services()
    if unit:
        if fmt == "xlsx":
            raise ConfigError(msg="bot.cli.export_xlsx_compiled_only")
        with services.uow() as uow:
            unit_id = services.find_unit(uow, unit).id
            uow.campaigns.get(campaign)
            uow.commit()
        if fmt != "pdf":
            with writing(out):
                path, submitted = services.export_unit_docx(Binding(campaign, unit_id), out)
        else:
            import tempfile

            from bot.services import free_path
            from exporters.pdf import convert_to_pdf

            # The .docx is made in a scratch folder: nothing beside the PDF is ever overwritten.
            with tempfile.TemporaryDirectory(prefix="reportbot-") as folder:
                docx, submitted = services.export_unit_docx(Binding(campaign, unit_id), Path(folder))
                pdf = free_path(out / docx.with_suffix(".pdf").name if out.is_dir() else out, set())
                with writing(pdf):
                    path = convert_to_pdf(docx, pdf)
        typer.echo(t("bot.cli.exported" if submitted else "bot.cli.exported_draft", path=path))
        return
    target = in_folder(out, f"tong-hop-dot-{campaign}.{fmt}")
    with writing(target):
        path = services.export_compiled(campaign, fmt, target)
    typer.echo(t("bot.cli.exported", path=path))
