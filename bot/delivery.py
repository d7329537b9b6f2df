"""What a sender does with a channel's answer: done, try again at a time (backing off with jitter), or give up.

>>> import random
>>> from datetime import UTC, datetime
>>> now = datetime(2026, 12, 1, tzinfo=UTC)
>>> decide(RetryAfter(5), 1, now, random.Random(1)).retry_at == now.replace(second=5)
True
>>> decide(Permanent("blocked"), 1, now, random.Random(1)).give_up
'blocked'
>>> decide(Transient("timeout"), MAX_TRANSIENT_ATTEMPTS, now, random.Random(1)).give_up
'timeout'
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.channels.base import Permanent, RetryAfter, SendResult, Sent, Transient

#: Transient failures of one message before it is given up.
MAX_TRANSIENT_ATTEMPTS = 6
#: Flood-control waits of one message before it is given up (a provider that never lets it through).
MAX_RETRY_AFTER_ATTEMPTS = 30
#: The first and the longest wait after a transient failure (doubling, with jitter).
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 60.0


@dataclass(frozen=True)
class Decision:
    """Sent (``provider_id``), retry at ``retry_at``, or give up with the reason ``give_up``."""

    sent: bool = False
    provider_id: str | None = None
    retry_at: datetime | None = None
    give_up: str | None = None


def backoff(attempts: int, rng: random.Random) -> float:
    """Seconds to wait after the ``attempts``-th transient failure: doubling, capped, with jitter."""
    ceiling = min(MAX_BACKOFF, FIRST_BACKOFF * float(2 ** min(max(0, attempts - 1), 16)))
    return ceiling * (0.5 + rng.random() / 2)


def decide(result: SendResult, attempts: int, now: datetime, rng: random.Random) -> Decision:
    """What to do after a send answered ``result`` (``attempts``: this message's attempts, this one included)."""
    if isinstance(result, Sent):
        return Decision(sent=True, provider_id=result.provider_id)
    if isinstance(result, Permanent):
        return Decision(give_up=result.reason)
    if isinstance(result, RetryAfter):
        if attempts >= MAX_RETRY_AFTER_ATTEMPTS:
            return Decision(give_up=f"flood control {attempts} times")
        return Decision(retry_at=now + timedelta(seconds=max(0.0, result.seconds)))
    if attempts >= MAX_TRANSIENT_ATTEMPTS:
        return Decision(give_up=result.reason)
    return Decision(retry_at=now + timedelta(seconds=backoff(attempts, rng)))


def describe(result: SendResult) -> str:
    """A short text for the outbox row's ``last_error`` (never the message text nor a token)."""
    if isinstance(result, RetryAfter):
        return f"retry after {result.seconds:g} s ({result.scope})"
    if isinstance(result, (Transient, Permanent)):
        return result.reason
    return ""
