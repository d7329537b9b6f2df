"""Deadline reminders in the shell: a campaign's policy planned as rows, due rows turned into
:class:`~dialogs.events.ReminderDue` events for the conversations concerned, their messages put in the outbox.

The engine never starts a timer: :func:`plan_campaign` writes one row per (unit, slot) — and per slot after
the deadline one escalation to the department, and per day a digest when the campaign asks for one — and
:func:`fire`, run by the runtime's cycles (and by ``reportbot remind``), claims the due rows in the cycle's
transaction and writes what they say to the outbox; the senders pace it (:mod:`bot.pacing`). A claimed row
is marked in the same commit, and each (reminder, person, channel) has a unique key, so a reminder goes out
once whatever the number of workers and restarts.

The policy lives in ``campaign.settings["reminders"]``: ``{"policy": "7d,3d,…", "quiet": "21:00-07:00",
"digest": "17:00" | None}`` (absent: the defaults of :mod:`dialogs.reminders`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from bot.outbox import LIMITS, pack
from bot.progress import Progress, campaign_progress, deadline_end, deadline_text
from bot.reporting import campaign_template, report_view
from dialogs.conversation.engine import resume
from dialogs.effects import Effect, Say
from dialogs.errors import ConfigError
from dialogs.events import ReminderDue
from dialogs.messages import ref
from dialogs.reminders import Policy, days_left, is_off, parse_policy, parse_quiet, plan
from dialogs.template.model import Template
from dialogs.vietnamese.format import format_date_short, format_number
from storage.models import Campaign, Person, Reminder
from storage.uow import UnitOfWork

#: Channels a reminder never goes to (the console chat has nobody waiting on it).
SILENT = frozenset({"console"})
#: Overdue units an escalation names before «… và N đơn vị khác».
LISTED = 30
#: How far ahead daily digests are planned (the runtime plans again every few minutes).
DIGEST_HORIZON = timedelta(days=14)
#: Longest a planned return reminder waits after a report was returned (then it goes the next allowed time).
AFTER_RETURN = timedelta(days=1)


@dataclass(frozen=True)
class ReminderMessage:
    """One reminder message as planned for a person on a channel (what a dry run lists)."""

    reminder: Reminder
    campaign: Campaign
    person: Person
    channel: str
    chat_id: str
    effects: tuple[Effect, ...]
    unit: str = ""


# ---- the policy of a campaign -----------------------------------------------------------------------
def options(campaign: Campaign) -> dict[str, Any]:
    """The campaign's reminder options as stored (empty: the defaults)."""
    return dict((campaign.settings or {}).get("reminders") or {})


def policy_of(campaign: Campaign) -> Policy:
    """The campaign's reminder policy with its quiet hours."""
    found = options(campaign)
    return parse_policy(found.get("policy"), found.get("quiet"))


def digest_time(campaign: Campaign) -> time | None:
    """When the department's daily digest goes (None: off, the default)."""
    value = options(campaign).get("digest")
    return None if not value else time.fromisoformat(value)


def configure(campaign: Campaign, *, policy: str | None = None, quiet: str | None = None,
              digest: str | None = None) -> dict[str, Any]:
    """Change the campaign's reminder options (each checked first; None leaves it); returns them."""
    found = options(campaign)
    if policy is not None:
        found["policy"] = parse_policy(policy).spec
    if quiet is not None:
        parse_quiet(quiet)
        found["quiet"] = quiet.strip().lower()
    if digest is not None:
        found["digest"] = _digest(digest)
    campaign.settings = {**(campaign.settings or {}), "reminders": found}
    return found


def _digest(text: str) -> str | None:
    value = text.strip().lower()
    if is_off(value):
        return None
    try:
        return time.fromisoformat(value).strftime("%H:%M")
    except ValueError:
        raise ConfigError(msg="bot.remind.bad_digest", text=text) from None


def describe(campaign: Campaign) -> dict[str, Any]:
    """The options as ``campaign show`` and ``--json`` print them."""
    policy = policy_of(campaign)
    found = options(campaign)
    return {"policy": policy.spec, "quiet": found.get("quiet") or "21:00-07:00", "digest": found.get("digest")}


# ---- planning ----------------------------------------------------------------------------------------
def key(campaign: Campaign, kind: str, slot: str, due: datetime, unit_id: int | None = None) -> str:
    """The unique name of a reminder (a new deadline, a new time of the deadline, or a new due time makes a new
    name)."""
    who = f"u{unit_id}" if unit_id is not None else kind
    at = campaign.deadline_time
    deadline = campaign.deadline.isoformat() + ("" if at is None else f"T{at:%H%M}")
    return f"{campaign.id}:{who}:{slot}:{deadline}:{due.astimezone(UTC):%Y%m%dT%H%M}"


def planned_for(campaign: Campaign) -> dict[str, Any]:
    """The deadline a reminder row is planned for (its ``deadline`` and ``deadline_time`` columns)."""
    return {"deadline": campaign.deadline, "deadline_time": campaign.deadline_time}


def current(reminder: Reminder, campaign: Campaign) -> bool:
    """Whether a reminder was planned for the campaign's deadline as it is now (day and time)."""
    return (reminder.deadline, reminder.deadline_time) == (campaign.deadline, campaign.deadline_time)


def plan_campaign(uow: UnitOfWork, campaign: Campaign, now: datetime) -> int:
    """Plan the campaign's reminders from its policy and deadline, and cancel those planned before that no
    longer apply (another deadline or policy, a unit submitted or removed); returns how many rows are planned.

    Idempotent, and safe from several workers at once (the campaign row is locked while planning)."""
    zone = now.tzinfo or UTC
    uow.campaigns.lock(campaign.id)
    if campaign.status != "open":
        uow.reminders.cancel(campaign.id, now)
        return 0
    policy = policy_of(campaign)
    waiting = waiting_units(uow, campaign)
    wanted: dict[str, dict[str, Any]] = {}

    def want(kind: str, slot: str, due: datetime, unit_id: int | None = None) -> None:
        name = key(campaign, kind, slot, due, unit_id)
        wanted[name] = {"name": name, "campaign_id": campaign.id, "unit_id": unit_id, "kind": kind, "slot": slot,
                        **planned_for(campaign), "due_at": due, "created_at": now}

    for slot, moment in plan(policy, campaign.deadline, zone, campaign.deadline_time):
        for unit_id in waiting:
            want("unit", slot.key, moment, unit_id)
        if slot.offset > 0:
            want("escalation", slot.key, moment)
    at = digest_time(campaign)
    if at is not None:
        last = campaign.deadline + timedelta(days=max([s.offset for s in policy.after] or [0]))
        day = now.astimezone(zone).date()
        last = min(last, (now + DIGEST_HORIZON).astimezone(zone).date())
        while day <= last:
            moment = datetime.combine(day, at, tzinfo=zone)
            if not policy.quiet.hushed(moment, campaign.deadline):
                want("digest", day.isoformat(), moment)
            day += timedelta(days=1)
    stale = []
    for row in uow.reminders.of_campaign(campaign.id, status="planned"):
        kept = row.name in wanted or (row.kind == "unit" and row.slot.startswith("r") and row.unit_id in waiting
                                     and current(row, campaign))
        if not kept:
            stale.append(row.name)
        wanted.pop(row.name, None)
    uow.reminders.cancel_keys(stale, now)
    # What is already past when planned is no reminder (a catch-up is only for rows planned in time).
    fresh = [row for row in wanted.values() if row["due_at"] > now]
    uow.reminders.revive([row["name"] for row in fresh])  # cancelled by an earlier plan, wanted again
    uow.reminders.plan(fresh)
    return len(fresh)


def waiting_units(uow: UnitOfWork, campaign: Campaign) -> set[int]:
    """The campaign's units still to submit: never submitted, or their last submission returned."""
    last = uow.submissions.last_submitted_by_unit(campaign.id)
    return {u.id for u in uow.campaigns.expected_units(campaign.id)
            if u.id not in last or last[u.id].status == "returned"}


def plan_open(uow: UnitOfWork, now: datetime) -> int:
    """Plan every open campaign (the runtime does it when it starts, and now and then)."""
    return sum(plan_campaign(uow, c, now) for c in uow.campaigns.all(status="open"))


def returned(uow: UnitOfWork, campaign: Campaign, unit_id: int, version: int, now: datetime) -> None:
    """A unit's report was returned: its reminders still to come are planned again, and when none is left one
    more goes the next day (at the policy's hour, out of quiet hours)."""
    zone = now.tzinfo or UTC
    uow.reminders.restore(campaign.id, unit_id, now)
    plan_campaign(uow, campaign, now)
    if any(r.unit_id == unit_id for r in uow.reminders.of_campaign(campaign.id, status="planned")):
        return
    policy = policy_of(campaign)
    if not policy.slots:  # reminders are off
        return
    moment = datetime.combine((now + AFTER_RETURN).astimezone(zone).date(), policy.slots[-1].at, tzinfo=zone)
    moment = policy.quiet.next_allowed(moment, campaign.deadline)
    slot = f"r{version}"
    uow.reminders.plan([{"name": key(campaign, "unit", slot, moment, unit_id), "campaign_id": campaign.id,
                         "unit_id": unit_id, "kind": "unit", "slot": slot, **planned_for(campaign),
                         "due_at": moment, "created_at": now}])


# ---- firing ------------------------------------------------------------------------------------------
class Firing:
    """Turns due reminders into messages, caching campaigns and templates for one transaction."""

    def __init__(self, uow: UnitOfWork, now: datetime, *, templates: dict[int, Template] | None = None) -> None:
        self.uow = uow
        self.now = now
        self.zone = now.tzinfo or UTC
        self.campaigns: dict[int, Campaign] = {}
        self.templates = templates if templates is not None else {}
        self.progress: dict[int, Progress] = {}

    def campaign(self, campaign_id: int) -> Campaign:
        """A campaign, read once."""
        found = self.campaigns.get(campaign_id)
        if found is None:
            found = self.campaigns[campaign_id] = self.uow.campaigns.get(campaign_id)
        return found

    def template(self, campaign: Campaign) -> Template:
        """A campaign's template, loaded once."""
        found = self.templates.get(campaign.template_version_id)
        if found is None:
            found = self.templates[campaign.template_version_id] = campaign_template(self.uow,
                                                                                   campaign.template_version_id)
        return found

    def verdict(self, reminder: Reminder) -> str | datetime | None:
        """Whether a due reminder goes now (None), is dropped (its new status) or waits (until when)."""
        campaign = self.campaign(reminder.campaign_id)
        if campaign.status != "open" or not current(reminder, campaign):
            return "cancelled"
        if reminder.kind == "unit" and reminder.unit_id is not None and not self.waiting(campaign, reminder.unit_id):
            return "cancelled"
        quiet = policy_of(campaign).quiet
        local = self.now.astimezone(self.zone)
        if quiet.hushed(local, campaign.deadline):
            return quiet.next_allowed(local, campaign.deadline)
        return None

    def waiting(self, campaign: Campaign, unit_id: int) -> bool:
        """Whether the campaign still expects the unit's report: invited, and never submitted or returned since."""
        if not self.uow.campaigns.is_expected(campaign.id, unit_id):
            return False
        last = self.uow.submissions.last_submitted(campaign.id, unit_id)
        return last is None or last.status == "returned"

    def report_id(self, reminder: Reminder) -> int:
        """The id of the report a unit's reminder is about (0 for the department's), made if need be."""
        if reminder.unit_id is None:
            return 0
        return self.uow.reports.get_or_create(reminder.campaign_id, reminder.unit_id, self.now, for_update=False).id

    def messages(self, reminder: Reminder) -> list[ReminderMessage]:
        """What a reminder says, to whom, on which channel (conversations resumed, not yet saved)."""
        campaign = self.campaign(reminder.campaign_id)
        if reminder.kind == "unit" and reminder.unit_id is not None:
            return self._to_unit(reminder, campaign, reminder.unit_id)
        effects = self._department(reminder, campaign)
        return [ReminderMessage(reminder, campaign, person, identity.channel, identity.external_id, tuple(effects))
                for person in self.uow.people.with_role("department")
                for identity in self.uow.people.identities(person.id) if identity.channel not in SILENT]

    def _to_unit(self, reminder: Reminder, campaign: Campaign, unit_id: int) -> list[ReminderMessage]:
        report = self.uow.reports.get_or_create(campaign.id, unit_id, self.now)
        view = report_view(self.uow, report)
        today = self.now.astimezone(self.zone).date()
        at = campaign.deadline_time
        event = ReminderDue(campaign.deadline.isoformat(), days_left(campaign.deadline, today),
                            "" if at is None else f"{at:%H:%M}", self.now > deadline_end(campaign, self.zone))
        template = self.template(campaign)
        unit = self.uow.units.get(unit_id).name
        out: list[ReminderMessage] = []
        for person in self.uow.people.for_unit(unit_id):
            identities = [i for i in self.uow.people.identities(person.id) if i.channel not in SILENT]
            if not identities:
                continue
            conversation = self.uow.conversations.get(person.id, report.id)
            step = resume(template, view, conversation.state if conversation else None, event, self.now)
            if conversation is not None:
                self.uow.conversations.save(conversation, step.state, self.now)
            out.extend(ReminderMessage(reminder, campaign, person, i.channel, i.external_id, tuple(step.effects), unit)
                       for i in identities)
        return out

    def _department(self, reminder: Reminder, campaign: Campaign) -> list[Effect]:
        found = self.progress.get(campaign.id)
        if found is None:
            found = self.progress[campaign.id] = campaign_progress(self.uow, campaign, self.zone)
        rate = found.rate
        common = {"title": campaign.title, "deadline": deadline_text(campaign),
                  "expected": rate.expected, "reported": rate.reported, "rate": format_number(rate.rate_pct, 1),
                  "on_time": rate.on_time, "on_time_rate": format_number(rate.on_time_pct, 1),
                  "not_started": found.count("not_started"), "in_progress": found.count("in_progress"),
                  "returned": found.count("returned")}
        today = self.now.astimezone(self.zone).date()
        if reminder.kind == "digest":
            return [Say("bot.remind.digest", {**common, "day": format_date_short(today)})]
        overdue = [u for u in found.units if u.state in ("not_started", "in_progress", "returned")]
        lines = [f"• {u.unit.name}" + (f", {u.unit.province_name}" if u.unit.province_name else "") + f": {u.label}"
                 for u in overdue[:LISTED]]
        more = ref("bot.dept.more", count=len(overdue) - LISTED) if len(overdue) > LISTED else ""
        days = (today - campaign.deadline).days
        return [Say("bot.remind.escalation", {**common, "days": days, "overdue": len(overdue),
                                              "listed": "\n".join(lines) or "—", "more": more})]


def fire(uow: UnitOfWork, now: datetime, *, limit: int = 50, templates: dict[int, Template] | None = None) -> int:
    """Claim the due reminders (at most ``limit``) and put their messages in the outbox, in the caller's
    transaction; returns how many messages were queued. A reminder claimed is marked sent (or skipped,
    cancelled, delayed out of quiet hours) in that same transaction."""
    firing = Firing(uow, now, templates=templates)
    going: list[Reminder] = []
    for reminder in uow.reminders.due(now, limit):
        verdict = firing.verdict(reminder)
        if isinstance(verdict, datetime):
            uow.reminders.delay(reminder, verdict)
            continue
        uow.reminders.skip_older(reminder, now)
        if verdict is not None:
            uow.reminders.done(reminder, verdict, now)
        else:
            going.append(reminder)
    queued = 0
    # Reports are locked in id order, as the runner locks them, so that a worker answering a chat and one
    # sending reminders never wait for each other in a circle.
    for reminder in sorted(going, key=lambda r: firing.report_id(r)):
        for message in firing.messages(reminder):
            queued += queue(uow, message, now)
        uow.reminders.done(reminder, "sent", now)
    return queued


def queue(uow: UnitOfWork, message: ReminderMessage, now: datetime) -> int:
    """Put one reminder message in the outbox unless it went to that person on that channel already."""
    if not uow.reminders.deliver(message.reminder.id, message.person.id, message.channel, now):
        return 0
    count = 0
    for payload in pack(message.effects, LIMITS.get(message.channel, 2000)):
        outbox_id = uow.outbox.add(message.channel, message.chat_id, payload, now)
        uow.reminders.carried_by(message.reminder.id, message.person.id, message.channel, outbox_id)
        count += 1
    return count


def preview(uow: UnitOfWork, at: datetime, *, limit: int = 100_000) -> list[ReminderMessage]:
    """What would go out at ``at`` (nothing is written that the caller keeps: roll back after)."""
    firing = Firing(uow, at)
    out: list[ReminderMessage] = []
    for reminder in uow.reminders.due(at, limit, lock=False):
        if firing.verdict(reminder) is None:
            out.extend(firing.messages(reminder))
    return out


def rendered(message: ReminderMessage) -> str:
    """A message's text as the channel would send it (for a dry run)."""
    return "\n".join(p["text"] for p in pack(message.effects, LIMITS.get(message.channel, 2000)))


__all__ = ["Firing", "ReminderMessage", "configure", "describe", "fire", "plan_campaign", "plan_open", "preview",
           "queue", "rendered", "returned", "waiting_units"]
