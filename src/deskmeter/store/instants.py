"""Instants as integer microseconds since the Unix epoch, the time arithmetic both backends share.

Exact both ways (a ``datetime`` has microsecond resolution). The SQLite backend stores times
this way; the day grid (store/day_grid.py) and both backends' kept totals cut days with it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)

#: Below this many microseconds (the year 2112) a float timestamp is exact to the microsecond.
FLOAT_EXACT_US = 2**52


def to_us(value: datetime) -> int:
    """``value`` as integer microseconds since the epoch (exact)."""
    return (value - EPOCH) // MICROSECOND


def from_us(value: int) -> datetime:
    """The UTC instant ``value`` microseconds after the epoch (exact)."""
    if 0 <= value < FLOAT_EXACT_US:
        return datetime.fromtimestamp(value / 1_000_000, UTC)  # the fast path, also exact
    return EPOCH + timedelta(microseconds=value)
