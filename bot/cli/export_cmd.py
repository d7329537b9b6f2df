"""``reportbot export``: a unit's report, every unit's (a folder or a .zip), or the compiled department report
(.docx with its annex, .xlsx or .pdf).

``-o`` may name a file, or a folder (made if missing; a name without an extension is one), the file then
named inside it; a full disk or a path
without write permission is one sentence (exit 3), never a half-written file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from bot.cli.admin_cmd import print_json, unit_used
from bot.cli.app import app, h
from bot.cli.files import in_folder, writing
from bot.exports import export_all_units
from bot.progress import unit_json
from bot.runner import Binding
from bot.services import Services
from dialogs.errors import ConfigError
from dialogs.messages import t


@app.command(help=h("export"))
def export(
    campaign: int = typer.Option(..., "--campaign", "-c", help=h("opt_campaign")),
    unit: Optional[str] = typer.Option(None, "--unit", "-u", help=h("opt_export_unit")),
    province: Optional[str] = typer.Option(None, "--province", "-p", help=h("opt_province_filter")),
    compiled: bool = typer.Option(False, "--compiled", help=h("opt_compiled")),
    all_units: bool = typer.Option(False, "--all-units", help=h("opt_export_all")),
    fmt: str = typer.Option("docx", "--format", "-f", help=h("opt_format")),
    out: Path = typer.Option(..., "--output", "-o", help=h("opt_output")),
    as_json: bool = typer.Option(False, "--json", help=h("opt_json")),
) -> None:
    """Export a unit's report (--unit), every unit's (--all-units) or the compiled report (--compiled)."""
    if (bool(unit) + compiled + all_units) != 1:
        raise ConfigError(msg="bot.cli.export_unit_or_compiled")
    if fmt not in {"docx", "xlsx", "pdf"}:
        raise ConfigError(msg="bot.cli.export_bad_format", format=fmt)
    services = Services()
    if all_units:
        _all_units(services, campaign, fmt, out, as_json)
        return
    if not out.suffix and not out.exists():
        # "-o ra" or "-o ra/": a folder (made if missing), the file named inside it — never a file without
        # an extension that no program opens.
        with writing(out):
            out.mkdir(parents=True, exist_ok=True)
    if unit:
        if fmt == "xlsx":
            raise ConfigError(msg="bot.cli.export_xlsx_compiled_only")
        with services.uow() as uow:
            found = services.find_unit(uow, unit, province)
            unit_id = found.id
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
        if as_json:
            print_json({"path": str(path), "submitted": submitted, "unit": unit_json(found)})
            return
        typer.echo(unit_used(found))
        typer.echo(t("bot.cli.exported" if submitted else "bot.cli.exported_draft", path=path))
        return
    target = in_folder(out, f"tong-hop-dot-{campaign}.{fmt}")
    with writing(target):
        path = services.export_compiled(campaign, fmt, target)
    if as_json:
        print_json({"path": str(path), "annex": str(services.annex) if services.annex else None})
        return
    typer.echo(t("bot.cli.exported", path=path))
    if services.annex is not None:
        typer.echo(t("bot.cli.exported_annex", path=services.annex))


def _all_units(services: Services, campaign: int, fmt: str, out: Path, as_json: bool) -> None:
    """Every unit's submitted report, named by unit, into a folder or a .zip."""
    if fmt != "docx":
        raise ConfigError(msg="bot.cli.export_all_docx_only")
    with writing(out):
        written, missing = export_all_units(services, campaign, out)
    if as_json:
        print_json({"path": str(out), "written": len(written), "missing": missing,
                    "files": [{"unit": unit_json(u), "file": name} for u, name in written]})
        return
    typer.echo(t("bot.cli.exported_all", count=len(written), missing=missing, path=out))
