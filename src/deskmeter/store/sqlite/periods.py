"""Periods of the kept day totals' read side: a day's week or month, and whole months."""

from __future__ import annotations

from datetime import date, timedelta

from deskmeter.store.day_grid import next_month


def period_of(day: int, by_week: bool, by_month: bool) -> int:
    """The ordinal of the first day of ``day``'s week (Monday) or month, or ``day`` itself."""
    if by_week:  # ordinals count from Monday 1 January of year 1
        return day - (day - 1) % 7
    if by_month:
        return date.fromordinal(day).replace(day=1).toordinal()
    return day


def month_parts(first: int, last: int) -> list[tuple[str, str, int, int]]:
    """The whole days ``first`` … ``last`` (ordinals) as (table, column, from, to) parts:
    whole months from ``month_total`` (by their first day), the days around them from
    ``day_total``."""
    start, end = date.fromordinal(first), date.fromordinal(last)
    lo = start if start.day == 1 else next_month(start)
    hi = next_month(end) if next_month(end) - timedelta(days=1) == end else end.replace(day=1)
    if lo >= hi:
        return [("day_total", "day", first, last)]
    last_month = (hi - timedelta(days=1)).replace(day=1).toordinal()
    return [
        ("day_total", "day", first, lo.toordinal() - 1),
        ("month_total", "month", lo.toordinal(), last_month),
        ("day_total", "day", hi.toordinal(), last),
    ]
