"""The fast builders of the month and year reports give what the straightforward ones did.

The year report is built from three sums the store adds up (each day's seconds, each task's
year, each month's areas) and a month's trend reuses each cell's areas; the reference here is
the plain computation from per-day maps (the code before the render-speed work). Compared on
two years of synthetic history with a 04:00 start of day, a DST change in each year, and
coarse task labels (portfolio depth 1) as well as full paths.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from benchmarks.synthetic import populate

from deskmeter.config import PortfolioSettings, Settings, ViewsSettings, WebSettings
from deskmeter.models import area_of
from deskmeter.reports.formatting import duration
from deskmeter.reports.service import Reports
from deskmeter.reports.shapes import HeatDay, KeyTotal, TrendBar, by_size, intensity
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.store.totals import period_start
from tests.web.conftest import MADRID

NOW = datetime(2025, 3, 12, 16, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory: pytest.TempPathFactory) -> SQLiteStore:
    path = tmp_path_factory.mktemp("equivalence") / "two-years.db"
    store = SQLiteStore(path)
    populate(store, date(2023, 12, 1), 470, MADRID, per_day=40)
    return store


def make_reports(store: SQLiteStore, tmp_path: Path, *, coarse: bool) -> Reports:
    web = WebSettings(mode="portfolio") if coarse else WebSettings()
    settings = Settings(
        store=str(tmp_path / "unused.db"),
        timezone="Europe/Madrid",
        task_file=tmp_path / "tasks.txt",
        web=web,
        portfolio=PortfolioSettings(path_depth=1),
        views=ViewsSettings(day_starts_at="04:00"),
    )
    return Reports(store, settings, NOW)


def reference_year(reports: Reports, year: int) -> dict[str, object]:
    """The year report as first written: per-day maps, then loops over them."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    per_day = reports._per_day(first, last)
    full_day = reports.full_day()
    sums: dict[str, float] = defaultdict(float)
    months = [0.0] * 12
    for day, values in per_day.items():
        if day.year != year:
            continue
        for key, seconds in values.items():
            sums[key] += seconds
            months[day.month - 1] += seconds
    grid_start = first - timedelta(days=first.weekday())
    columns = []
    cursor = grid_start
    while cursor <= last:
        column = []
        for _ in range(7):
            seconds = sum(per_day.get(cursor, {}).values()) if cursor.year == year else 0.0
            column.append(
                HeatDay(
                    day=cursor,
                    in_year=cursor.year == year,
                    seconds=round(seconds, 3),
                    level=intensity(seconds, full_day),
                    future=cursor > reports.today(),
                    label=f"{cursor:%a} {cursor.day} {cursor:%b}: "
                    + (duration(seconds) if seconds else "nothing"),
                )
            )
            cursor += timedelta(days=1)
        columns.append(tuple(column))
    monthly: dict[date, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for day, values in per_day.items():
        if day.year == year:
            for key, seconds in values.items():
                monthly[period_start(day, "month")][area_of(key)] += seconds
    bars = []
    for month in range(1, 13):
        first_day = date(year, month, 1)
        parts = {area: round(v, 3) for area, v in monthly.get(first_day, {}).items()}
        bars.append(TrendBar(period=first_day, parts=by_size(parts)))
    areas: dict[str, float] = defaultdict(float)
    for key, seconds in sums.items():
        areas[area_of(key)] += seconds
    return {
        "columns": tuple(columns),
        "months": tuple(round(m, 3) for m in months),
        "tasks": by_size(sums),
        "areas": by_size(areas),
        "seconds": round(sum(months), 3),
        "days_tracked": sum(
            1 for d, v in per_day.items() if d.year == year and sum(v.values()) > 0
        ),
        "bars": tuple(bars),
    }


@pytest.mark.parametrize("coarse", [False, True], ids=["full-paths", "coarse"])
@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_the_one_pass_year_report_equals_the_reference(
    synthetic_store: SQLiteStore, tmp_path: Path, year: int, coarse: bool
) -> None:
    reports = make_reports(synthetic_store, tmp_path, coarse=coarse)
    report = reports.year(year)
    expected = reference_year(reports, year)
    assert report.seconds > 0 or year == 2023
    assert report.columns == expected["columns"]
    assert report.months == expected["months"]
    assert report.tasks == expected["tasks"]
    assert report.areas == expected["areas"]
    assert report.seconds == expected["seconds"]
    assert report.days_tracked == expected["days_tracked"]
    assert report.trend.bars == expected["bars"]


@pytest.mark.parametrize("coarse", [False, True], ids=["full-paths", "coarse"])
@pytest.mark.parametrize("first", [date(2024, 3, 1), date(2024, 10, 1), date(2025, 3, 1)])
def test_the_month_trend_from_the_cells_areas_equals_the_reference(
    synthetic_store: SQLiteStore, tmp_path: Path, first: date, coarse: bool
) -> None:
    reports = make_reports(synthetic_store, tmp_path, coarse=coarse)
    month = reports.month(first)
    per_day = {
        cell.day: {t.key: t.seconds for t in cell.tasks}
        for w in month.weeks
        for c in [w]
        for cell in c.days
    }
    bars = []
    for bar in reports.month_trend(month).bars:
        by_area: dict[str, float] = defaultdict(float)
        for key, seconds in per_day.get(bar.period, {}).items():
            by_area[area_of(key)] += seconds
        bars.append(by_size(by_area))
        assert bar.period.month == first.month
    assert [bar.parts for bar in reports.month_trend(month).bars] == bars
    assert any(bars) and all(isinstance(p, KeyTotal) for parts in bars for p in parts)
