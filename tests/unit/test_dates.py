"""The one parser of dates people type (CLI and API), and the start-of-day cut."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskmeter.dates import DateError, is_relative, parse_date, parse_day_start
from deskmeter.store.totals import day_of, local_midnight, split_by_day

WEDNESDAY = date(2026, 5, 13)
MADRID = ZoneInfo("Europe/Madrid")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", WEDNESDAY),
        ("Yesterday", date(2026, 5, 12)),
        ("tomorrow", date(2026, 5, 14)),
        ("monday", date(2026, 5, 11)),
        ("wed", WEDNESDAY),  # today's weekday is today
        ("thursday", date(2026, 5, 7)),  # the most recent one, never the future
        ("-7d", date(2026, 5, 6)),
        ("+1d", date(2026, 5, 14)),
        ("-2w", date(2026, 4, 29)),
        ("-1m", date(2026, 4, 13)),
        ("-1y", date(2025, 5, 13)),
        ("2024-02-29", date(2024, 2, 29)),
    ],
)
def test_relative_and_absolute_dates(text: str, expected: date) -> None:
    assert parse_date(text, WEDNESDAY) == expected


def test_month_offsets_clamp_to_the_end_of_the_month() -> None:
    assert parse_date("-1m", date(2026, 3, 31)) == date(2026, 2, 28)


@pytest.mark.parametrize("text", ["", "someday", "2024-02-30", "-7x", "mo", "2024/01/01"])
def test_bad_dates_name_the_accepted_forms(text: str) -> None:
    with pytest.raises(DateError, match="expected YYYY-MM-DD, today"):
        parse_date(text, WEDNESDAY)


def test_is_relative() -> None:
    assert is_relative("monday") and is_relative("-7d")
    assert not is_relative("2024-01-01") and not is_relative("junk")


def test_day_start_parsing() -> None:
    assert parse_day_start("04:00") == timedelta(hours=4)
    with pytest.raises(ValueError, match="HH:MM"):
        parse_day_start("4 o'clock")
    with pytest.raises(ValueError, match="12:00"):
        parse_day_start("13:00")


def test_a_night_before_four_counts_to_the_day_before() -> None:
    four = timedelta(hours=4)
    late = datetime(2026, 5, 13, 1, 30, tzinfo=UTC)  # 03:30 in Madrid
    assert day_of(late, MADRID) == date(2026, 5, 13)
    assert day_of(late, MADRID, four) == date(2026, 5, 12)
    assert local_midnight(date(2026, 5, 13), MADRID, four) == datetime(
        2026, 5, 13, 2, 0, tzinfo=UTC
    )


@given(
    start=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)),
    hours=st.floats(min_value=0.01, max_value=80),
    day_start=st.sampled_from([0, 15, 240, 330, 720]),
)
def test_split_by_day_with_a_day_start_keeps_every_second(
    start: datetime, hours: float, day_start: int
) -> None:
    offset = timedelta(minutes=day_start)
    lo = start.replace(tzinfo=UTC)
    hi = lo + timedelta(hours=hours)
    pieces = list(split_by_day(lo, hi, MADRID, offset))
    assert sum(s for _, s in pieces) == pytest.approx((hi - lo).total_seconds())
    for day, _ in pieces:
        assert local_midnight(day, MADRID, offset) < hi
        assert local_midnight(day + timedelta(days=1), MADRID, offset) > lo
