"""One task's history: its time by week and by month, first and last seen, its share.

A task's figures include everything under its path (``work/x`` covers ``work/x/y``), as the
tasks tree and goals count. Built from the store's period totals (a few queries, whatever
the length of the history), through the ``Figures`` protocol that ``Reports`` meets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal, Protocol

from deskmeter.models import Total

#: Weeks of the by-week history.
WEEKS = 12
#: Months of the by-month history.
MONTHS = 12


class Figures(Protocol):
    """What ``task_history`` needs of the dashboard's ``Reports``."""

    def bounds(self, first: date, last: date) -> tuple[datetime, datetime]: ...

    def totals(
        self,
        start: datetime,
        end: datetime,
        group: Literal["task", "workspace"],
        by: Literal["day", "week", "month", "year"] | None,
    ) -> list[Total]: ...


@dataclass(frozen=True, slots=True)
class TaskHistory:
    path: str
    #: Seconds on the task (and under it) in the whole history shown.
    seconds: float
    #: Seconds tracked on anything in the same span (the share's whole).
    all_seconds: float
    first_seen: date | None
    last_seen: date | None
    #: ``(monday, seconds)`` for the last ``WEEKS`` weeks, oldest first.
    weeks: tuple[tuple[date, float], ...]
    #: ``(first of month, seconds)`` for the last ``MONTHS`` months, oldest first.
    months: tuple[tuple[date, float], ...]
    #: The tasks under it with time, biggest first.
    children: tuple[tuple[str, float], ...]

    @property
    def share(self) -> float:
        """Percent of all tracked time (0 when nothing is tracked)."""
        return 100 * self.seconds / self.all_seconds if self.all_seconds else 0.0


def covers(path: str, key: str) -> bool:
    return key == path or key.startswith(path + "/")


def _month_start(day: date, back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def task_history(figures: Figures, path: str, first_day: date, today: date) -> TaskHistory:
    """``path``'s history from ``first_day`` (the store's first switch) to ``today``."""
    first_day = min(first_day, today)
    start, end = figures.bounds(_month_start(first_day), today)
    per_month: dict[date, float] = defaultdict(float)
    children: dict[str, float] = defaultdict(float)
    everything = 0.0
    for total in figures.totals(start, end, "task", "month"):
        everything += total.seconds
        if covers(path, total.key) and total.period is not None:
            per_month[_month_start(total.period)] += total.seconds
            if total.key != path:
                children[total.key] += total.seconds
    seconds = round(sum(per_month.values()), 3)
    months = tuple(
        (m, round(per_month.get(m, 0.0), 3))
        for m in (_month_start(today, back) for back in range(MONTHS - 1, -1, -1))
    )
    monday = today - timedelta(days=today.weekday())
    first_week = monday - timedelta(weeks=WEEKS - 1)
    per_week: dict[date, float] = defaultdict(float)
    lo, hi = figures.bounds(first_week, monday + timedelta(days=6))
    for total in figures.totals(lo, hi, "task", "week"):
        if covers(path, total.key) and total.period is not None:
            per_week[total.period] += total.seconds
    weeks = tuple(
        (
            first_week + timedelta(weeks=i),
            round(per_week.get(first_week + timedelta(weeks=i), 0.0), 3),
        )
        for i in range(WEEKS)
    )
    seen = sorted(m for m, s in per_month.items() if s > 0)
    first_seen = _edge_day(figures, path, seen[0], today, first=True) if seen else None
    last_seen = _edge_day(figures, path, seen[-1], today, first=False) if seen else None
    return TaskHistory(
        path=path,
        seconds=seconds,
        all_seconds=round(everything, 3),
        first_seen=first_seen,
        last_seen=last_seen,
        weeks=weeks,
        months=months,
        children=tuple(sorted(children.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


def _edge_day(figures: Figures, path: str, month: date, today: date, *, first: bool) -> date | None:
    """The first (or last) day of ``month`` with time on ``path``."""
    last = min(_month_start(month, -1) - timedelta(days=1), today)
    lo, hi = figures.bounds(month, last)
    days: Sequence[date] = sorted(
        t.period
        for t in figures.totals(lo, hi, "task", "day")
        if t.period is not None and covers(path, t.key) and t.seconds > 0
    )
    if not days:
        return None
    return days[0] if first else days[-1]
