"""Commands for department staff and administrators: units, opening a campaign, answers, run and remind.

The rest of a campaign's life (units in and out, deadline, close, invites, progress, return) is in
:mod:`bot.cli.campaign_cmd`. Every command that acts on a unit prints the unit it used (name, province,
code), also in ``--json``.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Optional

import typer

from bot import reminders
from bot.cli.app import answers_app, app, campaign_app, h, unit_app
from bot.cli.errors import shown
from bot.cli.files import load_answers, not_a_folder
from bot.progress import deadline_json, deadline_text, unit_json
from bot.services import ImportRefused, Services, resolve_template
from dialogs.errors import ConfigError
from dialogs.fields import ParseSpec, parse
from dialogs.messages import t
from storage.models import Unit
from storage.unit_lookup import label, sorted_units

#: The years a date option may name (those the date grammar reads).
FIRST_YEAR, LAST_YEAR = 1900, 2100


def print_json(data: object) -> None:
    """Print one JSON object (what ``--json`` promises)."""
    typer.echo(json.dumps(data, ensure_ascii=False, default=str))


def warn(services: Services) -> None:
    """Print the last operation's warnings on standard error, one line each."""
    for warning in services.warnings:
        typer.echo(f"reportbot: {t('bot.cli.warning', text=warning)}", err=True)


def unit_used(unit: Unit) -> str:
    """The line that names the unit a command acted on."""
    return t("bot.cli.unit_used", unit=label(unit))


def parse_day(text: str, option: str, today: date | None = None) -> date:
    """A date option as staff write it: ``2025-08-20``, ``15/12/2026``, ``15-12-2026`` (the chat's date grammar);
    a refusal says what is wrong with it (``2025-02-31``: February 2025 has 28 days)."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        result = parse("date", text, ParseSpec(), today or date.today())
        if not result.ok or not isinstance(result.value, str):
            raise ConfigError(msg="bot.cli.bad_day", option=option, text=shown(text),
                              reason=result.error or result.ask or "") from None
        day = date.fromisoformat(result.value)
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ConfigError(msg="bot.cli.day_out_of_range", option=option, text=shown(text), first=FIRST_YEAR,
                          last=LAST_YEAR)
    return day


#: An ISO date joined to its time by "T" (``2026-12-15T17:00``).
_ISO_T = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})T(?=\d)", re.IGNORECASE)
#: A word meant as a time of day (a colon, or an hour followed by "h"/"g"), well written or not.
_CLOCKISH = re.compile(r"^\d{1,2}[hg]\d*$|:", re.IGNORECASE)
#: A time of day as staff write it: ``17:00``, ``17h``, ``17h30``, ``17g30`` (``17:00:00`` from scripts).
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2})(?::00)?|[hg](\d{2})?)$", re.IGNORECASE)


def parse_deadline(text: str, option: str, today: date | None = None) -> tuple[date, time | None]:
    """A deadline option: a date as :func:`parse_day` reads it, optionally with a time before or after it
    (``2026-12-15 17:00``, ``2026-12-15T17:00``, ``17:00 15/12/2026``, ``17h30 15/12/2026``); no time is None
    (the end of the day). A time that is no time of day (``25:00``, ``17:75``) is refused with an example.

    >>> parse_deadline("17h30 15/12/2026", "--deadline")
    (datetime.date(2026, 12, 15), datetime.time(17, 30))
    >>> parse_deadline("2026-12-15", "--deadline")
    (datetime.date(2026, 12, 15), None)
    """
    words = _ISO_T.sub(r"\1 ", text.strip()).split()
    clocks = [i for i, word in enumerate(words) if _CLOCKISH.search(word)]
    if not clocks:
        return parse_day(text, option, today), None
    found = _CLOCK.match(words[clocks[0]]) if len(clocks) == 1 else None
    try:
        at = time(int(found[1]), int(found[2] or found[3] or 0)) if found else None
    except ValueError:  # 25:00, 17:75
        at = None
    if at is None:
        raise ConfigError(msg="bot.cli.bad_time", option=option, text=shown(text),
                          time=shown(" ".join(words[i] for i in clocks)))
    rest = " ".join(word for i, word in enumerate(words) if i != clocks[0])
    return parse_day(rest, option, today), at


@campaign_app.command("create", help=h("campaign_create"))
def campaign_create(
    template: str = typer.Option(..., "--template", "-t", help=h("opt_template")),
    deadline: str = typer.Option(..., "--deadline", "-d", help=h("opt_deadline")),
    title: Optional[str] = typer.Option(None, "--title", help=h("opt_title")),
    unit: list[str] = typer.Option([], "--unit", "-u", help=h("opt_units")),
    province: Optional[str] = typer.Option(None, "--province", "-p", help=h("opt_province_units")),
    all_units: bool = typer.Option(False, "--all-units", help=h("opt_all_units")),
    word_template: Optional[Path] = typer.Option(None, "--word-template", help=h("opt_word_template")),
    contact: Optional[str] = typer.Option(None, "--contact", help=h("opt_contact")),
    signer_authority: Optional[str] = typer.Option(None, "--signer-authority", help=h("opt_signer_authority")),
    signer_deputy: Optional[str] = typer.Option(None, "--signer-deputy", help=h("opt_signer_deputy")),
    signer_position: Optional[str] = typer.Option(None, "--signer-position", help=h("opt_signer_position")),
    signer_name: Optional[str] = typer.Option(None, "--signer-name", help=h("opt_signer_name")),
    noi_nhan: Optional[list[str]] = typer.Option(None, "--noi-nhan", help=h("opt_noi_nhan")),
    remind: Optional[str] = typer.Option(None, "--remind", help=h("opt_remind")),
    quiet: Optional[str] = typer.Option(None, "--quiet", help=h("opt_quiet")),
    digest: Optional[str] = typer.Option(None, "--digest", help=h("opt_digest")),
    as_json: bool = typer.Option(False, "--json", help=h("opt_json_id")),
) -> None:
    """Open a reporting campaign on a template, with a deadline and its reminders."""
    services = Services()
    day, at = parse_deadline(deadline, "--deadline", services.now().date())
    not_a_folder(template)
    not_a_folder(word_template)
    signer = {"authority": signer_authority, "deputy": signer_deputy, "position": signer_position,
              "name": signer_name}
    campaign = services.create_campaign(resolve_template(template), day, title, tuple(unit), all_units,
                                        word_template, contact, province=province,
                                        signer=signer if any(signer.values()) else None,
                                        noi_nhan=tuple(noi_nhan) if noi_nhan else None,
                                        remind={"policy": remind, "quiet": quiet, "digest": digest},
                                        deadline_time=at)
    warn(services)
    units = services.units_used
    if as_json:
        print_json({"id": campaign.id, "title": campaign.title, **deadline_json(campaign, services.settings.zone()),
                    "units": [unit_json(u) for u in sorted_units(units)], "warnings": services.warnings,
                    "reminders": reminders.describe(campaign)})
        return
    typer.echo(t("bot.cli.campaign_created", id=campaign.id, title=campaign.title,
                 deadline=deadline_text(campaign), units=len(units)))
    if len(unit) <= 20:
        for one in sorted_units(units) if unit else ():
            typer.echo(unit_used(one))


@campaign_app.command("list", help=h("campaign_list"))
def campaign_list(as_json: bool = typer.Option(False, "--json", help=h("opt_json"))) -> None:
    """List campaigns."""
    services = Services()
    with services.uow() as uow:
        campaigns = uow.campaigns.all()
    if as_json:
        zone = services.settings.zone()
        print_json({"campaigns": [{"id": c.id, "title": c.title, **deadline_json(c, zone), "status": c.status}
                                  for c in campaigns]})
    else:
        for c in campaigns:
            typer.echo(f"{c.id:>4}  {deadline_text(c):<21}  {c.status:<6}  {c.title}")


@unit_app.command("add", help=h("unit_add"))
def unit_add(
    name: str = typer.Argument(..., help=h("arg_unit_name", example=t("bot.cli.example_unit"))),
    as_json: bool = typer.Option(False, "--json", help=h("opt_json_unit")),
) -> None:
    """Add a reporting unit (its code and province come from vietnam-provinces when it is known there)."""
    services = Services()
    unit = services.add_unit(name)
    warn(services)
    if as_json:
        print_json(unit_json(unit))
    else:
        typer.echo(t("bot.cli.unit_added", id=unit.id, name=label(unit)))


@unit_app.command("import", help=h("unit_import"))
def unit_import(
    province: Optional[str] = typer.Option(None, "--province", "-p",
                                           help=h("opt_province_import", example=t("bot.cli.example_province"))),
    as_json: bool = typer.Option(False, "--json", help=h("opt_json")),
) -> None:
    """Import communes and wards from the vietnam-provinces package (3,321 after 1/7/2025)."""
    from storage.units_import import import_units

    services = Services()
    with services.uow() as uow:
        report = import_units(uow, province, services.now())
        uow.commit()
    if as_json:
        print_json({"added": report.added, "skipped": report.skipped})
    else:
        typer.echo(t("bot.cli.units_imported", added=report.added, skipped=report.skipped))


@unit_app.command("list", help=h("unit_list"))
def unit_list(
    province: Optional[str] = typer.Option(None, "--province", "-p", help=h("opt_province_filter")),
    as_json: bool = typer.Option(False, "--json", help=h("opt_json")),
) -> None:
    """List units, in Vietnamese alphabetical order."""
    from storage.units_import import find_province

    services = Services()
    code = int(find_province(province).code.value) if province else None
    with services.uow() as uow:
        rows = [unit_json(u) for u in sorted_units(uow.units.all(code))]
    if as_json:
        print_json({"units": rows})
    else:
        for row in rows:
            typer.echo(f"{row['id']:>5}  {row['code'] or '—':>6}  {row['name']}  ({row['province'] or '—'})")


@answers_app.command("import", help=h("answers_import"))
def answers_import(
    file: Path = typer.Argument(..., help=h("arg_answers_file"), exists=False),
    campaign: int = typer.Option(..., "--campaign", "-c", help=h("opt_campaign")),
    unit: str = typer.Option(..., "--unit", "-u", help=h("opt_unit")),
    province: Optional[str] = typer.Option(None, "--province", "-p", help=h("opt_province_filter")),
    submit: bool = typer.Option(False, "--submit", help=h("opt_submit")),
    as_json: bool = typer.Option(False, "--json", help=h("opt_json")),
) -> None:
    """Import answers from a file, parsed exactly as if typed in the chat (all or nothing)."""
    if not file.exists():
        raise ConfigError(msg="bot.cli.no_file", path=file)
    raw = load_answers(file) or {}
    if not isinstance(raw, dict):
        raise ConfigError(msg="bot.cli.answers_not_mapping", path=file)
    try:
        done = Services().import_answers(campaign, unit, raw, submit=submit, province=province)
    except ImportRefused as refused:
        if as_json:
            print_json({"ok": False, "errors": [{"field": p.field_id, "error": p.message} for p in refused.problems]})
        else:
            for p in refused.problems:
                typer.echo(f"{file}: {p.field_id}: {p.message}", err=True)
            typer.echo(f"{refused}", err=True)
        raise typer.Exit(1) from None
    receipt = done.receipt
    if as_json:
        print_json({"ok": True, "imported": done.count, "unit": unit_json(done.unit), "campaign": done.campaign.id,
                    "receipt": None if receipt is None else {
                        "ref": receipt.ref, "version": receipt.version, "on_time": receipt.on_time,
                        "unchanged": receipt.unchanged, "submitted_at": receipt.submitted_at.isoformat()}})
        return
    typer.echo(unit_used(done.unit))
    typer.echo(t("bot.cli.answers_imported", count=done.count))
    if receipt is not None:
        when = t("bot.cli.receipt_on_time" if receipt.on_time else "bot.cli.receipt_late")
        typer.echo(t("bot.cli.receipt_same" if receipt.unchanged else "bot.cli.receipt", ref=receipt.ref,
                     version=receipt.version, when=when, at=f"{receipt.submitted_at:%H:%M %d/%m/%Y}"))


@app.command(help=h("remind"))
def remind(
    dry_run: bool = typer.Option(False, "--dry-run", help=h("opt_dry_run")),
    at: Optional[str] = typer.Option(None, "--at", help=h("opt_at")),
    as_json: bool = typer.Option(False, "--json", help=h("opt_json")),
) -> None:
    """Plan the open campaigns' reminders and queue those due (``--dry-run``: list them, send nothing)."""
    services = Services()
    now = services.now()
    if at is not None:
        try:
            moment = datetime.fromisoformat(at.strip())
        except ValueError:
            raise ConfigError(msg="bot.cli.bad_at", text=shown(at)) from None
        if not dry_run:
            raise ConfigError(msg="bot.remind.at_needs_dry_run")
        now = moment.replace(tzinfo=now.tzinfo) if moment.tzinfo is None else moment.astimezone(now.tzinfo)
    with services.uow() as uow:
        planned = reminders.plan_open(uow, services.now())
        if dry_run:
            _dry_run(reminders.preview(uow, now), now, as_json)
            return  # nothing is kept: the unit of work rolls back
        queued = reminders.fire(uow, now, limit=1_000_000)
        uow.commit()
    if as_json:
        print_json({"planned": planned, "queued": queued})
        return
    typer.echo(t("bot.remind.planned", count=planned))
    typer.echo(t("bot.remind.queued", count=queued))


def _dry_run(messages: list[reminders.ReminderMessage], now: datetime, as_json: bool) -> None:
    at = f"{now:%H:%M %d/%m/%Y}"
    if as_json:
        print_json({"at": now.isoformat(), "messages": [
            {"campaign": m.campaign.id, "kind": m.reminder.kind, "slot": m.reminder.slot, "unit": m.unit or None,
             "person": m.person.display_name, "person_id": m.person.id, "channel": m.channel, "chat_id": m.chat_id,
             "text": reminders.rendered(m)} for m in messages]})
        return
    if not messages:
        typer.echo(t("bot.remind.dry_run_none", at=at))
        return
    typer.echo(t("bot.remind.dry_run_head", at=at, count=len(messages)))
    for m in messages:
        typer.echo(t("bot.remind.dry_run_line", campaign=m.campaign.id, who=m.person.display_name,
                     unit=m.unit or t("bot.remind.department"), channel=m.channel))
        typer.echo("  " + reminders.rendered(m).replace("\n", "\n  "))
