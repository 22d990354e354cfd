"""Dates as people type them: ``2024-05-01``, ``today``, ``yesterday``, ``monday``, ``-7d``.

One parser for the CLI and the API's date parameters. Relative forms are resolved against a
given local ``today`` (the caller's clock, in the configured time zone and start of day):

* ``today``, ``yesterday``, ``tomorrow``
* a weekday name (``monday`` … ``sunday``, or its first three letters): the most recent such
  day, today included (``monday`` on a Monday is today)
* ``-Nd``, ``-Nw``, ``-Nm``, ``-Ny`` (``+N…`` too): days, weeks, months or years from today
* ``YYYY-MM-DD``
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta

WEEKDAYS: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
_OFFSET = re.compile(r"^([+-])(\d{1,5})([dwmy])$")
#: What every error message lists as the accepted forms.
FORMS = (
    "YYYY-MM-DD, today, yesterday, tomorrow, a weekday (monday), or an offset (-7d, -2w, -1m, -1y)"
)


class DateError(ValueError):
    """The text is not a date this parser understands; ``str()`` says what is accepted."""


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    last = (following - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def parse_date(text: str, today: date) -> date:
    """The local day ``text`` names, relative forms resolved against ``today``."""
    word = text.strip().lower()
    if not word:
        raise DateError(f"empty date; expected {FORMS}")
    try:
        if word == "today":
            return today
        if word == "yesterday":
            return today - timedelta(days=1)
        if word == "tomorrow":
            return today + timedelta(days=1)
        for index, name in enumerate(WEEKDAYS):
            if len(word) >= 3 and name.startswith(word):
                return today - timedelta(days=(today.weekday() - index) % 7)
        match = _OFFSET.match(word)
        if match:
            sign = -1 if match.group(1) == "-" else 1
            count = sign * int(match.group(2))
            unit = match.group(3)
            if unit == "d":
                return today + timedelta(days=count)
            if unit == "w":
                return today + timedelta(weeks=count)
            if unit == "m":
                return _add_months(today, count)
            return _add_months(today, 12 * count)
        if len(word) == 10:
            return date.fromisoformat(word)
    except (ValueError, OverflowError):
        pass
    raise DateError(f"not a date: {text[:40]!r}; expected {FORMS}")


def is_relative(text: str) -> bool:
    """Whether ``text`` is one of the relative forms (not ``YYYY-MM-DD``)."""
    try:
        parse_date(text, date(2000, 1, 3))
    except DateError:
        return False
    return len(text.strip()) != 10 or not text.strip()[:4].isdigit()


def parse_day_start(text: str) -> timedelta:
    """``"04:00"`` → 4 hours: when a day begins (00:00 to 12:00)."""
    try:
        value = time.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"expected HH:MM, got {text[:20]!r}") from None
    offset = timedelta(hours=value.hour, minutes=value.minute, seconds=value.second)
    if offset > timedelta(hours=12):
        raise ValueError("a day may start at 12:00 at the latest")
    return offset
