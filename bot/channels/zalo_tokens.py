"""The Zalo OA access token: kept in the database (seeded once from the environment), refreshed with the
single-use refresh token by one worker at a time, the new pair stored in the same transaction.

A refresh locks the pair's row (:func:`storage.channel_tokens.lock`), and only then looks at it: when the
access token there is no longer the one that failed, another worker has refreshed meanwhile and its pair is
used; otherwise the refresh token is spent, and the new pair committed before the lock is let go. All
database work runs on one thread of its own (a transaction is held across the OAuth call).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from storage import channel_tokens
from storage.channel_tokens import TokenPair

#: The OAuth server's answer to a refresh: (access token, refresh token, seconds it lasts); None: refused.
Exchange = Callable[[str], Awaitable[tuple[str, str, float] | None]]
log = logging.getLogger(__name__)
T = TypeVar("T")


class OATokens:
    """One channel's token pair in the database behind ``sessions`` (a factory, made on first use)."""

    def __init__(self, sessions: Callable[[], sessionmaker[Session]], channel: str, *, first_access: str = "",
                 first_refresh: str = "", clock: Callable[[], datetime]) -> None:
        self._sessions = sessions
        self._factory: sessionmaker[Session] | None = None
        self.channel = channel
        self._first = (first_access, first_refresh)
        self.clock = clock
        self._pair: TokenPair | None = None
        self._lock = asyncio.Lock()
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reportbot-tokens")
        #: How many refreshes this process made (tests and the metric read it).
        self.refreshes = 0

    async def access(self) -> str:
        """The current access token ("" when none is stored and none was given)."""
        if self._pair is None:
            self._pair = await self._run(self._load)
        return self._pair.access if self._pair is not None else ""

    async def refresh(self, stale: str, exchange: Exchange) -> str | None:
        """A working access token after ``stale`` failed: another worker's, or a fresh one (None: refused)."""
        async with self._lock:
            if self._pair is not None and self._pair.access != stale:
                return self._pair.access
            session = await self._run(self._begin)
            try:
                locked = await self._run(channel_tokens.lock, session, self.channel)
                if locked is not None and locked.access != stale:
                    await self._run(session.commit)
                    self._pair = locked
                    return locked.access
                refresh = locked.refresh if locked is not None else self._first[1]
                if not refresh:
                    await self._run(session.rollback)
                    return None
                got = await exchange(refresh)
                if got is None:
                    await self._run(session.rollback)
                    log.error("zalo-oa: the refresh token was refused; run «reportbot zalo-oa authorize»")
                    return None
                access, new_refresh, seconds = got
                now = self.clock()
                pair = await self._run(channel_tokens.replace, session, self.channel, access, new_refresh,
                                       now + timedelta(seconds=seconds), now)
                await self._run(session.commit)
            finally:
                await self._run(session.close)
            self._pair = pair
            self.refreshes += 1
            log.info("zalo-oa: access token refreshed (rotation %s)", pair.version)
            return pair.access

    async def store(self, access: str, refresh: str, seconds: float) -> None:
        """Store a pair from the first grant (``reportbot zalo-oa authorize``)."""
        def write() -> TokenPair:
            with self._factory_now()() as session, session.begin():
                now = self.clock()
                channel_tokens.lock(session, self.channel)
                return channel_tokens.replace(session, self.channel, access, refresh,
                                              now + timedelta(seconds=seconds), now)
        self._pair = await self._run(write)

    def close(self) -> None:
        """Stop the database thread."""
        self._db.shutdown(wait=True)

    # ---- on the database thread -------------------------------------------------------------------
    def _factory_now(self) -> sessionmaker[Session]:
        if self._factory is None:
            self._factory = self._sessions()
        return self._factory

    def _load(self) -> TokenPair | None:
        with self._factory_now()() as session, session.begin():
            pair = channel_tokens.load(session, self.channel)
            if pair is None and self._first[0]:
                pair = channel_tokens.seed(session, self.channel, *self._first, self.clock())
            return pair

    def _begin(self) -> Session:
        session = self._factory_now()()
        session.begin()
        return session

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._db, fn, *args)
