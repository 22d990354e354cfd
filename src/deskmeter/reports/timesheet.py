"""The timesheet: per local day the first start, the last end, the total and each task's
decimal hours. The dashboard serves it as a printable page and as CSV; ``deskmeter report
--timesheet`` prints the same rows.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from deskmeter.models import area_of
from deskmeter.reports.formatting import decimal_hours
from deskmeter.reports.service import Reports


@dataclass(frozen=True, slots=True)
class TimesheetDay:
    day: date
    first_start: datetime
    last_end: datetime
    seconds: float
    tasks: dict[str, float]


@dataclass(frozen=True, slots=True)
class Timesheet:
    first: date
    last: date
    days: tuple[TimesheetDay, ...]
    tasks: tuple[str, ...]

    @property
    def seconds(self) -> float:
        return sum(d.seconds for d in self.days)

    def task_seconds(self, task: str) -> float:
        return sum(d.tasks.get(task, 0.0) for d in self.days)


def build_timesheet(
    reports: Reports, first: date, last: date, *, by_area: bool = False
) -> Timesheet:
    """Rows for the local days ``first`` … ``last`` that have tracked time; a column per
    task, or per area (``by_area``)."""
    start, end = reports.bounds(first, last)
    switches, _ = reports.counted_switches(start, end)  # all hosts: each moment once
    rows: list[TimesheetDay] = []
    sums: dict[str, float] = defaultdict(float)
    day = first
    index = 0
    # away stretches are never timesheet time (nor its first start or last end)
    ordered = sorted((s for s in switches if not s.away), key=lambda s: s.date)
    while day <= last:
        lo, hi = reports.bounds(day, day)
        while index < len(ordered) and ordered[index].end <= lo:
            index += 1
        per_task: dict[str, float] = defaultdict(float)
        first_start: datetime | None = None
        last_end: datetime | None = None
        for switch in ordered[index:]:
            if switch.date >= hi:
                break
            a, b = max(switch.date, lo), min(switch.end, hi)
            if b <= a:
                continue
            key = reports.label(switch.task)
            per_task[area_of(key) if by_area else key] += (b - a).total_seconds()
            first_start = a if first_start is None else min(first_start, a)
            last_end = b if last_end is None else max(last_end, b)
        if first_start is not None and last_end is not None:
            for key, value in per_task.items():
                sums[key] += value
            rows.append(
                TimesheetDay(
                    day=day,
                    first_start=first_start,
                    last_end=last_end,
                    seconds=round(sum(per_task.values()), 3),
                    tasks={k: round(v, 3) for k, v in per_task.items()},
                )
            )
        day += timedelta(days=1)
    tasks = tuple(k for k, _ in sorted(sums.items(), key=lambda kv: (-kv[1], kv[0])))
    return Timesheet(first=first, last=last, days=tuple(rows), tasks=tasks)


def timesheet_rows(sheet: Timesheet, reports: Reports) -> list[list[str]]:
    """Header plus one row per day, local times, decimal hours."""
    header = ["date", "first_start", "last_end", "total_hours", *sheet.tasks]
    rows = [header]
    for day in sheet.days:
        rows.append(
            [
                day.day.isoformat(),
                day.first_start.astimezone(reports.tz).strftime("%H:%M"),
                day.last_end.astimezone(reports.tz).strftime("%H:%M"),
                decimal_hours(day.seconds),
                *(decimal_hours(day.tasks.get(task, 0.0)) for task in sheet.tasks),
            ]
        )
    return rows


def timesheet_csv(sheet: Timesheet, reports: Reports) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(timesheet_rows(sheet, reports))
    return buffer.getvalue()
