"""The times people type for an edit: ``HH:MM`` or ``HH:MM:SS`` (today), ``YYYY-MM-DD HH:MM``
(``:SS`` too), ISO with offset.

Local times are read in the configured time zone. A local time that does not exist (the hour
skipped when the clocks go forward) is an error; one that happens twice (the hour repeated
when they go back) is its first occurrence, and an ISO time with an offset names either.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from deskmeter.edits.errors import EditError

_HHMM = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_DAY_HHMM = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")


def parse_time(text: str, tz: ZoneInfo, today: date, *, name: str = "time") -> datetime:
    """``text`` as an aware UTC datetime; ``EditError`` (one line) when it is not a time."""
    raw = text.strip()
    local: datetime | None = None
    if m := _HHMM.match(raw):
        local = _local(today, int(m[1]), int(m[2]), tz, raw, name, int(m[3] or 0))
    elif (m := _DAY_HHMM.match(raw)) and not ("T" in raw and m[4] is not None):
        # "YYYY-MM-DD HH:MM[:SS]"; with a T and seconds it is ISO: that needs an offset
        try:
            day = date.fromisoformat(m[1])
        except ValueError as exc:
            raise EditError(f"bad {name} {raw!r}: {exc}") from None
        local = _local(day, int(m[2]), int(m[3]), tz, raw, name, int(m[4] or 0))
    else:
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            raise EditError(
                f"bad {name} {raw!r}: use HH:MM (today), 'YYYY-MM-DD HH:MM' or an ISO "
                "date-time with an offset (2026-03-29T02:30+01:00)"
            ) from None
        if parsed.tzinfo is None:
            raise EditError(f"bad {name} {raw!r}: an ISO date-time needs an offset (+01:00, Z)")
        local = parsed
    try:
        return local.astimezone(UTC)
    except (OverflowError, ValueError):  # 0001-01-01T00:00+14:00 is before the year 1
        raise EditError(f"bad {name} {raw!r}: outside the years Deskmeter keeps") from None


def _local(
    day: date, hour: int, minute: int, tz: ZoneInfo, raw: str, name: str, second: int = 0
) -> datetime:
    try:
        wall = datetime.combine(day, time(hour, minute, second), tzinfo=tz)
    except ValueError as exc:
        raise EditError(f"bad {name} {raw!r}: {exc}") from None
    try:
        back = wall.astimezone(UTC).astimezone(tz)
    except (OverflowError, ValueError):
        raise EditError(f"bad {name} {raw!r}: outside the years Deskmeter keeps") from None
    if back.replace(tzinfo=None) != wall.replace(tzinfo=None):
        raise EditError(
            f"bad {name} {raw!r}: {wall:%Y-%m-%d %H:%M} does not exist in {tz.key} (the clocks "
            "went forward); give an ISO time with an offset"
        )
    return wall
