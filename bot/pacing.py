"""Token buckets for a channel's flood limits: messages per second in all and per chat (0: no limit).

A bucket hands out reservations: asking for a token returns how long to wait for it, so concurrent
senders queue fairly instead of polling.

>>> bucket = Bucket(rate=1, burst=3)
>>> [round(bucket.reserve(now=0.0), 3) for _ in range(5)]
[0.0, 0.0, 0.0, 1.0, 2.0]
>>> round(Bucket(rate=1, burst=3).reserve(now=10.0), 3)
0.0
>>> Bucket(rate=0, burst=0).reserve(now=0.0)
0.0
"""

from __future__ import annotations

from dataclasses import dataclass


class Bucket:
    """``rate`` tokens a second, at most ``burst`` saved up; ``rate`` 0 means no limit."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = max(1.0, burst)
        self.tokens = self.burst
        self.stamp: float | None = None

    def reserve(self, now: float) -> float:
        """Take a token; the seconds to wait before using it (0: at once)."""
        if self.rate <= 0:
            return 0.0
        if self.stamp is not None and now > self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now if self.stamp is None else max(self.stamp, now)
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

    def idle(self, now: float) -> bool:
        """Whether the bucket is full again (it can be forgotten)."""
        if self.rate <= 0 or self.stamp is None:
            return True
        return self.tokens + (now - self.stamp) * self.rate >= self.burst


@dataclass(frozen=True)
class Limits:
    """A channel's flood limits (0: none)."""

    rate: float = 0
    chat_rate: float = 0
    chat_burst: float = 0


#: The share of a second's messages the whole bot may send at once. The provider's bucket holds a second's worth
#: (Telegram: 30); saving up only half of it leaves the other half as a margin, so that requests bunched by the
#: network on their way (sent paced, arriving closer together) never look like a burst to it (HTTP 429).
BURST_SHARE = 0.5


class Pacer:
    """The buckets of one channel: one for the whole bot, one per chat (forgotten once full again)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.overall = Bucket(limits.rate, limits.rate * BURST_SHARE)
        self.chats: dict[str, Bucket] = {}

    def reserve(self, chat_id: str, now: float) -> float:
        """Seconds to wait before sending one message to ``chat_id``."""
        if self.limits.chat_rate > 0:
            bucket = self.chats.get(chat_id)
            if bucket is None:
                bucket = self.chats[chat_id] = Bucket(self.limits.chat_rate, self.limits.chat_burst)
            chat_wait = bucket.reserve(now)
        else:
            chat_wait = 0.0
        if len(self.chats) > 10_000:
            self.chats = {k: b for k, b in self.chats.items() if not b.idle(now)}
        return max(chat_wait, self.overall.reserve(now))
