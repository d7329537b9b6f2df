"""A campaign's life on the department's side: opening checks, units in and out, a new deadline, close and
reopen, what ``campaign show`` counts, and returning a report for correction.

Every function works in the caller's unit of work (the CLI's, or the chat's for ``/tralai``) and never
commits; refusals are :class:`dialogs.errors.ConfigError` with a message id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from bot import reminders
from bot.progress import (
    STATES,
    campaign_progress,
    deadline_end,
    deadline_json,
    deadline_moment,
    deadline_text,
    unit_json,
)
from dialogs.errors import ConfigError
from dialogs.messages import t
from dialogs.vietnamese.format import format_deadline
from storage.models import Campaign, Unit
from storage.uow import UnitOfWork

#: A deadline closer than this many days is allowed with a warning (units need time to answer).
SHORT_NOTICE_DAYS = 3
#: Campaign settings the department may give for its compiled report.
SIGNER_KEYS = ("authority", "deputy", "position", "name")


@dataclass(frozen=True)
class Returned:
    """A report sent back: the unit, the version returned, and how many of its staff's chats were told."""

    unit: Unit
    version: int
    told: int


def check_deadline(deadline: date, at: time | None, now: datetime) -> list[str]:
    """Warnings about a deadline (``deadline`` at ``at``, None: the end of that day; ``now`` in the reporting
    zone): already past (every submission will count as late), or only days away.

    Not refusals: a campaign may be entered after the fact, and scripts open campaigns with any date."""
    today = now.date()
    if deadline_moment(deadline, at, now.tzinfo or UTC) < now:
        return [t("bot.campaign.warn_past", deadline=format_deadline(deadline, at),
                  now=format_deadline(today, now.time()))]
    if deadline - today < timedelta(days=SHORT_NOTICE_DAYS):
        return [t("bot.campaign.warn_short", deadline=format_deadline(deadline, at), days=(deadline - today).days)]
    return []


def check_units(count: int) -> list[str]:
    """A warning when a campaign has no unit: nobody can answer it until units are added."""
    return [] if count else [t("bot.campaign.warn_no_units")]


def open_campaign(uow: UnitOfWork, campaign_id: int) -> Campaign:
    """The campaign, refused when it is closed (answers, submissions and invites wait for a reopening)."""
    campaign = uow.campaigns.get(campaign_id)
    if campaign.status != "open":
        raise ConfigError(msg="bot.campaign.closed", id=campaign.id, title=campaign.title)
    return campaign


def expected_unit(uow: UnitOfWork, campaign: Campaign, unit: Unit) -> Unit:
    """``unit``, refused when the campaign does not expect it (its answers would appear nowhere)."""
    if not uow.campaigns.is_expected(campaign.id, unit.id):
        raise ConfigError(msg="bot.campaign.unit_not_invited", unit=unit.name, province=unit.province_name or "—",
                          id=campaign.id)
    return unit


def set_deadline(uow: UnitOfWork, campaign: Campaign, deadline: date, now: datetime,
                 at: time | None = None) -> list[str]:
    """Move the deadline to ``deadline`` at ``at`` (None: the end of that day, so a date alone clears a time) and
    plan the reminders again for it; a moment in the past, or earlier than before, is a warning."""
    warnings = check_deadline(deadline, at, now)
    zone = now.tzinfo or UTC
    old, old_end = deadline_text(campaign), deadline_end(campaign, zone)
    campaign.deadline, campaign.deadline_time = deadline, at
    if deadline_end(campaign, zone) < old_end:
        warnings.append(t("bot.campaign.warn_earlier", old=old, new=deadline_text(campaign)))
    uow.flush()
    reminders.plan_campaign(uow, campaign, now)
    return warnings


def set_settings(campaign: Campaign, signer: dict[str, str | None], noi_nhan: Sequence[str] | None) -> None:
    """Change the compiled report's signer block (KT./TM., position, name) and "Nơi nhận"."""
    settings = dict(campaign.settings or {})
    current = dict(settings.get("signer") or {})
    for key in SIGNER_KEYS:
        value = signer.get(key)
        if value is not None:
            current[key] = value.strip()
    if current:
        settings["signer"] = current
    if noi_nhan is not None:
        settings["noi_nhan"] = [n.strip() for n in noi_nhan if n.strip()]
    campaign.settings = settings  # a new dict: the JSON column sees the change


def summary(uow: UnitOfWork, campaign: Campaign, zone: tzinfo, now: datetime) -> dict[str, Any]:
    """``campaign show``: the campaign, its units by state, its invites by state, its settings."""
    progress = campaign_progress(uow, campaign, zone)
    version = uow.templates.get(campaign.template_version_id)
    invites = uow.invites.listed(campaign.id)
    invite_counts = {"unused": 0, "used": 0, "expired": 0, "revoked": 0}
    for invite in invites:
        invite_counts[invite_state(invite, now)] += 1
    rate = progress.rate
    return {
        "id": campaign.id, "title": campaign.title, "template": f"{version.template_id}@{version.version}",
        **deadline_json(campaign, zone), "status": campaign.status,
        "opened_at": campaign.opened_at.isoformat(),
        "closed_at": campaign.closed_at.isoformat() if campaign.closed_at else None,
        "units": len(progress.units), "states": {s: progress.count(s) for s in STATES},
        "reporting_rate": rate.rate_pct, "on_time_rate": rate.on_time_pct,
        "invites": invite_counts, "settings": campaign.settings or {}, "contact": campaign.contact,
        "reminders": {**reminders.describe(campaign),
                      "planned": len(uow.reminders.of_campaign(campaign.id, status="planned"))},
    }


def invite_state(invite: Any, now: datetime) -> str:
    """"revoked", "used", "expired" or "unused"."""
    if invite.revoked_at is not None:
        return "revoked"
    if invite.used_at is not None:
        return "used"
    if invite.expires_at is not None and invite.expires_at <= now:
        return "expired"
    return "unused"


def return_report(uow: UnitOfWork, campaign_id: int, unit: Unit, comment: str, now: datetime) -> Returned:
    """Send a unit's submitted report back for correction with the department's comment (``/tralai``).

    The version stays in the record as returned; the unit's staff are told in their chats (through the
    outbox), and their next change opens a new version to submit."""
    text = " ".join(comment.split())
    if not text:
        raise ConfigError(msg="bot.return.no_comment")
    campaign = uow.campaigns.get(campaign_id)
    expected_unit(uow, campaign, unit)
    report = uow.reports.get_or_create(campaign.id, unit.id, now)
    last = uow.submissions.last_submitted(campaign.id, unit.id)
    if last is None:
        raise ConfigError(msg="bot.return.not_submitted", unit=unit.name)
    if last.status == "returned":
        raise ConfigError(msg="bot.return.already", unit=unit.name, version=last.version)
    if report.status != "submitted" or last.version != report.version:
        raise ConfigError(msg="bot.return.editing", unit=unit.name, version=report.version)
    uow.submissions.send_back(last, text, now)  # an accepted version may be returned too
    uow.reports.save(report, now, status="returned", comment=text)
    notice = t("bot.return.notice", title=campaign.title, version=last.version, comment=text)
    told = 0
    for person in uow.people.for_unit(unit.id):
        for identity in uow.people.identities(person.id):
            if identity.channel != "console":
                uow.outbox.add(identity.channel, identity.external_id, {"text": notice, "buttons": []}, now)
                told += 1
    reminders.returned(uow, campaign, unit.id, last.version, now)
    return Returned(unit, last.version, told)


def accept_report(uow: UnitOfWork, campaign_id: int, unit: Unit) -> int:
    """Take a unit's submitted report as final ("đã tiếp nhận"); returns the version accepted."""
    campaign = uow.campaigns.get(campaign_id)
    expected_unit(uow, campaign, unit)
    last = uow.submissions.last_submitted(campaign.id, unit.id)
    if last is None:
        raise ConfigError(msg="bot.return.not_submitted", unit=unit.name)
    if last.status == "accepted":
        raise ConfigError(msg="bot.accept.already", unit=unit.name, version=last.version)
    if last.status == "returned":
        raise ConfigError(msg="bot.return.already", unit=unit.name, version=last.version)
    uow.submissions.accept(last)
    return last.version


def returned_json(returned: Returned, campaign_id: int) -> dict[str, Any]:
    """``return --json``."""
    return {"campaign": campaign_id, "unit": unit_json(returned.unit), "version": returned.version,
            "told": returned.told}


__all__ = ["Returned", "accept_report", "check_deadline", "check_units", "expected_unit", "open_campaign",
           "return_report", "set_deadline", "set_settings", "summary"]
