"""Cutting switches into totals per day, week or month in a time zone.

An interval that crosses midnight (or a daylight-saving change) is split at the local
boundary, so each period gets exactly the seconds that fell inside it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from deskmeter.models import NO_TASK, Switch, Total

Group = Literal["task", "workspace"]
Period = Literal["day", "week", "month", "year"]

#: The ways totals can be grouped (the API's ``group`` choices).
GROUPS: tuple[Group, ...] = ("task", "workspace")

#: The key of away totals (``Store.away_totals``).
AWAY_KEY = "away"

#: Microseconds per (local day as an ordinal, or a period's first day; key): what both
#: backends' kept day totals answer (``Store._kept_sums``) and ``day_grid.fold`` folds.
Sums = dict[tuple[int, str], int]


def period_start(day: date, by: Period) -> date:
    """The first day of the period that contains ``day`` (weeks start on Monday)."""
    if by == "day":
        return day
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "year":
        return day.replace(month=1, day=1)
    return day.replace(day=1)


#: Days begin at local midnight unless the configuration says otherwise.
MIDNIGHT = timedelta(0)


def local_midnight(day: date, tz: ZoneInfo, day_start: timedelta = MIDNIGHT) -> datetime:
    """The UTC instant at which local ``day`` begins in ``tz``.

    ``day_start`` moves the cut later (``4h``: the day runs 04:00 to 04:00 local wall time).
    """
    return (datetime.combine(day, time(0), tzinfo=tz) + day_start).astimezone(UTC)


def day_of(moment: datetime, tz: ZoneInfo, day_start: timedelta = MIDNIGHT) -> date:
    """The local day that contains ``moment`` when days begin at ``day_start``."""
    day = moment.astimezone(tz).date()
    if moment < local_midnight(day, tz, day_start):
        return day - timedelta(days=1)
    if moment >= local_midnight(day + timedelta(days=1), tz, day_start):
        return day + timedelta(days=1)
    return day


def group_key(switch: Switch, group: Group) -> str:
    if group == "task":
        return switch.task or NO_TASK
    return switch.workspace_label


def split_by_day(
    start: datetime, end: datetime, tz: ZoneInfo, day_start: timedelta = MIDNIGHT
) -> Iterable[tuple[date, float]]:
    """Yield (local day, seconds) pieces of the UTC interval ``[start, end)``."""
    cursor = start
    while cursor < end:
        day = day_of(cursor, tz, day_start)
        boundary = min(end, local_midnight(day + timedelta(days=1), tz, day_start))
        if boundary <= cursor:  # defensive: never loop forever on odd zone data
            boundary = end
        yield day, (boundary - cursor).total_seconds()
        cursor = boundary


def cut_totals(
    switches: Iterable[Switch],
    start: datetime,
    end: datetime,
    tz: ZoneInfo,
    group: Group,
    by: Period | None,
    *,
    day_start: timedelta = MIDNIGHT,
    away: bool = False,
) -> list[Total]:
    """Totals of ``switches`` clipped to ``[start, end)``, ordered by period then key.

    Away stretches are never counted; ``away=True`` counts only them, under the key ``away``.
    """
    sums: dict[tuple[date | None, str], float] = defaultdict(float)
    for switch in switches:
        if switch.away != away:
            continue
        lo = max(switch.date, start)
        hi = min(switch.end, end)
        if hi <= lo:
            continue
        key = AWAY_KEY if away else group_key(switch, group)
        if by is None:
            sums[(None, key)] += (hi - lo).total_seconds()
            continue
        for day, seconds in split_by_day(lo, hi, tz, day_start):
            sums[(period_start(day, by), key)] += seconds
    return [
        Total(period=period, key=key, seconds=round(seconds, 3))
        for (period, key), seconds in sorted(
            sums.items(), key=lambda item: (item[0][0] or date.min, item[0][1])
        )
    ]
