"""What the ``Reports`` service returns: a month's day cells, a day's pieces, a week's rows,
a year's heat map, the task tree and the trend bars, and the small helpers that shape them
(keys by size, areas, the calendar's heat level, a day's bounds).

Plain frozen values: the pages, the API, ``deskmeter report`` and ``deskmeter status`` read
them; nothing here asks the store.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import itemgetter
from types import MappingProxyType
from typing import NamedTuple
from zoneinfo import ZoneInfo

from deskmeter.models import area_of
from deskmeter.store.totals import MIDNIGHT, local_midnight

#: Calendar intensity: a day with at least this share of a full day gets level index + 1.
LEVEL_SHARES: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)
#: The heat scale when there is no history and no setting: an 8-hour day.
DEFAULT_FULL_DAY = 8 * 3600.0
#: Tasks named in each calendar cell; the rest are summed.
TOP_PER_DAY = 3
_SECOND = itemgetter(1)


class KeyTotal(NamedTuple):
    """Seconds of one key (task, area, workspace); a named tuple: pages make hundreds."""

    key: str
    seconds: float


@dataclass(frozen=True, slots=True)
class CurrentState:
    """The header: what runs now (local) or ran at the last sync (portfolio)."""

    task: str
    workspace: str
    since: datetime
    heartbeat: datetime
    seconds: float
    live: bool
    #: The workstation it runs on.
    host: str = ""
    #: The open interval is an away stretch (no input, locked, asleep): not counted.
    away: bool = False


#: An empty map that cannot change (a default shared by every cell without tasks).
NO_MS: Mapping[str, int] = MappingProxyType({})


class DayCell(NamedTuple):
    """A day of the month's calendar (a named tuple: a month has 42, built in one loop)."""

    day: date
    in_month: bool
    seconds: float
    top: tuple[KeyTotal, ...]
    rest_seconds: float
    rest_count: int
    level: int
    today: bool
    future: bool
    #: Milliseconds per area of the day (no zeros): ``areas`` ranks them when asked.
    area_ms: Mapping[str, int] = NO_MS
    #: Milliseconds per task of the day (no zeros): ``tasks`` ranks them (only goals do).
    task_ms: Mapping[str, int] = NO_MS

    @property
    def areas(self) -> tuple[KeyTotal, ...]:
        """Every area of the day, biggest first (``top`` is the first ``TOP_PER_DAY``)."""
        return by_size({key: ms / 1000 for key, ms in self.area_ms.items()})

    @property
    def sums(self) -> dict[str, float]:
        """Seconds per task of the day."""
        return {key: ms / 1000 for key, ms in self.task_ms.items()}

    @property
    def tasks(self) -> tuple[KeyTotal, ...]:
        """The day's tasks, biggest first."""
        return by_size(self.sums)


@dataclass(frozen=True, slots=True)
class Week:
    number: int
    days: tuple[DayCell, ...]
    seconds: float


@dataclass(frozen=True, slots=True)
class MonthReport:
    first: date
    weeks: tuple[Week, ...]
    seconds: float
    days_tracked: int
    tasks: tuple[KeyTotal, ...]
    #: Milliseconds per area over the month's days (the trend chart's series).
    area_ms: Mapping[str, int] = field(default_factory=dict)

    @property
    def prev(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=32)).replace(day=1)


@dataclass(frozen=True, slots=True)
class Piece:
    """Part of one switch inside one day (a bar of the timeline)."""

    start: datetime
    end: datetime
    task: str
    workspace: str
    running: bool
    #: An away stretch: drawn as a gap with its length, never counted.
    away: bool = False

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass(frozen=True, slots=True)
class DayReport:
    day: date
    start: datetime
    end: datetime
    tasks: tuple[KeyTotal, ...]
    workspaces: tuple[KeyTotal, ...]
    pieces: tuple[Piece, ...]
    seconds: float
    switches: int
    #: Seconds away (no input, locked, asleep) on this day, shown apart from the totals.
    away_seconds: float = 0.0

    @property
    def hours_long(self) -> float:
        return (self.end - self.start).total_seconds() / 3600

    @property
    def away_stretches(self) -> tuple[tuple[datetime, datetime], ...]:
        """The away pieces' ``(start, end)``: the timeline's gaps."""
        return tuple((p.start, p.end) for p in self.pieces if p.away)


@dataclass
class TaskNode:
    """One level of a task path with the seconds of itself and everything under it."""

    path: str
    name: str
    depth: int
    seconds: float = 0.0
    own: float = 0.0
    children: dict[str, TaskNode] = field(default_factory=dict)

    def rows(self) -> Iterable[TaskNode]:
        """This node and its descendants, biggest first, depth-first."""
        yield self
        for child in sorted(self.children.values(), key=lambda n: (-n.seconds, n.name)):
            yield from child.rows()


class TrendBar(NamedTuple):
    period: date
    parts: tuple[KeyTotal, ...]

    @property
    def seconds(self) -> float:
        return sum(p.seconds for p in self.parts)


@dataclass(frozen=True, slots=True)
class Trend:
    unit: str
    bars: tuple[TrendBar, ...]


@dataclass(frozen=True, slots=True)
class WeekRow:
    key: str
    seconds: float
    days: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class WeekReport:
    monday: date
    days: tuple[date, ...]
    rows: tuple[WeekRow, ...]
    day_seconds: tuple[float, ...]
    seconds: float
    trend: Trend
    today: date
    #: Seconds away per day (never in ``seconds``): shown in their own row.
    away_days: tuple[float, ...] = ()

    @property
    def away_seconds(self) -> float:
        return round(sum(self.away_days), 3)

    @property
    def number(self) -> int:
        return self.monday.isocalendar().week

    @property
    def iso_year(self) -> int:
        return self.monday.isocalendar().year

    @property
    def prev(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def next(self) -> date:
        return self.monday + timedelta(days=7)


class HeatDay(NamedTuple):
    """A day of the year's heat map (a named tuple: a year has 371 of them)."""

    day: date
    in_year: bool
    seconds: float
    level: int
    future: bool
    label: str = ""


@dataclass(frozen=True, slots=True)
class YearReport:
    year: int
    columns: tuple[tuple[HeatDay, ...], ...]
    months: tuple[float, ...]
    tasks: tuple[KeyTotal, ...]
    areas: tuple[KeyTotal, ...]
    seconds: float
    days_tracked: int
    trend: Trend
    #: Seconds away per month (never in ``seconds`` or ``months``): shown apart.
    away_months: tuple[float, ...] = ()

    @property
    def away_seconds(self) -> float:
        return round(sum(self.away_months), 3)


def day_bounds(
    day: date, tz: ZoneInfo, day_start: timedelta = MIDNIGHT
) -> tuple[datetime, datetime]:
    return local_midnight(day, tz, day_start), local_midnight(
        day + timedelta(days=1), tz, day_start
    )


def area_sums(sums: dict[str, float]) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for key, seconds in sums.items():
        out[area_of(key)] += seconds
    return out


def _size_order(item: tuple[str, float]) -> tuple[float, str]:
    return -item[1], item[0]


def top_ms(sums: Mapping[str, int], count: int) -> list[tuple[str, int]]:
    """The first ``count`` of ``ranked_ms(sums)``: one sort by size, and the second (by key)
    only when two of the first ``count + 1`` are equal (their order is the key's)."""
    ranked = sorted(sums.items(), key=_SECOND, reverse=True)
    edge = ranked[: count + 1]
    if len({ms for _, ms in edge}) < len(edge):
        return ranked_ms(sums)[:count]
    return ranked[:count]


def ranked_ms(sums: Mapping[str, int]) -> list[tuple[str, int]]:
    """``(key, ms)`` biggest first, equal ones by key (two sorts in C: by key, then by size;
    a sort keeps the order of equal items, reversed too)."""
    return sorted(sorted(sums.items()), key=_SECOND, reverse=True)


def by_size(sums: dict[str, float]) -> tuple[KeyTotal, ...]:
    new = tuple.__new__  # KeyTotal(key, seconds) without the named tuple's Python __new__
    return tuple(
        [
            new(KeyTotal, (key, round(seconds, 3)))
            for key, seconds in sorted(sums.items(), key=_size_order)
            if seconds > 0
        ]
    )


def intensity(seconds: float, full_day: float = DEFAULT_FULL_DAY) -> int:
    """Calendar level 0 (nothing) to 5 (a full day or more, ``full_day`` seconds)."""
    if seconds <= 0:
        return 0
    return bisect_right(LEVEL_SHARES, seconds / max(full_day, 60.0))  # thresholds <= share


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) of ``values``; 0.0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))
    return ordered[index]
