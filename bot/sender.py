"""One async sender per channel: each chat's messages first in, first out, one in flight, paced by the
channel's token buckets; a message counts as delivered once its "sent" mark is committed, and only then
does the chat's next one go.

What a failure means is decided by :func:`bot.delivery.decide`: ``retry_after`` is honoured for the chat
(or the whole bot when the provider says so), transient failures back off with jitter and give up after a
bound, permanent ones give up at once; every outcome is recorded by the runtime's next cycle.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from bot.channels.base import Channel, RetryAfter, SendResult, Sent, Transient
from bot.delivery import Decision, decide, describe
from bot.documents import is_pdf, unmade_note
from bot.envelopes import Outgoing
from bot.metrics import Metrics
from bot.outbox import text_only
from bot.pacing import Limits, Pacer

log = logging.getLogger(__name__)

#: A message is not sent when its lease ends sooner than this (the send and its record must fit in it).
LEASE_MARGIN = timedelta(seconds=1)
#: How often "typing…" is shown again while a document is made (a chat shows it for about 5 s).
TYPING_EVERY = 4.0
#: Makes a document from its spec: (file name, bytes).
Documents = Callable[[dict[str, Any]], Awaitable[tuple[str, bytes]]]
#: Records a send's outcome in the database and returns once it is committed.
Record = Callable[[Outgoing, Decision, str], Awaitable[None]]


class Sender:
    """Sends one channel's messages, chat by chat."""

    def __init__(self, channel: Channel, record: Record, *, limits: Limits, clock: Callable[[], datetime],
                 metrics: Metrics, lease: timedelta = timedelta(seconds=15), seed: int | None = None,
                 documents: Documents | None = None) -> None:
        self.channel = channel
        self.record = record
        self.pacer = Pacer(limits)
        self.clock = clock
        self.metrics = metrics
        self.rng = random.Random(seed)
        self.lease = lease
        #: Makes the document a message carries (file name, bytes), from the database.
        self.documents = documents
        self._chats: dict[str, deque[Outgoing]] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._held: set[int] = set()
        #: Until when this process holds each message (it never sends one past that: another may).
        self._leases: dict[int, datetime] = {}
        self._attempts: dict[int, int] = {}
        #: Until then (monotonic) nothing goes out: the provider's global flood control.
        self._paused_until = 0.0
        self._idle = asyncio.Event()
        self._idle.set()

    def offer(self, messages: Iterable[Outgoing]) -> None:
        """Queue messages this process holds (leased to it); each chat's in the order given."""
        for message in messages:
            if message.id in self._held:
                continue
            self._held.add(message.id)
            if message.lease_until is not None:
                self._leases[message.id] = message.lease_until
            self._chats.setdefault(message.chat_id, deque()).append(message)
            if message.chat_id not in self._tasks:
                self._idle.clear()
                self._tasks[message.chat_id] = asyncio.create_task(self._run_chat(message.chat_id))

    def renewed(self, outbox_ids: Iterable[int], until: datetime) -> None:
        """The leases of these messages were extended (committed) until ``until``."""
        for outbox_id in outbox_ids:
            if outbox_id in self._held:
                self._leases[outbox_id] = until

    def held(self) -> list[int]:
        """The outbox ids waiting here (their leases are renewed)."""
        return sorted(self._held)

    def depth(self) -> int:
        """How many messages wait here."""
        return len(self._held)

    async def drain(self, timeout: float) -> bool:
        """Wait until every queued message is sent or given up (True) or ``timeout`` passes (False)."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def stop(self) -> None:
        """Cancel what is left (its leases run out; another process or the next start sends it)."""
        for task in list(self._tasks.values()):
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        await self.channel.close()

    async def _run_chat(self, chat_id: str) -> None:
        queue = self._chats[chat_id]
        try:
            while queue:
                message = queue[0]
                lease = self._leases.get(message.id)
                if lease is not None and self.clock() >= lease - LEASE_MARGIN:
                    # Held too long (a slow database): another process may be sending it now. Give the
                    # chat back; whoever claims it next sends it, in order.
                    log.warning("outbox #%s: lease ran out before sending; given back", message.id)
                    self._forget(queue)
                    break
                done = await self._one(message)
                if done:
                    queue.popleft()
                    self._held.discard(message.id)
                    self._leases.pop(message.id, None)
                    self._attempts.pop(message.id, None)
        except asyncio.CancelledError:
            raise
        except Exception:  # a bug: the chat's messages are given back (their leases run out), never lost
            log.exception("sender of %s: chat stopped", self.channel.name)
            self._forget(queue)
        finally:
            self._chats.pop(chat_id, None)
            self._tasks.pop(chat_id, None)
            if not self._tasks:
                self._idle.set()

    async def _send(self, message: Outgoing) -> SendResult:
        """Send a message, with its document when it carries one and the channel takes documents."""
        send_document = getattr(self.channel, "send_document", None)
        if message.document is None or self.documents is None or send_document is None:
            return await self.channel.send(message)
        try:
            name, data = await self._prepare(message.chat_id, message.document)
        except Exception as exc:  # the report could not be made: the text still goes, saying so
            log.warning("outbox #%s: document not made: %s", message.id, type(exc).__name__)
            spec = message.document
            return await self.channel.send(text_only(message, unmade_note(spec), alone=is_pdf(spec)))
        result: SendResult = await send_document(message, name, data)
        return result

    async def _prepare(self, chat_id: str, spec: dict[str, Any]) -> tuple[str, bytes]:
        """Make a document, showing "typing…" in the chat meanwhile where the channel can (the Zalo Bot
        Platform's ``sendChatAction``), again every few seconds while it takes."""
        assert self.documents is not None
        typing = getattr(self.channel, "typing", None)
        if typing is None:
            return await self.documents(spec)

        async def keep_typing() -> None:
            while True:
                await typing(chat_id)
                await asyncio.sleep(TYPING_EVERY)

        shown = asyncio.create_task(keep_typing())
        try:
            return await self.documents(spec)
        finally:
            shown.cancel()
            await asyncio.gather(shown, return_exceptions=True)

    def _forget(self, queue: deque[Outgoing]) -> None:
        """Drop a chat's queue from this process (the messages stay in the database)."""
        for message in queue:
            self._held.discard(message.id)
            self._leases.pop(message.id, None)
            self._attempts.pop(message.id, None)
        queue.clear()

    async def _one(self, message: Outgoing) -> bool:
        """Try to send one message; True once it is sent or given up (and recorded), False to try again."""
        loop = asyncio.get_running_loop()
        wait = max(self.pacer.reserve(message.chat_id, loop.time()), self._paused_until - time.monotonic())
        if wait > 0:
            await asyncio.sleep(wait)
        try:
            result: SendResult = await self._send(message)
        except Exception as exc:  # a channel bug must not stop its chat: count it as transient
            log.warning("channel %s send raised %s", self.channel.name, type(exc).__name__)
            result = Transient(type(exc).__name__)
        attempts = self._attempts[message.id] = self._attempts.get(message.id, 0) + 1
        now = self.clock()
        decision = decide(result, attempts, now, self.rng)
        self.metrics.sends.labels(self.channel.name, type(result).__name__).inc()
        await self._record(message, decision, describe(result))
        if decision.sent or decision.give_up is not None:
            if decision.give_up is not None:  # logged where it is recorded (Runner._apply)
                self.metrics.give_ups.labels(self.channel.name).inc()
            return True
        if isinstance(result, RetryAfter) and result.scope == "global":
            self._paused_until = max(self._paused_until, time.monotonic() + result.seconds)
        assert decision.retry_at is not None
        self._leases[message.id] = decision.retry_at + self.lease  # extended by the record just committed
        delay = (decision.retry_at - self.clock()).total_seconds()
        if delay > 0:
            await asyncio.sleep(delay)
        return False

    async def _record(self, message: Outgoing, decision: Decision, reason: str) -> None:
        """Record the outcome, retrying while the database is unavailable (the chat waits meanwhile)."""
        pause = 0.05
        while True:
            try:
                await self.record(message, decision, reason)
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("recording outbox #%s failed: %s", message.id, type(exc).__name__)
                await asyncio.sleep(pause)
                pause = min(2.0, pause * 2)


__all__ = ["Limits", "Sender", "Sent"]
