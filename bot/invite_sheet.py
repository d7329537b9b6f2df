"""Invites for a whole campaign at once, the list of a campaign's invites, and the sheet the department mails
or prints (.csv or .xlsx: unit, province, code, link, role, expiry, state).

Bulk invites are idempotent: a unit that already holds a usable code of that role keeps it (the sheet
lists it again), so running the command twice never leaves two valid codes per unit.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.campaigns import invite_state
from dialogs.messages import t
from storage.models import Campaign, Invite, Unit
from storage.uow import UnitOfWork

#: The longest an invite stays valid, in days (a code left lying around for years is a leak).
MAX_INVITE_DAYS = 365


@dataclass(frozen=True)
class InviteRow:
    """One invite as listed: for which unit, role and campaign, its code, link, expiry and state."""

    code: str
    link: str
    role: str
    campaign_id: int | None
    unit: Unit | None
    expires: datetime | None
    state: str

    def to_json(self) -> dict[str, Any]:
        """The row as ``--json`` prints it."""
        from bot.progress import unit_json

        return {"code": self.code, "link": self.link, "role": self.role, "campaign": self.campaign_id,
                "unit": unit_json(self.unit) if self.unit is not None else None,
                "expires": self.expires.isoformat() if self.expires else None, "state": self.state}


def telegram_link(bot_username: str, code: str) -> str:
    """The deep link that opens the bot with the code: ``https://t.me/<bot>?start=CODE``."""
    return f"https://t.me/{bot_username}?start={code}"


def capped_days(days: int) -> tuple[int, str | None]:
    """The validity to use and a warning when it was capped; 0 or fewer days is refused."""
    from dialogs.errors import ConfigError

    if days < 1:
        raise ConfigError(msg="bot.cli.bad_days", days=days, max=MAX_INVITE_DAYS)
    if days > MAX_INVITE_DAYS:
        return MAX_INVITE_DAYS, t("bot.invite_sheet.capped", days=days, max=MAX_INVITE_DAYS)
    return days, None


def row_of(uow: UnitOfWork, invite: Invite, bot_username: str, now: datetime) -> InviteRow:
    """An invite as a row of the list."""
    unit = uow.units.get(invite.unit_id) if invite.unit_id is not None else None
    shown = f"{invite.hint}…" if invite.hint else "…"  # only the code's digest is kept: its first letters
    return InviteRow(shown, "", invite.role, invite.campaign_id, unit, invite.expires_at, invite_state(invite, now))


def bulk_invites(uow: UnitOfWork, campaign: Campaign, role: str, days: int, bot_username: str, now: datetime,
                 new_code: Any) -> tuple[list[InviteRow], int]:
    """A new code for every unit of ``campaign``; the rows and how many codes a unit already held unused were
    revoked (only digests are stored, so an earlier sheet's codes cannot be printed again: the newest sheet is
    the one that works)."""
    revoked = 0
    for invite in uow.invites.listed(campaign.id):
        if invite.unit_id is not None and invite.role == role and invite_state(invite, now) == "unused":
            invite.revoked_at = now
            revoked += 1
    rows = []
    expires = now + timedelta(days=days)
    for unit in uow.campaigns.expected_units(campaign.id):
        code = new_code()
        invite = uow.invites.create(code, role, unit.id, campaign.id, expires, now)
        rows.append(InviteRow(code, telegram_link(bot_username, code), role, campaign.id, unit, invite.expires_at,
                              "unused"))
    return rows, revoked


def _headers() -> list[str]:
    return [t(f"bot.invite_sheet.col.{key}") for key in
            ("unit", "province", "code", "unit_id", "invite", "link", "role", "campaign", "expires", "state")]


def _cells(row: InviteRow) -> list[Any]:
    unit = row.unit
    return [unit.name if unit else "", (unit.province_name or "") if unit else "",
            unit.code if unit and unit.code is not None else "", unit.id if unit else "", row.code, row.link,
            t(f"bot.invite_sheet.role.{row.role}"), row.campaign_id or "",
            f"{row.expires:%d/%m/%Y %H:%M}" if row.expires else "", t(f"bot.invite_sheet.state.{row.state}")]


def write_sheet(rows: list[InviteRow], path: Path) -> Path:
    """Write the invites to ``path``: .xlsx (frozen header, filter) or, for any other name, .csv (UTF-8 with BOM,
    so Excel opens the Vietnamese letters right)."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        wb = Workbook()
        ws = wb.active
        ws.title = t("bot.invite_sheet.sheet")
        ws.append(_headers())
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(_cells(row))
        for letter, width in zip("ABCDEFGHIJ", (28, 24, 10, 8, 12, 42, 16, 8, 17, 14), strict=True):
            ws.column_dimensions[letter].width = width
        ws.freeze_panes = "B2"
        ws.auto_filter.ref = f"A1:J{len(rows) + 1}"
        wb.save(str(path))
        return path
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(_headers())
        writer.writerows(_cells(row) for row in rows)
    return path


__all__ = ["MAX_INVITE_DAYS", "InviteRow", "bulk_invites", "capped_days", "row_of", "telegram_link", "write_sheet"]
