"""A campaign's life from the command line: units in and out, a new deadline, close and reopen, what it
counts (``campaign show``), its settings, invites (one, a whole campaign's sheet, list, revoke), progress and
returning a report for correction. The operations themselves are in :mod:`bot.campaigns`,
:mod:`bot.invite_sheet` and :mod:`bot.progress`, shared with the chat.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Optional

import typer

from bot import reminders
from bot.campaigns import (
    accept_report,
    open_campaign,
    return_report,
    returned_json,
    set_deadline,
    set_settings,
    summary,
)
from bot.cli.admin_cmd import parse_deadline, print_json, unit_used, warn
from bot.cli.app import app, campaign_app, h
from bot.cli.files import writing
from bot.invite_sheet import bulk_invites, capped_days, row_of, write_sheet
from bot.progress import campaign_progress, deadline_json, deadline_text, unit_json
from bot.runner import new_code
from bot.services import Services
from dialogs.errors import ConfigError
from dialogs.messages import t
from dialogs.vietnamese.format import format_number
from storage.unit_lookup import label

invite_app = typer.Typer(help=h("invite"), invoke_without_command=True)
app.add_typer(invite_app, name="invite")


def _units_change(campaign: int, unit: list[str], province: Optional[str], all_units: bool, add: bool,
                  as_json: bool) -> None:
    services = Services()
    with services.uow() as uow:
        found = open_campaign(uow, campaign) if add else uow.campaigns.get(campaign)
        units = services.units_named(uow, tuple(unit), province, all_units)
        if not units:
            raise ConfigError(msg="bot.campaign.which_units")
        ids = [u.id for u in units]
        changed = uow.campaigns.invite_units(found.id, ids) if add else uow.campaigns.remove_units(found.id, ids)
        total = len(uow.campaigns.expected_units(found.id))
        reminders.plan_campaign(uow, found, services.now())
        uow.commit()
    if as_json:
        print_json({"campaign": campaign, "changed": changed, "units": [unit_json(u) for u in units],
                    "expected": total})
        return
    if len(units) <= 20:
        for one in units:
            typer.echo(unit_used(one))
    typer.echo(t("bot.campaign.units_added" if add else "bot.campaign.units_removed", count=changed,
                 asked=len(units), id=campaign, total=total))


@campaign_app.command("add-units", help=h("campaign_add_units"))
def campaign_add_units(
    campaign: int = typer.Option(..., "--campaign", "-c", help=h("opt_campaign")),
    unit: list[str] = typer.Option([], "--unit", "-u", help=h("opt_units")),
    province: Optional[str] = typer.Option(None, "--province", "-p", help=h("opt_province_units")),
    all_units: bool = typer.Option(False, "--all-units", help=h("opt_all_units")),
    as_json: bool = typer.Option(False, "--json", help=h("opt_json")),
) -> None:
    """Expect more units to report in a campaign."""
    _units_change(campaign, unit, province, all_units, True, as_json)


@campaign_app.command("remove-units", help=h("campaign_remove_units"))
def campaign_remove_units(
    campaign: int = typer.Option(..., "--campaign", "-c", help=h("opt_campaign")),
    unit: list[str] = typer.Option([], "--unit", "-u", help=h("opt_units")),
    province: Optional[str] = typer.Option(None, "--province", "-p", help=h("opt_province_units")),
    as_json: bool = typer.Option(False, "--json", help=h("opt_json")),
) -> None:
    """Expect these units no more (what they answered is kept)."""
    _units_change(campaign, unit, province, False, False, as_json)


@campaign_app.command("extend", help=h("campaign_extend"))
def campaign_extend(
    campaign: int = typer.Option(..., "--campaign", "-c", help=h("opt_campaign")),
    deadline: str = typer.Option(..., "--deadline", "-d", help=h("opt_deadline")),
    as_json: bool = typer.Option(False, "--json", help=h("opt_json")),
) -> None:
    """Move a campaign's deadline."""
    services = Services()
    day, at = parse_deadline(deadline, "--deadline", services.now().date())
    with services.uow() as uow:
        found = uow.campaigns.get(campaign)
        services.warnings = set_deadline(uow, found, day, services.now(), at)
        uow.commit()
    warn(services)
    if as_json:
        print_json({"id": campaign, **deadline_json(found, services.settings.zone()), "warnings": services.warnings})
    else:
        typer.echo(t("bot.campaign.extended", id=campaign, deadline=deadline_text(found)))


@campaign_app.command("close", help=h("campaign_close"))
def campaign_close(
    campaign: int = typer.Option(..., "--campaign", "-c", help=h("opt_campaign")),
    as_json: bool = typer.Option(False, "--json", help=h("opt_json")),
) -> None:
    """Close a campaign: no answer or submission is taken until it is reopened."""
    _status(campaign, close=True, as_json=as_json)


@campaign_app.command("reopen", help=h("campaign_reopen"))
def campaign_reopen(
    campaign: int = typer.Option(..., "--campaign", "-c", help=h("opt_campaign")),
    as_json: bool = typer.Option(False, "--json", help=h("opt_json")),
) -> None:
    """Reopen a closed campaign (late submissions are taken again, and counted late)."""
    _status(campaign, close=False, as_json=as_json)


def _status(campaign: int, *, close: bool, as_json: bool) -> None:
    services = Services()
    with services.uow() as uow:
        found = uow.campaigns.get(campaign)
        if close:
            uow.campaigns.close(found, services.now())
        else:
            uow.campaigns.reopen(found)
        uow.commit()
    if as_json:
        print_json({"id": campaign, "status": "closed" if close else "open"})
    else:
        typer.echo(t("bot.campaign.closed_now" if close else "bot.campaign.reopened", id=campaign))


@campaign_app.command("show", help=h("campaign_show"))
def campaign_show(
    campaign: int = typer.Option(..., "--campaign", "-c", help=h("opt_campaign")),
    as_json: bool = typer.Option(False, "--json", help=h("opt_json")),
) -> None:
    """A campaign with its counts: units by state, rates, invites."""
    services = Services()
    with services.uow() as uow:
        found = uow.campaigns.get(campaign)
        data = summary(uow, found, services.settings.zone(), services.now())
    if as_json:
        print_json(data)
        return
    states = data["states"]
    invites = data["invites"]
    typer.echo(t("bot.campaign.show", id=data["id"], title=data["title"], template=data["template"],
                 deadline=deadline_text(found),
                 status=t(f"bot.campaign.status.{data['status']}"), units=data["units"],
                 not_started=states["not_started"], in_progress=states["in_progress"], on_time=states["on_time"],
                 late=states["late"], returned=states["returned"], accepted=states["accepted"],
                 rate=format_number(data["reporting_rate"], 1),
                 on_time_rate=format_number(data["on_time_rate"], 1), unused=invites["unused"], used=invites["used"],
                 expired=invites["expired"], revoked=invites["revoked"]))
    told = data["reminders"]
    typer.echo(t("bot.campaign.reminders", policy=told["policy"], quiet=told["quiet"],
                 digest=told["digest"] or t("bot.campaign.digest_off")))


@campaign_app.command("set", help=h("campaign_set"))
def campaign_set(
    campaign: int = typer.Option(..., "--campaign", "-c", help=h("opt_campaign")),
    signer_authority: Optional[str] = typer.Option(None, "--signer-authority", help=h("opt_signer_authority")),
    signer_deputy: Optional[str] = typer.Option(None, "--signer-deputy", help=h("opt_signer_deputy")),
    signer_position: Optional[str] = typer.Option(None, "--signer-position", help=h("opt_signer_position")),
    signer_name: Optional[str] = typer.Option(None, "--signer-name", help=h("opt_signer_name")),
    noi_nhan: Optional[list[str]] = typer.Option(None, "--noi-nhan", help=h("opt_noi_nhan")),
    remind: Optional[str] = typer.Option(None, "--remind", help=h("opt_remind")),
    quiet: Optional[str] = typer.Option(None, "--quiet", help=h("opt_quiet")),
    digest: Optional[str] = typer.Option(None, "--digest", help=h("opt_digest")),
    as_json: bool = typer.Option(False, "--json", help=h("opt_json")),
) -> None:
    """Change the compiled report's signer block and recipients, and the reminders (planned again)."""
    services = Services()
    with services.uow() as uow:
        found = uow.campaigns.get(campaign)
        set_settings(found, {"authority": signer_authority, "deputy": signer_deputy, "position": signer_position,
                             "name": signer_name}, noi_nhan)
        if remind is not None or quiet is not None or digest is not None:
            reminders.configure(found, policy=remind, quiet=quiet, digest=digest)
            reminders.plan_campaign(uow, found, services.now())
        settings = found.settings
        uow.commit()
    if as_json:
        print_json({"id": campaign, "settings": settings})
    else:
        typer.echo(t("bot.campaign.settings_saved", id=campaign))


@invite_app.callback(help=h("invite"))
def invite(
    ctx: typer.Context,
    unit: Optional[str] = typer.Option(None, "--unit", "-u", help=h("opt_invite_unit")),
    province: Optional[str] = typer.Option(None, "--province", "-p", help=h("opt_province_filter")),
    role: str = typer.Option("reporter", "--role", "-r", help=h("opt_role")),
    campaign: Optional[int] = typer.Option(None, "--campaign", "-c", help=h("opt_invite_campaign")),
    all_units: bool = typer.Option(False, "--all-units", help=h("opt_invite_all")),
    out: Optional[Path] = typer.Option(None, "--output", "-o", help=h("opt_invite_out")),
    days: int = typer.Option(14, "--days", help=h("opt_days", max=365)),
    bot_username: str = typer.Option("", "--bot", help=h("opt_bot")),
    as_json: bool = typer.Option(False, "--json", help=h("opt_json_invite")),
) -> None:
    """Create a one-time invite code and its t.me link (or one per unit of a campaign)."""
    if ctx.invoked_subcommand is not None:
        return
    bot_username = bot_username or telegram_username()
    if role not in {"reporter", "department"}:
        raise ConfigError(msg="bot.cli.bad_role", role=role)
    if all_units:
        _bulk(campaign, role, days, bot_username, out, as_json)
        return
    if role == "reporter" and not unit:
        raise ConfigError(msg="bot.cli.invite_needs_unit")
    services = Services()
    info = services.create_invite(unit, role, campaign, days, bot_username, province)
    warn(services)
    if as_json:
        print_json({"code": info.code, "link": info.link, "expires": info.expires.isoformat(), "role": info.role,
                    "campaign": info.campaign_id, "unit": unit_json(info.unit) if info.unit else None})
        return
    if info.unit is not None:
        typer.echo(unit_used(info.unit))
    whom = t(f"bot.invite_sheet.role.{role}")
    where = t("bot.cli.invite_for_campaign", id=info.campaign_id, title=info.campaign_title) \
        if info.campaign_id is not None else t("bot.cli.invite_no_campaign")
    typer.echo(t("bot.cli.invite", code=info.code, link=info.link, expires=f"{info.expires:%H:%M %d/%m/%Y}",
                 role=whom, campaign=where))


def _bulk(campaign: int | None, role: str, days: int, bot_username: str, out: Path | None, as_json: bool) -> None:
    if campaign is None:
        raise ConfigError(msg="bot.invite_sheet.needs_campaign")
    if out is None and not as_json:
        raise ConfigError(msg="bot.invite_sheet.needs_output")
    days, capped = capped_days(days)
    services = Services()
    now = services.now()
    with services.uow() as uow:
        found = open_campaign(uow, campaign)
        rows, revoked = bulk_invites(uow, found, role, days, bot_username, now, new_code)
        if not rows:
            raise ConfigError(msg="bot.invite_sheet.no_units", id=campaign)
        if out is not None:
            with writing(out):
                out.parent.mkdir(parents=True, exist_ok=True)
                write_sheet(rows, out)
        uow.commit()  # the codes are kept only once the sheet that lists them is written
    if capped:
        typer.echo(f"reportbot: {t('bot.cli.warning', text=capped)}", err=True)
    if as_json:
        print_json({"campaign": campaign, "made": len(rows), "revoked": revoked, "file": str(out) if out else None,
                    "invites": [r.to_json() for r in rows]})
    else:
        typer.echo(t("bot.invite_sheet.written", count=len(rows), revoked=revoked, id=campaign, path=out))


@invite_app.command("list", help=h("invite_list"))
def invite_list(
    campaign: Optional[int] = typer.Option(None, "--campaign", "-c", help=h("opt_campaign")),
    out: Optional[Path] = typer.Option(None, "--output", "-o", help=h("opt_invite_out")),
    bot_username: str = typer.Option("", "--bot", help=h("opt_bot")),
    as_json: bool = typer.Option(False, "--json", help=h("opt_json")),
) -> None:
    """List the department's invites (of one campaign): unit, role, code, expiry, state."""
    services = Services()
    now = services.now()
    with services.uow() as uow:
        if campaign is not None:
            uow.campaigns.get(campaign)
        rows = [row_of(uow, i, bot_username or "reportbot", now) for i in uow.invites.listed(campaign)]
    if out is not None:
        with writing(out):
            write_sheet(rows, out)
    if as_json:
        print_json({"invites": [r.to_json() for r in rows]})
        return
    for row in rows:
        typer.echo(t("bot.invite_sheet.line", code=row.code, state=t(f"bot.invite_sheet.state.{row.state}"),
                     role=t(f"bot.invite_sheet.role.{row.role}"), campaign=row.campaign_id or "—",
                     unit=label(row.unit) if row.unit else "—",
                     expires=f"{row.expires:%d/%m/%Y}" if row.expires else "—"))
    if out is not None:
        typer.echo(t("bot.cli.exported", path=out))


@invite_app.command("revoke", help=h("invite_revoke"))
def invite_revoke(
    code: list[str] = typer.Argument(..., help=h("arg_codes")),
    as_json: bool = typer.Option(False, "--json", help=h("opt_json")),
) -> None:
    """Revoke invite codes: they can no longer be used."""
    services = Services()
    with services.uow() as uow:
        revoked = [uow.invites.revoke(c.strip().upper(), services.now()) for c in code]
        rows = [row_of(uow, i, "reportbot", services.now()) for i in revoked]
        uow.commit()
    if as_json:
        print_json({"revoked": [r.to_json() for r in rows]})
        return
    for row in rows:
        typer.echo(t("bot.invite_sheet.revoked", code=row.code, unit=label(row.unit) if row.unit else "—",
                     role=t(f"bot.invite_sheet.role.{row.role}"), campaign=row.campaign_id or "—"))


@app.command(help=h("progress"))
def progress(
    campaign: int = typer.Option(..., "--campaign", "-c", help=h("opt_campaign")),
    as_json: bool = typer.Option(False, "--json", help=h("opt_json")),
) -> None:
    """Per-unit states and the reporting and on-time rates (as /tiendo in the chat)."""
    services = Services()
    with services.uow() as uow:
        found = campaign_progress(uow, uow.campaigns.get(campaign), services.settings.zone())
    rate = found.rate
    if as_json:
        print_json({"campaign": campaign, "title": found.campaign.title,
                    **deadline_json(found.campaign, services.settings.zone()),
                    "expected": rate.expected, "reported": rate.reported, "on_time": rate.on_time, "late": rate.late,
                    "missing": rate.missing, "reporting_rate": rate.rate_pct, "on_time_rate": rate.on_time_pct,
                    "units": [u.to_json() for u in found.units]})
        return
    typer.echo(t("bot.progress.head", id=campaign, title=found.campaign.title,
                 deadline=deadline_text(found.campaign), expected=rate.expected, reported=rate.reported,
                 rate=format_number(rate.rate_pct, 1), on_time=rate.on_time,
                 on_time_rate=format_number(rate.on_time_pct, 1),
                 late=rate.late, missing=rate.missing))
    for row in found.units:
        typer.echo(t("bot.progress.line", unit=label(row.unit), state=row.label))


@app.command("return", help=h("return"))
def return_command(
    campaign: int = typer.Option(..., "--campaign", "-c", help=h("opt_campaign")),
    unit: str = typer.Option(..., "--unit", "-u", help=h("opt_unit")),
    province: Optional[str] = typer.Option(None, "--province", "-p", help=h("opt_province_filter")),
    comment: str = typer.Option(..., "--comment", "-m", help=h("opt_comment")),
    as_json: bool = typer.Option(False, "--json", help=h("opt_json")),
) -> None:
    """Return a unit's submitted report for correction, with a comment (as /tralai in the chat)."""
    services = Services()
    with services.uow() as uow:
        found = services.find_unit(uow, unit, province)
        returned = return_report(uow, campaign, found, comment, services.now())
        uow.commit()
    if as_json:
        print_json(returned_json(returned, campaign))
        return
    typer.echo(unit_used(returned.unit))
    typer.echo(t("bot.return.done", version=returned.version, id=campaign, told=returned.told))


@app.command("accept", help=h("accept"))
def accept_command(
    campaign: int = typer.Option(..., "--campaign", "-c", help=h("opt_campaign")),
    unit: str = typer.Option(..., "--unit", "-u", help=h("opt_unit")),
    province: Optional[str] = typer.Option(None, "--province", "-p", help=h("opt_province_filter")),
    as_json: bool = typer.Option(False, "--json", help=h("opt_json")),
) -> None:
    """Accept a unit's submitted report as final."""
    services = Services()
    with services.uow() as uow:
        found = services.find_unit(uow, unit, province)
        version = accept_report(uow, campaign, found)
        uow.commit()
    if as_json:
        print_json({"campaign": campaign, "unit": unit_json(found), "version": version, "state": "accepted"})
        return
    typer.echo(unit_used(found))
    typer.echo(t("bot.accept.done", version=version, id=campaign))


def telegram_username(default: str = "reportbot") -> str:
    """The bot's name for t.me links: asked of Telegram (``getMe``) when ``TELEGRAM_BOT_TOKEN`` is set."""
    from bot.config import Settings

    settings = Settings()
    if not settings.telegram_bot_token:
        return default
    from bot.channels.telegram import bot_username

    try:
        return asyncio.run(asyncio.wait_for(bot_username(settings.telegram_bot_token, settings.telegram_api_url), 10))
    except Exception:  # no network, a wrong token: the link is still useful with the code in it
        typer.echo(f"reportbot: {t('bot.cli.warning', text=t('bot.cli.no_bot_name', name=default))}", err=True)
        return default
