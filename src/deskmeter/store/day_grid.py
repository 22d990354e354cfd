"""What both backends' day totals share: the zone they are cut in, the UTC boundaries of
local days as integer microseconds, the rule that combines hosts, and folding day sums into
totals per period (store/sqlite/totals.py, store/mongo/totals.py)."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from deskmeter.models import Switch, Total
from deskmeter.store.instants import from_us, to_us
from deskmeter.store.overlap import credited_pieces, host_count
from deskmeter.store.totals import Period, Sums, day_of, local_midnight, period_start

#: The groups of the kept rows: task, workspace, away.
TASK, WORKSPACE, AWAY = 0, 1, 2
GROUP_CODES = {"task": TASK, "workspace": WORKSPACE}
#: Days recomputed per pass (bounds the rows held in memory).
_CHUNK_DAYS = 92
_US = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Zone:
    """The time zone and start of day the rows are cut for."""

    tz: ZoneInfo
    day_start: timedelta

    @property
    def text(self) -> str | None:
        """How ``day_total_state`` records it (None: a zone without a name, never kept)."""
        key = getattr(self.tz, "key", None)
        return f"{key}|{self.day_start // _US}" if key else None

    @classmethod
    def parse(cls, text: str) -> Zone:
        name, _, micros = text.rpartition("|")
        return cls(ZoneInfo(name), timedelta(microseconds=int(micros)))


class DayGrid:
    """The UTC boundaries (µs) of consecutive local days ``first`` … ``last`` (ordinals)."""

    def __init__(self, zone: Zone, first: int, last: int) -> None:
        self.first = first
        start = date.fromordinal(first)
        self.bounds = [
            to_us(local_midnight(start + timedelta(days=k), zone.tz, zone.day_start))
            for k in range(last - first + 2)
        ]

    @classmethod
    def covering(cls, zone: Zone, lo: int, hi: int) -> DayGrid:
        """The days that contain the instants ``lo`` … ``hi`` (µs, both included)."""
        first = day_of(from_us(lo), zone.tz, zone.day_start).toordinal()
        last = day_of(from_us(hi), zone.tz, zone.day_start).toordinal()
        return cls(zone, first, max(first, last))

    @property
    def last(self) -> int:
        return self.first + len(self.bounds) - 2

    def lo(self, day: int) -> int:
        return self.bounds[day - self.first]

    def hi(self, day: int) -> int:
        return self.bounds[day - self.first + 1]

    def day(self, moment: int) -> int:
        """The day that contains ``moment`` (inside the grid)."""
        return self.first + max(0, bisect.bisect_right(self.bounds, moment) - 1)

    def cut(self, start: int, end: int) -> Iterator[tuple[int, int]]:
        """(day, µs) pieces of ``[start, end)`` clipped to the grid."""
        start, end = max(start, self.bounds[0]), min(end, self.bounds[-1])
        day = self.day(start)
        while start < end:
            top = min(self.hi(day), end)
            yield day, top - start
            start, day = top, day + 1


def credited_all(switches: Sequence[Switch]) -> list[Switch]:
    """``overlap.credited_pieces`` as for several hosts, even when ``switches`` have one.

    A zero-length switch of another host never covers a moment, so it changes no credit; it
    only makes the rule run (with one host, ``credited_pieces`` returns the switches as they
    are, counting a host's away time that overlaps its own intervals twice).
    """
    if not switches or host_count(switches) > 1:
        return credited_pieces(switches)
    first = switches[0]
    other = Switch(
        id="\u2063combined",
        date=first.date,
        delta=0.0,
        workspace_index=0,
        workspace="",
        host="" if first.host else "-",
    )
    return credited_pieces([*switches, other])


def day_runs(days: Iterable[int]) -> Iterator[tuple[int, int]]:
    """Runs of consecutive days, at most ``_CHUNK_DAYS`` long."""
    ordered = sorted(set(days))
    index = 0
    while index < len(ordered):
        first = last = ordered[index]
        index += 1
        while index < len(ordered) and ordered[index] == last + 1 and last - first < _CHUNK_DAYS:
            last = ordered[index]
            index += 1
        yield first, last


def next_month(day: date) -> date:
    """The first day of the month after ``day``'s."""
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def whole_days(zone: Zone, lo: int, hi: int, *, strict: bool) -> tuple[int, int, int, int] | None:
    """The whole local days inside ``[lo, hi)`` (µs): (first, last, first's start, last's end).

    ``strict``: a day that begins exactly at ``lo`` is not counted as whole. Only the days
    at the edges are checked: the ones between are whole by construction.
    """
    first = day_of(from_us(lo), zone.tz, zone.day_start).toordinal()
    last = day_of(from_us(hi - 1), zone.tz, zone.day_start).toordinal()

    def begins(day: int) -> int:
        return to_us(local_midnight(date.fromordinal(day), zone.tz, zone.day_start))

    first_lo = begins(first)
    if first_lo < lo or (strict and first_lo == lo):
        first += 1
        first_lo = begins(first)
    last_hi = begins(last + 1)
    if last_hi > hi:
        last -= 1
        last_hi = begins(last + 1)
    return None if last < first else (first, last, first_lo, last_hi)


def fold(sums: Sums, by: Period | None) -> list[Total]:
    """Day sums (µs, days as ordinals) as totals per period (None: the whole range)."""
    if by == "day":
        days: dict[int, date] = {}
        for day, _ in sums:
            if day not in days:
                days[day] = date.fromordinal(day)
        return [
            Total(days[day], key, round(us / 1e6, 3))
            for (day, key), us in sorted(sums.items())
            if us > 0
        ]
    periods: dict[tuple[date | None, str], int] = {}
    starts: dict[int, date | None] = {}
    for (day, key), us in sums.items():
        if day not in starts:
            starts[day] = None if by is None else period_start(date.fromordinal(day), by)
        period = starts[day]
        periods[(period, key)] = periods.get((period, key), 0) + us
    return [
        Total(period=period, key=key, seconds=round(us / 1e6, 3))
        for (period, key), us in sorted(
            periods.items(), key=lambda item: (item[0][0] or date.min, item[0][1])
        )
        if us > 0
    ]
