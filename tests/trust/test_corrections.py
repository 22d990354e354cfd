"""Issue 23, item 16: the correction form's default stretch and times with seconds."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from deskmeter.edits.times import parse_time
from deskmeter.reports.edit_range import default_edit_range

MADRID = ZoneInfo("Europe/Madrid")


def at(hour: int, minute: int, day: int = 6) -> datetime:
    return datetime(2026, 5, day, hour, minute, tzinfo=MADRID).astimezone(UTC)


def test_at_half_past_one_at_night_the_form_offers_the_last_hour_not_nine() -> None:
    start, end = default_edit_range(at(0, 0), at(0, 0, 7), None, at(1, 30), MADRID)
    assert (start, end) == ("2026-05-06 00:30", "2026-05-06 01:30")


def test_just_after_midnight_the_stretch_starts_at_the_days_start() -> None:
    start, end = default_edit_range(at(0, 0), at(0, 0, 7), None, at(0, 20), MADRID)
    assert (start, end) == ("2026-05-06 00:00", "2026-05-06 00:20")


def test_a_past_day_offers_its_last_tracked_hour() -> None:
    start, end = default_edit_range(at(0, 0, 5), at(0, 0, 6), at(16, 0, 5), at(14, 30), MADRID)
    assert (start, end) == ("2026-05-05 15:00", "2026-05-05 16:00")


def test_an_empty_past_day_offers_nine_to_ten() -> None:
    start, end = default_edit_range(at(0, 0, 5), at(0, 0, 6), None, at(14, 30), MADRID)
    assert (start, end) == ("2026-05-05 09:00", "2026-05-05 10:00")


def test_times_take_seconds() -> None:
    today = date(2026, 5, 6)
    assert parse_time("13:02:41", MADRID, today) == datetime(2026, 5, 6, 11, 2, 41, tzinfo=UTC)
    got = parse_time("2026-05-05 09:10:05", MADRID, today)
    assert got == datetime(2026, 5, 5, 7, 10, 5, tzinfo=UTC)
    assert parse_time("13:02", MADRID, today).second == 0
