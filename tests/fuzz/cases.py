"""How many inputs each fuzz suite tried in this session (printed at the end by ``tests/fuzz/conftest.py``)."""

from __future__ import annotations

from collections import Counter

#: suite name → inputs tried in this session.
CASES: Counter[str] = Counter()


def count(suite: str, n: int = 1) -> None:
    """Record ``n`` more inputs tried by ``suite``."""
    CASES[suite] += n
