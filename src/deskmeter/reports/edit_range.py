"""The correction form's default stretch: where a correction is likely, never in the future.

Today: the last hour up to now (from the day's start at the earliest), so a form opened at
01:30 does not offer 09:00–10:00. Another day: the last hour of its tracked time; a day
with nothing tracked: 09:00–10:00. Minutes are cut to whole minutes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

#: How long the default stretch is.
LENGTH = timedelta(hours=1)


def _text(when: datetime, tz: ZoneInfo) -> str:
    return when.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def default_edit_range(
    day_start: datetime,
    day_end: datetime,
    last_tracked: datetime | None,
    now: datetime,
    tz: ZoneInfo,
) -> tuple[str, str]:
    """``(start, end)`` as the form shows them (``YYYY-MM-DD HH:MM`` local)."""
    if day_start <= now < day_end:
        end = now.replace(second=0, microsecond=0)
    elif last_tracked is not None:
        end = min(last_tracked, day_end)
    else:
        nine = day_start.astimezone(tz).replace(hour=9, minute=0)
        return _text(nine, tz), _text(nine + LENGTH, tz)
    start = max(day_start, end - LENGTH)
    if end <= start:
        end = min(day_end, start + LENGTH)
    return _text(start, tz), _text(end, tz)
