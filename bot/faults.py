"""Crash injection for the durability tests: ``REPORTBOT_CRASH_AT=point:n`` kills the process (SIGKILL) at the
n-th time it passes ``point`` ("after_update", "before_commit", "after_commit", "after_send").

Unset (the normal case) it costs one dictionary look-up per call.
"""

from __future__ import annotations

import os
import signal

_counts: dict[str, int] = {}
#: The bot's process when this is its database process (:mod:`bot.cycles`): a crash kills both, as a crash of
#: the whole bot would.
_parent: int | None = None
_target: tuple[str, int] | None = None
_spec = os.environ.get("REPORTBOT_CRASH_AT", "")
if _spec:
    _name, _, _n = _spec.partition(":")
    _target = (_name, int(_n or "1"))


def point(name: str) -> None:
    """Mark a crash point; kill the process here if the environment asks for it."""
    if _target is None or _target[0] != name:
        return
    _counts[name] = _counts.get(name, 0) + 1
    if _counts[name] >= _target[1]:
        if _parent is not None:
            os.kill(_parent, signal.SIGKILL)
        os.kill(os.getpid(), signal.SIGKILL)


def within(parent: int) -> None:
    """This process works for ``parent`` (the bot's database process): a crash point kills the bot too."""
    global _parent
    _parent = parent
