"""The nearest days with data before and after an empty stretch (the day page's links)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from deskmeter.store import Store
from deskmeter.store.totals import MIDNIGHT, day_of


def days_with_data(
    store: Store,
    start: datetime,
    end: datetime,
    tz: ZoneInfo,
    *,
    day_start: timedelta = MIDNIGHT,
    host: str | None = None,
) -> tuple[date | None, date | None]:
    """The local day of the last switch before ``start`` (its end's day) and of the first
    switch from ``end`` on: two indexed store questions."""
    before = store.switches(None, start, limit=1, order="desc", host=host)
    after = store.switches(end, None, limit=1, order="asc", host=host)
    previous = None
    if before:
        last = before[0]
        moment = min(last.end, start) - timedelta(microseconds=1)
        previous = day_of(max(moment, last.date), tz, day_start)
    following = day_of(after[0].date, tz, day_start) if after else None
    return previous, following
