"""Messages given up for good (blocked, chat not found, no retry left), told to the department with /tiendo:
whom they were for, their unit, and why — so that someone phones them instead."""

from __future__ import annotations

from dialogs.effects import Say
from dialogs.messages import ref
from storage.uow import UnitOfWork

#: How many people /tiendo names.
LISTED = 10


def reason_of(error: str) -> str:
    """The message id of a give-up reason in words (the provider's status decides).

    >>> reason_of("403 Forbidden: bot was blocked by the user")
    'bot.dept.undelivered_blocked'
    >>> reason_of("-230 User has not interacted with the OA in the past 7 days")
    'bot.dept.undelivered_window'
    >>> reason_of("ClientConnectorError")
    'bot.dept.undelivered_other'
    """
    if error.startswith(("-230", "-232")):
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
