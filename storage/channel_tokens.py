"""A channel's rotating credentials in the database (``channel_tokens``): read, seed once, lock, replace.

The Zalo OA refresh token is single-use: whoever refreshes must hold the row's lock from reading the old pair
to committing the new one (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` locks the
whole database), so a second worker waits, then finds the pair already rotated and uses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import ChannelToken


@dataclass(frozen=True)
class TokenPair:
    """An access token, its refresh token, when the access token expires, and the rotation count."""

    access: str
    refresh: str
    expires_at: datetime | None
    version: int


def _pair(row: ChannelToken) -> TokenPair:
    return TokenPair(row.access_token, row.refresh_token, row.expires_at, row.version)


def load(session: Session, channel: str) -> TokenPair | None:
    """The stored pair of ``channel`` (None: never stored)."""
    row = session.get(ChannelToken, channel)
    return None if row is None else _pair(row)


def seed(session: Session, channel: str, access: str, refresh: str, now: datetime) -> TokenPair:
    """Store the first pair (from the environment) unless one is stored already; the stored pair."""
    row = session.get(ChannelToken, channel)
    if row is None:
        row = ChannelToken(channel=channel, access_token=access, refresh_token=refresh, expires_at=None,
                           updated_at=now, version=0)
        session.add(row)
        session.flush()
    return _pair(row)


def lock(session: Session, channel: str) -> TokenPair | None:
    """The stored pair, locked until the transaction ends (None: never stored)."""
    row = session.execute(
        select(ChannelToken).where(ChannelToken.channel == channel).with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    return None if row is None else _pair(row)


def replace(session: Session, channel: str, access: str, refresh: str, expires_at: datetime | None,
            now: datetime) -> TokenPair:
    """Replace the pair (under :func:`lock`), or store it first; the new pair."""
    row = session.get(ChannelToken, channel)
    if row is None:
        row = ChannelToken(channel=channel, version=0)
        session.add(row)
    row.access_token, row.refresh_token, row.expires_at, row.updated_at = access, refresh, expires_at, now
    row.version = (row.version or 0) + 1
    session.flush()
    return _pair(row)
