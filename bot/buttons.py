"""Buttons on channels with short callback data (Telegram: 64 bytes): a button travels as ``b:<outbox id>:<n>``
and a press is mapped back to the data of the message it was on — or recognised as a press on a stale
keyboard (the chat has had a newer turn since: the buttons belong to a question already answered), which
gets a polite answer, not an answer.

>>> token_for(1234, 2)
'b:1234:2'
>>> parse_token("b:1234:2"), parse_token("opt:x:1")
((1234, 2), None)
"""

from __future__ import annotations

from storage.uow import UnitOfWork

PREFIX = "b:"


def token_for(outbox_id: int, n: int) -> str:
    """The callback data of the ``n``-th button of outbox message ``outbox_id``."""
    return f"{PREFIX}{outbox_id}:{n}"


def parse_token(data: str) -> tuple[int, int] | None:
    """(outbox id, button number) of a token; None for anything else."""
    if not data.startswith(PREFIX):
        return None
    head, _, tail = data[len(PREFIX):].partition(":")
    if not (head.isdigit() and tail.isdigit()):
        return None
    return int(head), int(tail)


def resolve(uow: UnitOfWork, channel: str, chat_id: str, data: str) -> str | None:
    """The engine's data of a pressed button; None when the keyboard is stale or not this chat's."""
    token = parse_token(data)
    if token is None:
        return data
    outbox_id, n = token
    row = uow.outbox.find(outbox_id)
    if row is None or row.channel != channel or row.chat_id != chat_id:
        return None
    buttons = (row.payload or {}).get("buttons") or []
    if n >= len(buttons):
        return None
    if any(newer.turn is not None and (row.turn is None or newer.turn > row.turn)
           for newer in uow.outbox.newer(channel, chat_id, outbox_id)):
        return None
    return str(buttons[n]["data"])
