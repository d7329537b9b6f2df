"""Load over the Zalo channels against the fakes on 127.0.0.1: USERS staff each join with their code and answer
the report's first questions, waiting for each answer, over (a) the Zalo OA (signed webhooks) and (b) the Zalo
Bot Platform (getUpdates long polling: ONE update per call, so one poll at a time carries every user's lines).

Prints turns/s and the p50/p99 reply time (a line sent → the first message back). SQLite in a temporary folder,
one process, no flood limits (the fakes have none): it measures the bot, the adapters and the fakes together,
on a machine shared with other work.

    python benchmarks/zalo.py [--users 50]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.bot.zalo_world import fakes, world

OPENING = ["Tinh hinh chung cua xa on dinh.", "xong", "khong co", "75", "650"]


async def _user_oa(w: object, n: int, code: str, times: list[float]) -> None:
    oa = w.fakes.oa  # type: ignore[attr-defined]
    user = f"oa-{n}"
    for count, line in enumerate([f"/start {code}", *OPENING], 1):
        started = time.monotonic()
        await oa.say(w.hook("zalo-oa"), user, line)  # type: ignore[attr-defined]
        await oa.wait_sent(user, count, timeout=120)
        times.append(time.monotonic() - started)


async def _user_bot(w: object, n: int, code: str, times: list[float]) -> None:
    bot = w.fakes.bot  # type: ignore[attr-defined]
    chat = f"zb-{n}"
    for count, line in enumerate([f"/start {code}", *OPENING], 1):
        started = time.monotonic()
        bot.say(chat, line)
        await bot.wait_sent(chat, count, timeout=120)
        times.append(time.monotonic() - started)


async def run(kind: str, users: int) -> tuple[float, float, float]:
    """(turns/s, p50 s, p99 s) of one run."""
    with tempfile.TemporaryDirectory() as folder:
        async with fakes() as fx, world(Path(folder), fx, units=users, poll=kind == "bot") as w:
            times: list[float] = []
            user = _user_bot if kind == "bot" else _user_oa
            started = time.monotonic()
            await asyncio.gather(*(user(w, n, code, times) for n, code in enumerate(w.codes)))
            elapsed = time.monotonic() - started
    ordered = sorted(times)
    return len(times) / elapsed, statistics.median(ordered), ordered[int(0.99 * (len(ordered) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    args = parser.parse_args()
    for kind, label in (("oa", "Zalo OA (webhooks)"), ("bot", "Zalo Bot Platform (getUpdates)")):
        rate, p50, p99 = asyncio.run(run(kind, args.users))
        print(f"{label}: {args.users} users × 6 turns: {rate:.0f} turns/s, reply p50 {p50 * 1000:.0f} ms, "
              f"p99 {p99 * 1000:.0f} ms")


if __name__ == "__main__":
    main()
