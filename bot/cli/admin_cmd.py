"""Commands for department staff and administrators: units, campaigns, invites, answers, exports."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Optional

import typer

from bot.cli.app import answers_app, app, campaign_app, unit_app
from bot.cli.errors import shown
from bot.cli.files import load_answers, not_a_folder
from bot.services import ImportRefused, Services, resolve_template
from dialogs.errors import ConfigError
from dialogs.messages import t
from dialogs.vietnamese.format import format_date_short

#: The years a date option may name (those the date grammar reads).
FIRST_YEAR, LAST_YEAR = 1900, 2100
#: The longest an invite stays valid, in days (a code left lying around for years is a leak).
MAX_INVITE_DAYS = 365


def _print_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, default=str))


def _parse_day(text: str, option: str) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ConfigError(msg="bot.cli.bad_day", option=option, text=shown(text)) from exc
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ConfigError(msg="bot.cli.day_out_of_range", option=option, text=shown(text), first=FIRST_YEAR,
                          last=LAST_YEAR)
    return day


@campaign_app.command("create")
def campaign_create(
    template: str = typer.Option(..., "--template", "-t", help="Template file or shipped name."),
    deadline: str = typer.Option(..., "--deadline", "-d", help="Deadline, YYYY-MM-DD."),
    title: Optional[str] = typer.Option(None, "--title", help="Campaign title (default: the template's)."),
    unit: list[str] = typer.Option([], "--unit", "-u", help="Invite this unit (repeatable)."),
    all_units: bool = typer.Option(False, "--all-units", help="Invite every stored unit."),
    word_template: Optional[Path] = typer.Option(
        None, "--word-template", help="A department's Word (.docx) template with docxtpl tags, filled instead "
        "of the built-in layout (start from `reportbot template word-example`)."),
    contact: Optional[str] = typer.Option(None, "--contact", help="Whom units contact at the department "
                                          "(name, phone, email); the bot gives it when nobody there uses it."),
    as_json: bool = typer.Option(False, "--json", help="Print {\"id\": …} as JSON."),
) -> None:
    """Open a reporting campaign on a template, with a deadline."""
    day = _parse_day(deadline, "--deadline")
    not_a_folder(template)
    not_a_folder(word_template)
    services = Services()
    campaign = services.create_campaign(resolve_template(template), day, title,
                                        tuple(unit), all_units, word_template, contact)
    if as_json:
        _print_json({"id": campaign.id, "title": campaign.title, "deadline": campaign.deadline.isoformat()})
    else:
        typer.echo(t("bot.cli.campaign_created", id=campaign.id, title=campaign.title,
                     deadline=format_date_short(campaign.deadline), units=len(unit)))


@campaign_app.command("list")
def campaign_list(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List campaigns."""
    services = Services()
    with services.uow() as uow:
        rows = [{"id": c.id, "title": c.title, "deadline": c.deadline.isoformat(), "status": c.status}
                for c in uow.campaigns.all()]
    if as_json:
        _print_json({"campaigns": rows})
    else:
        for row in rows:
            typer.echo(f"{row['id']:>4}  {row['deadline']}  {row['status']:<6}  {row['title']}")


@unit_app.command("add")
def unit_add(
    name: str = typer.Argument(..., help=f"Unit name, e.g. \"{t('bot.cli.example_unit')}\"."),
    as_json: bool = typer.Option(False, "--json", help="Print {\"id\", \"name\"} as JSON."),
) -> None:
    """Add a reporting unit (its code and province come from vietnam-provinces when it is known there)."""
    unit = Services().add_unit(name)
    if as_json:
        _print_json({"id": unit.id, "name": unit.name, "code": unit.code})
    else:
        typer.echo(t("bot.cli.unit_added", id=unit.id, name=unit.name))


@unit_app.command("import")
def unit_import(
    province: Optional[str] = typer.Option(None, "--province", "-p",
                                           help=f"Only this province, e.g. \"{t('bot.cli.example_province')}\" "
                                           "(default: all 34)."),
    as_json: bool = typer.Option(False, "--json", help="Print counts as JSON."),
) -> None:
    """Import communes and wards from the vietnam-provinces package (3,321 after 1/7/2025)."""
    from storage.units_import import import_units

    services = Services()
    with services.uow() as uow:
        report = import_units(uow, province, services.now())
        uow.commit()
    if as_json:
        _print_json({"added": report.added, "skipped": report.skipped})
    else:
        typer.echo(t("bot.cli.units_imported", added=report.added, skipped=report.skipped))


@unit_app.command("list")
def unit_list(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List units."""
    services = Services()
    with services.uow() as uow:
        rows = [{"id": u.id, "name": u.name, "code": u.code, "province": u.province_name} for u in uow.units.all()]
    if as_json:
        _print_json({"units": rows})
    else:
        for row in rows:
            typer.echo(f"{row['id']:>5}  {row['name']}  ({row['province'] or '—'})")


@app.command()
def invite(
    unit: Optional[str] = typer.Option(None, "--unit", "-u", help="The unit the reporter reports for."),
    role: str = typer.Option("reporter", "--role", "-r", help="reporter or department."),
    campaign: Optional[int] = typer.Option(None, "--campaign", "-c", help="Bind to this campaign."),
    days: int = typer.Option(14, "--days", help=f"Valid for this many days (1 to {MAX_INVITE_DAYS})."),
    bot_username: str = typer.Option("reportbot", "--bot", help="The Telegram bot's username for the link."),
    as_json: bool = typer.Option(False, "--json", help="Print {\"code\", \"link\", \"expires\"} as JSON."),
) -> None:
    """Create a one-time invite code and its t.me link."""
    if role not in {"reporter", "department"}:
        raise ConfigError(msg="bot.cli.bad_role", role=shown(role))
    if role == "reporter" and not unit:
        raise ConfigError(msg="bot.cli.invite_needs_unit")
    if not 1 <= days <= MAX_INVITE_DAYS:
        raise ConfigError(msg="bot.cli.bad_days", days=days, max=MAX_INVITE_DAYS)
    info = Services().create_invite(unit, role, campaign, days, bot_username)
    if as_json:
        _print_json({"code": info.code, "link": info.link, "expires": info.expires.isoformat()})
    else:
        typer.echo(t("bot.cli.invite", code=info.code, link=info.link, expires=f"{info.expires:%H:%M %d/%m/%Y}"))


@answers_app.command("import")
def answers_import(
    file: Path = typer.Argument(..., help="YAML file: field id → answer text.", exists=False),
    campaign: int = typer.Option(..., "--campaign", "-c", help="Campaign id."),
    unit: str = typer.Option(..., "--unit", "-u", help="Unit name."),
    submit: bool = typer.Option(False, "--submit", help="Also submit the unit's report (all required answers)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Import answers from a file, parsed exactly as if typed in the chat (all or nothing)."""
    if not file.exists():
        raise ConfigError(msg="bot.cli.no_file", path=file)
    raw = load_answers(file) or {}
    if not isinstance(raw, dict):
        raise ConfigError(msg="bot.cli.answers_not_mapping", path=file)
    try:
        count = Services().import_answers(campaign, unit, raw, submit=submit)
    except ImportRefused as refused:
        if as_json:
            _print_json({"ok": False, "errors": [{"field": p.field_id, "error": p.message} for p in refused.problems]})
        else:
            for p in refused.problems:
                typer.echo(f"{file}: {p.field_id}: {p.message}", err=True)
            typer.echo(f"{refused}", err=True)
        raise typer.Exit(1) from None
    if as_json:
        _print_json({"ok": True, "imported": count})
    else:
        typer.echo(t("bot.cli.answers_imported", count=count))


@app.command()
def remind(
    dry_run: bool = typer.Option(False, "--dry-run", help="Only print who would be reminded."),
    at: Optional[str] = typer.Option(None, "--at", help="Pretend it is this time (ISO: 2025-08-20T08:00)."),
) -> None:
    """Send deadline reminders."""
    if at is not None:
        try:
            datetime.fromisoformat(at.strip())
        except ValueError:
            raise ConfigError(msg="bot.cli.bad_at", text=shown(at)) from None
    raise ConfigError(msg="bot.cli.remind_unavailable")
