"""The reporting rate as DHIS2 defines it: expected, reported, on time, late and missing, with percentages.

>>> from exporters.model import UnitInfo, UnitStatus
>>> units = [UnitStatus(UnitInfo(f"Xã {i}"), s) for i, s in enumerate(["on_time", "late", "missing", "on_time"])]
>>> reporting_rate(units)
Rate(expected=4, reported=3, on_time=2, late=1, missing=1, rate_pct=75.0, on_time_pct=50.0)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from exporters.model import UnitStatus


@dataclass(frozen=True)
class Rate:
    """Counts and percentages of one campaign's reporting (percentages of ``expected``, 0 when none)."""

    expected: int
    reported: int
    on_time: int
    late: int
    missing: int
    rate_pct: float
    on_time_pct: float


def reporting_rate(units: Iterable[UnitStatus]) -> Rate:
    """Expected = units invited; reported = units that submitted; on time = submitted by the deadline."""
    counts = {"on_time": 0, "late": 0, "missing": 0}
    for u in units:
        counts[u.status] += 1
    expected = sum(counts.values())
    reported = counts["on_time"] + counts["late"]

    def pct(n: int) -> float:
        # DHIS2 divides both rates by the expected reports, not by the reports received.
        return round(100.0 * n / expected, 1) if expected else 0.0

    return Rate(expected, reported, counts["on_time"], counts["late"], counts["missing"], pct(reported),
                pct(counts["on_time"]))
