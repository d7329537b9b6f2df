"""Reminder policy: when a campaign's reminders fall, as pure data (no clock: dates and zones are arguments).

A policy is written ``7d,3d,1d,0d,+1d..+3d``: ``Nd`` N days before the deadline, ``0d`` on the day,
``+Nd`` N days after it, ``+1d..+3d`` a range; ``@HH:MM`` after an item sets its time (default 08:00).
``off`` plans no reminder. Quiet hours (default 21:00–07:00, and all Sunday unless the deadline is that
day) move a reminder out of them: one before the deadline earlier, one after it later. A deadline with a time
of day (17:00) moves a reminder of that day that would come too late to an hour before it.

>>> policy = parse_policy("7d,3d,1d,0d@08:00,+1d..+3d")
>>> [s.key for s in policy.slots]
['7d', '3d', '1d', '0d', '+1d', '+2d', '+3d']
>>> from zoneinfo import ZoneInfo
>>> [f"{t:%a %d %H:%M}" for _, t in plan(policy, date(2026, 12, 10), ZoneInfo("Asia/Ho_Chi_Minh"))][:3]
['Thu 03 08:00', 'Mon 07 08:00', 'Wed 09 08:00']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from dialogs.errors import ConfigError
from dialogs.vietnamese.text import fold

DEFAULT_POLICY = "7d,3d,1d,0d,+1d..+3d"
DEFAULT_TIME = time(8, 0)
DEFAULT_QUIET = "21:00-07:00"
#: How long before a deadline with a time of day its last reminder goes, at the latest.
LEAD = timedelta(hours=1)
#: A range such as ``+1d..+90d`` may not plan more reminders than this.
MAX_SLOTS = 60

#: Words that turn reminders, quiet hours or the digest off (folded: «không», «tắt» too).
OFF_WORDS = frozenset({"off", "none", "no", "khong", "tat", ""})

_ITEM = re.compile(r"^(?P<a>[+-]?\d{1,3})d(?:\.\.(?P<b>[+-]?\d{1,3})d)?(?:@(?P<at>\d{1,2}:\d{2}))?$")
_QUIET = re.compile(r"^(\d{1,2}:\d{2})-(\d{1,2}:\d{2})$")


@dataclass(frozen=True)
class Slot:
    """One reminder: ``offset`` days after the deadline (negative: before it) at ``at`` local time."""

    offset: int
    at: time = DEFAULT_TIME

    @property
    def key(self) -> str:
        """The slot as written: ``7d``, ``0d``, ``+2d``."""
        return f"+{self.offset}d" if self.offset > 0 else f"{-self.offset}d"


@dataclass(frozen=True)
class Quiet:
    """Hours when nothing is sent (``start`` to ``end`` local, across midnight when start > end), and whether
    Sunday is quiet too."""

    start: time | None = time(21, 0)
    end: time | None = time(7, 0)
    sunday: bool = True

    def hushed(self, moment: datetime, deadline: date) -> bool:
        """Whether ``moment`` (local) falls in quiet hours for a campaign due on ``deadline``."""
        if self.sunday and moment.weekday() == 6 and moment.date() != deadline:
            return True
        if self.start is None or self.end is None:
            return False
        clock = moment.time().replace(tzinfo=None)
        if self.start <= self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end

    def next_allowed(self, moment: datetime, deadline: date) -> datetime:
        """The first moment at or after ``moment`` outside quiet hours: a quiet Sunday moves to Monday at the
        same hour, a quiet night to its end (07:00)."""
        for _ in range(16):
            if not self.hushed(moment, deadline):
                return moment
            if self.sunday and moment.weekday() == 6 and moment.date() != deadline:
                moment += timedelta(days=1)
                continue
            end = datetime.combine(moment.date(), self.end or time(0), tzinfo=moment.tzinfo)
            moment = end if end > moment else end + timedelta(days=1)
        return moment


@dataclass(frozen=True)
class Policy:
    """When a campaign reminds: its slots, in time order, and its quiet hours."""

    slots: tuple[Slot, ...]
    quiet: Quiet = Quiet()

    @property
    def spec(self) -> str:
        """The policy written back (``off`` for none)."""
        return ",".join(s.key + ("" if s.at == DEFAULT_TIME else f"@{s.at:%H:%M}") for s in self.slots) or "off"

    @property
    def after(self) -> tuple[Slot, ...]:
        """The slots after the deadline (escalation to the department goes with them)."""
        return tuple(s for s in self.slots if s.offset > 0)


def parse_policy(spec: str | None, quiet: str | None = None) -> Policy:
    """A policy from its written form (None: the default); a bad item raises ``ConfigError`` naming it."""
    text = (DEFAULT_POLICY if spec is None else spec).strip().lower().replace(" ", "")
    slots: dict[int, Slot] = {}
    if not is_off(text):
        for item in filter(None, text.split(",")):
            found = _ITEM.match(item)
            if found is None:
                raise ConfigError(msg="bot.remind.bad_policy", text=item, example=DEFAULT_POLICY)
            first, last = _offset(found["a"]), _offset(found["b"] or found["a"])
            at = _clock(found["at"], item) if found["at"] else DEFAULT_TIME
            for offset in range(min(first, last), max(first, last) + 1):
                slots[offset] = Slot(offset, at)
            if len(slots) > MAX_SLOTS:
                raise ConfigError(msg="bot.remind.too_many", text=item, max=MAX_SLOTS)
    return Policy(tuple(sorted(slots.values(), key=lambda s: s.offset)), parse_quiet(quiet))


def parse_quiet(spec: str | None) -> Quiet:
    """Quiet hours ``21:00-07:00`` (None: the default), ``off`` for none (Sunday stays quiet unless
    ``off``)."""
    text = (DEFAULT_QUIET if spec is None else spec).strip().lower().replace(" ", "")
    if is_off(text):
        return Quiet(None, None, sunday=False)
    found = _QUIET.match(text)
    if found is None:
        raise ConfigError(msg="bot.remind.bad_quiet", text=spec or "", example=DEFAULT_QUIET)
    return Quiet(_clock(found[1], text), _clock(found[2], text))


def is_off(text: str) -> bool:
    """Whether ``text`` says "off" (in English or Vietnamese, with or without diacritics)."""
    return fold(text).strip() in OFF_WORDS


def _offset(text: str) -> int:
    # "7d" is seven days before; "+1d" one day after; "-2d" also before (as some write it).
    value = int(text)
    return value if text.startswith("+") else -abs(value)


def _clock(text: str, item: str) -> time:
    hours, _, minutes = text.partition(":")
    if not (0 <= int(hours) < 24 and 0 <= int(minutes) < 60):
        raise ConfigError(msg="bot.remind.bad_policy", text=item, example=DEFAULT_POLICY)
    return time(int(hours), int(minutes))


def plan(policy: Policy, deadline: date, zone: tzinfo, at: time | None = None) -> list[tuple[Slot, datetime]]:
    """Every slot with its moment (aware, in ``zone``), moved out of quiet hours, in time order; two slots
    landing on one moment are one reminder. With a deadline time ``at``, a reminder on the day or before it
    goes no later than :data:`LEAD` before that moment (then out of quiet hours, earlier: 06:30 is quiet, so
    an on-day reminder for 07:30 goes the evening before).

    >>> from zoneinfo import ZoneInfo
    >>> [f"{t:%d %H:%M}" for _, t in plan(parse_policy("0d"), date(2026, 12, 10), ZoneInfo("UTC"), time(10, 0))]
    ['10 08:00']
    >>> [f"{t:%d %H:%M}" for _, t in plan(parse_policy("0d"), date(2026, 12, 10), ZoneInfo("UTC"), time(8, 30))]
    ['10 07:30']
    >>> [f"{t:%d %H:%M}" for _, t in plan(parse_policy("0d"), date(2026, 12, 10), ZoneInfo("UTC"), time(7, 30))]
    ['09 20:45']
    """
    out: dict[datetime, Slot] = {}
    latest = None if at is None else datetime.combine(deadline, at, tzinfo=zone) - LEAD
    for slot in policy.slots:
        moment = datetime.combine(deadline + timedelta(days=slot.offset), slot.at, tzinfo=zone)
        if latest is not None and slot.offset <= 0 and moment > latest:
            moment = latest
        if policy.quiet.hushed(moment, deadline):
            later = policy.quiet.next_allowed(moment, deadline)
            # Before the deadline a reminder goes earlier; on its day too when later would be too late.
            before = slot.offset < 0 or (latest is not None and slot.offset == 0 and later > latest)
            moment = earlier(policy.quiet, moment, deadline) if before else later
        out.setdefault(moment, slot)
    return sorted(((slot, moment) for moment, slot in out.items()), key=lambda pair: pair[1])


def earlier(quiet: Quiet, moment: datetime, deadline: date) -> datetime:
    """A reminder before the deadline that falls in quiet hours goes out earlier: the last allowed time of the
    same evening (quiet from 21:00: at 20:45), or of the day before a quiet Sunday at the same hour."""
    for _ in range(8):
        if not quiet.hushed(moment, deadline):
            return moment
        if quiet.sunday and moment.weekday() == 6 and moment.date() != deadline:
            moment -= timedelta(days=1)
        elif quiet.start is not None and moment.time().replace(tzinfo=None) >= quiet.start:
            moment = datetime.combine(moment.date(), quiet.start, tzinfo=moment.tzinfo) - timedelta(minutes=15)
        else:  # early morning: the evening before
            moment = datetime.combine(moment.date() - timedelta(days=1), quiet.start or time(20, 0),
                                      tzinfo=moment.tzinfo) - timedelta(minutes=15)
    return moment


def days_left(deadline: date, today: date) -> int:
    """Whole days until the deadline (0 on the day, negative once it has passed)."""
    return (deadline - today).days


__all__ = [
    "DEFAULT_POLICY",
    "DEFAULT_QUIET",
    "LEAD",
    "Policy",
    "Quiet",
    "Slot",
    "days_left",
    "earlier",
    "is_off",
    "parse_policy",
    "parse_quiet",
    "plan",
]
