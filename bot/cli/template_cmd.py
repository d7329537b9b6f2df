"""``reportbot template check|show``: every located problem of a template, or its outline in asking order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from bot.cli.app import h, template_app
from bot.cli.files import in_folder, not_a_folder, writing
from dialogs.errors import TemplateError
from dialogs.messages import t
from dialogs.template.issues import Issue
from dialogs.template.loader import check_template, find_template, load_template, shipped_templates
from dialogs.template.model import Field, Section, Template

EXAMPLE_NAME = "mau-bao-cao.docx"
FILE_HELP = h("arg_template_file")


def _resolve(file: str) -> str:
    """The path of ``file``; a missing file or a folder ends the command with one sentence and exit code 1."""
    not_a_folder(file)
    try:
        return str(find_template(file))
    except TemplateError:
        names = ", ".join(p.stem for p in shipped_templates()) or t("bot.cli.template_none_shipped")
        typer.echo(t("bot.cli.template_not_found", file=file, names=names), err=True)
        raise typer.Exit(1) from None


def _report(file: str, issues: list[Issue]) -> None:
    for issue in issues:
        typer.echo(str(issue))
    typer.echo(t("bot.cli.template_errors", file=file, count=len(issues)))
    raise typer.Exit(1)


@template_app.command("check", help=h("template_check"))
def check(file: str = typer.Argument(..., help=FILE_HELP)) -> None:
    """Check a template: print every problem (file:line, section, field, fix) and exit 1 if there is any."""
    path = _resolve(file)
    issues = check_template(path)
    if issues:
        _report(path, issues)
    template = load_template(path)
    typer.echo(t("bot.cli.template_valid", file=path, sections=len(template.all_sections()),
                 fields=len(template.fields()), id=template.id, version=template.version))


@template_app.command("show", help=h("template_show"))
def show(
    file: str = typer.Argument(..., help=FILE_HELP),
    as_json: bool = typer.Option(False, "--json", help=h("opt_json_template")),
) -> None:
    """Print a template's outline in asking order: sections, then each field's id, type and required mark."""
    path = _resolve(file)
    issues = check_template(path)
    if issues:
        _report(path, issues)
    template = load_template(path)
    if as_json:
        typer.echo(json.dumps(outline_json(template), ensure_ascii=False, indent=2))
        return
    for line in outline_lines(template):
        typer.echo(line)


def outline_json(template: Template) -> dict[str, Any]:
    """The DESIGN.md shape: ``{"sections": [{number, path, title}], "fields": [{id, type, required, …}]}``."""
    fields: list[dict[str, Any]] = []
    for f in template.fields():
        item: dict[str, Any] = {"id": f.id, "type": f.type, "required": f.required, "section": f.section,
                                "prompt": f.prompt}
        if f.options:
            item["options"] = [{"value": o.value, "label": o.label} for o in f.options]
        fields.append(item)
    sections = [{"number": s.number, "path": s.path, "title": s.title} for s in template.all_sections()]
    return {"sections": sections, "fields": fields}


def outline_lines(template: Template) -> list[str]:
    """The outline as indented text: numbered headings, and under them ``id  type  *`` (``*`` = required)."""
    lines = [t("bot.cli.outline_title", title=template.meta.title, id=template.id, version=template.version),
             t("bot.cli.outline_legend"), ""]
    for section in template.sections:
        _section_lines(section, 0, lines)
    return lines


def _section_lines(section: Section, depth: int, lines: list[str]) -> None:
    mark = "." if depth < 2 else ")"
    hidden = f"  {t('bot.cli.outline_not_in_report')}" if not section.in_report else ""
    lines.append(f"{'  ' * depth}{section.number}{mark} {section.title}{hidden}")
    for child in section.children:
        if isinstance(child, Section):
            _section_lines(child, depth + 1, lines)
        else:
            _field_lines(child, depth + 1, lines)


def _field_lines(f: Field, depth: int, lines: list[str]) -> None:
    extras = []
    if f.allow_none:
        extras.append(t("bot.cli.outline_allow_none"))
    if f.when:
        extras.append(t("bot.cli.outline_when", when=f.when))
    if f.options:
        extras.append(" | ".join(o.label for o in f.options))
    tail = f"  ({'; '.join(extras)})" if extras else ""
    lines.append(f"{'  ' * depth}- {f.id}  {f.type}{' *' if f.required else ''}{tail}")
    for column in f.fields:
        _field_lines(column, depth + 2, lines)


@template_app.command("word-example", help=h("template_word_example"))
def word_example(
    out: Path = typer.Option(Path(EXAMPLE_NAME), "--output", "-o", help=h("opt_word_out")),
) -> None:
    """Write an NĐ 30 Word template with docxtpl tags: a starting point for a department's own layout."""
    from exporters.docxtpl_fill import write_example_template

    target = in_folder(out, EXAMPLE_NAME)
    with writing(target):
        path = write_example_template(target)
    typer.echo(t("bot.cli.word_example", path=path))
