"""Messages given up for good (blocked, chat not found, no retry left), told to the department with /tiendo:
whom they were for, their unit, and why — so that someone phones them instead. A message the Zalo OA could not
send because the person has not written to it for 7 days goes to the person's other channels instead."""

from __future__ import annotations

from datetime import datetime

from dialogs.effects import Say
from dialogs.messages import ref
from storage.models import Outbox
from storage.uow import UnitOfWork

#: How many people /tiendo names.
LISTED = 10
#: Give-up reasons of a closed messaging window (Zalo OA: no message from the person for 7 days).
WINDOW = ("-230", "-232")


def reason_of(error: str) -> str:
    """The message id of a give-up reason in words (the provider's status decides).

    >>> reason_of("403 Forbidden: bot was blocked by the user")
    'bot.dept.undelivered_blocked'
    >>> reason_of("-230 User has not interacted with the OA in the past 7 days")
    'bot.dept.undelivered_window'
    >>> reason_of("ClientConnectorError")
    'bot.dept.undelivered_other'
    """
    if error.startswith(WINDOW):
        return "bot.dept.undelivered_window"
    if error.startswith("403"):
        return "bot.dept.undelivered_blocked"
    if error.startswith(("400", "404")):
        return "bot.dept.undelivered_no_chat"
    return "bot.dept.undelivered_other"


def notice(uow: UnitOfWork) -> list[Say]:
    """One message naming the people the bot could not reach lately (nothing when it reached everyone)."""
    seen: dict[tuple[str, str], tuple[str, str, str]] = {}
    for row in uow.outbox.given_up(limit=200):
        key = (row.channel, row.chat_id)
        if key in seen:
            continue
        found = uow.people.lookup(row.channel, row.chat_id)
        name, unit = row.chat_id, ""
        if found is not None:
            person = found[0]
            name = person.display_name or row.chat_id
            if person.unit_id is not None:
                unit = uow.units.get(person.unit_id).name
        seen[key] = (name, unit, reason_of(row.last_error or ""))
    if not seen:
        return []
    people = [ref("bot.dept.undelivered_one", name=name, unit=unit or "—", channel=channel, reason=ref(reason))
              for (channel, _), (name, unit, reason) in list(seen.items())[:LISTED]]
    return [Say("bot.dept.undelivered", {"count": len(seen), "people": people})]


def reroute(uow: UnitOfWork, row: Outbox, now: datetime) -> int:
    """Send a message given up on a closed window (``row``) to the person's other channels, where the same text
    was not written at the same moment already (a notice fanned out to every channel); how many copies."""
    if not (row.last_error or "").startswith(WINDOW):
        return 0
    found = uow.people.lookup(row.channel, row.chat_id)
    text = str(row.payload.get("text") or "")
    if found is None or not text:
        return 0
    copies = 0
    for identity in uow.people.identities(found[0].id):
        if identity.channel in (row.channel, "console"):
            continue
        already = uow.outbox.written_at(identity.channel, identity.external_id, row.created_at)
        if any(other.payload.get("text") == text for other in already):
            continue
        # Buttons stay behind (their data names the message they were on): the text says what to type.
        uow.outbox.add(identity.channel, identity.external_id, {"text": text, "buttons": [],
                                                               "msgs": list(row.payload.get("msgs") or [])}, now)
        copies += 1
    return copies
