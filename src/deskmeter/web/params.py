"""Reading request parameters: every problem becomes a ``ParameterError`` naming the parameter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from deskmeter.dates import DateError, is_relative, parse_date
from deskmeter.store.totals import MIDNIGHT, local_midnight

#: Dates the dashboard accepts (outside this, local midnights cannot always be computed).
FIRST_DAY = date(1970, 1, 1)
LAST_DAY = date(2199, 12, 31)
#: The longest range a totals query may cover (about twenty years).
MAX_RANGE_DAYS = 7320
MAX_PAGE = 1_000_000

T = TypeVar("T", bound=str)


class ParameterError(ValueError):
    """A request parameter is wrong: ``name`` says which, the message says why."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


def parse_day(name: str, text: str, today: date | None = None) -> date:
    """A ``YYYY-MM-DD`` day within the supported years.

    Given ``today``, the relative forms of ``deskmeter.dates`` (``today``, ``monday``,
    ``-7d``…) are accepted too.
    """
    if today is not None and not (len(text) == 10 and text[:4].isdigit()):
        try:
            day = parse_date(text, today)
        except DateError as exc:
            raise ParameterError(name, str(exc)) from None
        check_day(name, day)
        return day
    try:
        if len(text) != 10:
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise ParameterError(name, f"expected a date YYYY-MM-DD, got {text[:40]!r}") from None
    check_day(name, day)
    return day


def check_day(name: str, day: date) -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ParameterError(name, f"must be between {FIRST_DAY} and {LAST_DAY}")


def parse_month(year: int, month: int) -> date:
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        raise ParameterError("year", f"must be between {FIRST_DAY.year} and {LAST_DAY.year}")
    if not 1 <= month <= 12:
        raise ParameterError("month", "must be between 1 and 12")
    return date(year, month, 1)


def parse_instant(
    name: str,
    text: str,
    tz: ZoneInfo,
    *,
    end: bool,
    today: date | None = None,
    day_start: timedelta = MIDNIGHT,
    whole_days: bool = False,
) -> datetime:
    """A date (a whole local day; an ``end`` date includes that day) or an ISO date-time.

    A date-time must carry its UTC offset (``Z`` or ``+02:00``); as an ``end`` it is exclusive.
    Given ``today``, relative dates (``yesterday``, ``-7d``) are dates too. ``whole_days``
    refuses a date-time (a public dashboard that hides clock times: a one-minute range would
    tell when work started).
    """
    if len(text) == 10 or (today is not None and is_relative(text)):
        day = parse_day(name, text, today)
        return local_midnight(day + timedelta(days=1) if end else day, tz, day_start)
    if whole_days:
        raise ParameterError(
            name, "this dashboard shows whole days only (no clock times): give YYYY-MM-DD"
        )
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ParameterError(
            name, f"expected YYYY-MM-DD or an ISO 8601 date-time with offset, got {text[:40]!r}"
        ) from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ParameterError(name, "a date-time needs its UTC offset, e.g. 2024-05-01T09:00:00Z")
    try:
        instant = value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ParameterError(name, "date-time out of range") from None
    check_day(name, instant.date())
    return instant


def parse_range(
    args: Mapping[str, str],
    tz: ZoneInfo,
    *,
    default_start: datetime | None,
    default_end: datetime | None,
    max_days: int | None = MAX_RANGE_DAYS,
    today: date | None = None,
    day_start: timedelta = MIDNIGHT,
    whole_days: bool = False,
) -> tuple[datetime | None, datetime | None]:
    """``start`` and ``end`` from the query (either may be absent: then the default).

    ``whole_days``: dates only, no date-times (see ``parse_instant``).
    """
    start = (
        parse_instant(
            "start",
            args["start"],
            tz,
            end=False,
            today=today,
            day_start=day_start,
            whole_days=whole_days,
        )
        if args.get("start")
        else default_start
    )
    end = (
        parse_instant(
            "end",
            args["end"],
            tz,
            end=True,
            today=today,
            day_start=day_start,
            whole_days=whole_days,
        )
        if args.get("end")
        else default_end
    )
    if start is not None and end is not None:
        if end <= start:
            raise ParameterError("end", "must be after start")
        if max_days is not None and (end - start) > timedelta(days=max_days):
            raise ParameterError("end", f"the range may cover at most {max_days} days")
    return start, end


def parse_choice(args: Mapping[str, str], name: str, choices: Sequence[T], default: T) -> T:
    text = args.get(name)
    if text is None or text == "":
        return default
    for choice in choices:
        if text == choice:
            return choice
    raise ParameterError(name, f"must be one of {', '.join(choices)}; got {text[:40]!r}")


def parse_int(args: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    text = args.get(name)
    if text is None or text == "":
        return default
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise ParameterError(name, f"expected a whole number, got {text[:40]!r}")
    value = int(text)
    if not low <= value <= high:
        raise ParameterError(name, f"must be between {low} and {high}")
    return value
