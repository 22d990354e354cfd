"""The month page's fast paths give what the reference paths give (issue 25, reads).

The calendar folds the store's rows in integer milliseconds (``Store.day_task_ms``, read by
SQLite straight from its kept day totals), reads the neighbouring months' days as totals
only, sums the previous month in SQL (``Store.days_ms_total``) and draws its chart from the
cells (``web/month_chart.py``). Each is compared here with the path it replaces: ``Store``'s
reference methods over ``day_totals``/``day_seconds``, the fold of the rounded seconds that
``Reports.month`` did before, and ``build_chart`` over ``month_trend``. Two years of
synthetic history on two hosts (every scope: one host, the other, all), a 04:00 start of day
with a DST change, and coarse task labels (portfolio depth 1) as well as full paths.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from benchmarks.synthetic import populate
from benchmarks.web_bench import laptop

from deskmeter.config import PortfolioSettings, Settings, ViewsSettings, WebSettings
from deskmeter.models import Switch, Task, area_of
from deskmeter.reports.service import Reports
from deskmeter.reports.shapes import TOP_PER_DAY, by_size, intensity
from deskmeter.store import Store
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.store.sqlite.month_rows import _fold
from deskmeter.web.charts import build_chart
from deskmeter.web.colors import TaskColours
from deskmeter.web.month_chart import month_chart
from tests.web.conftest import MADRID

NOW = datetime(2025, 3, 12, 16, 0, tzinfo=UTC)
MONTHS = [date(2024, 3, 1), date(2024, 10, 1), date(2025, 2, 1), date(2025, 3, 1)]


@pytest.fixture(scope="module")
def two_hosts(tmp_path_factory: pytest.TempPathFactory) -> SQLiteStore:
    store = SQLiteStore(tmp_path_factory.mktemp("month-fast") / "two-hosts.db")
    populate(store, date(2023, 12, 1), 470, MADRID, per_day=40)
    store.add_switches(laptop(date(2023, 12, 1), 470))
    return store


def make_reports(
    store: Store, tmp_path: Path, *, coarse: bool = False, host: str | None = None
) -> Reports:
    settings = Settings(
        store=str(tmp_path / "unused.db"),
        timezone="Europe/Madrid",
        task_file=tmp_path / "tasks.txt",
        web=WebSettings(mode="portfolio") if coarse else WebSettings(),
        portfolio=PortfolioSettings(path_depth=1),
        views=ViewsSettings(day_starts_at="04:00"),
    )
    return Reports(store, settings, NOW, host)


def grid_range(reports: Reports, first: date) -> tuple[datetime, datetime, date]:
    grid_start = first - timedelta(days=first.weekday())
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    start, end = reports.bounds(grid_start, last + timedelta(days=6 - last.weekday()))
    return start, end, last


@pytest.mark.parametrize("host", [None, "bench", "laptop"], ids=["all", "bench", "laptop"])
@pytest.mark.parametrize("first", MONTHS)
def test_sqlite_day_task_ms_equals_the_reference_over_day_totals(
    two_hosts: SQLiteStore, tmp_path: Path, first: date, host: str | None
) -> None:
    reports = make_reports(two_hosts, tmp_path, host=host)
    start, end, last = grid_range(reports, first)
    for detail in (None, (first, last)):
        fast = two_hosts.day_task_ms(
            start, end, MADRID, day_start=reports.day_start, host=host, detail=detail
        )
        reference = Store.day_task_ms(
            two_hosts, start, end, MADRID, day_start=reports.day_start, host=host, detail=detail
        )
        assert fast == reference
        tasks, totals = fast
        assert tasks, "the month has tracked days"
        assert bool(totals) == (detail is not None)
        assert all(first <= date.fromordinal(day) <= last for day in tasks) or detail is None


@pytest.mark.parametrize("host", [None, "bench"], ids=["all", "bench"])
@pytest.mark.parametrize("first", MONTHS)
def test_sqlite_days_ms_total_equals_the_day_seconds_added_up(
    two_hosts: SQLiteStore, tmp_path: Path, first: date, host: str | None
) -> None:
    reports = make_reports(two_hosts, tmp_path, host=host)
    start, end, _ = grid_range(reports, first)
    total = two_hosts.days_ms_total(start, end, MADRID, day_start=reports.day_start, host=host)
    found = two_hosts.day_seconds(start, end, MADRID, day_start=reports.day_start, host=host)
    assert total == sum(round(seconds * 1000) for seconds in found.values()) > 0


def test_a_day_ending_in_half_a_millisecond_is_rounded_as_python_rounds_it(
    tmp_path: Path,
) -> None:
    """A switch that starts 500 µs before local midnight leaves each day an exact half ms."""
    store = SQLiteStore(tmp_path / "half.db")
    midnight = datetime(2025, 3, 3, tzinfo=MADRID).astimezone(UTC)
    store.add_switches(
        [
            Switch(
                id=f"{n:024x}",
                date=midnight + timedelta(days=n, microseconds=-500),
                delta=1.0,
                workspace_index=0,
                workspace="",
                task_id="a",
                task=f"work/t{n}",
                host="box",
            )
            for n in range(3)
        ]
    )
    start = datetime(2025, 3, 1, tzinfo=MADRID)
    end = datetime(2025, 3, 10, tzinfo=MADRID)
    for detail in (None, (date(2025, 3, 4), date(2025, 3, 4))):
        fast = store.day_task_ms(start, end, MADRID, detail=detail)
        assert fast == Store.day_task_ms(store, start, end, MADRID, detail=detail)
    tasks, _ = store.day_task_ms(start, end, MADRID)
    assert tasks[date(2025, 3, 3).toordinal()]["work/t0"] == round(round(0.9995, 3) * 1000)
    assert store.days_ms_total(start, end, MADRID) == Store.days_ms_total(store, start, end, MADRID)


def test_two_labels_that_both_mean_no_task_are_left_to_the_reference_path() -> None:
    """Label 0 and a label named "" are one key whose µs add up before rounding."""
    rows = [(739000, 0, 1), (739000, 5, 2)]
    assert _fold(rows, {5: ""}) is None
    assert _fold(rows, {5: "work/a"}) == {739000: {"(no task)": 1, "work/a": 2}}


def reference_cells(reports: Reports, first: date) -> dict[date, tuple[object, ...]]:
    """Each cell as ``Reports.month`` folded it before: rounded seconds from day_totals."""
    start, end, last = grid_range(reports, first)
    per_day: dict[date, dict[str, float]] = defaultdict(dict)
    for total in reports.day_totals(start, end):
        if total.period is not None:
            per_day[total.period][total.key] = total.seconds
    full_day = round(reports.full_day(), 3)
    out = {}
    day = start.astimezone(MADRID).date()
    while day <= last + timedelta(days=6 - last.weekday()):
        sums = per_day.get(day, {})
        areas: dict[str, float] = defaultdict(float)
        for key, seconds in sums.items():
            areas[area_of(key)] += seconds
        ranked = by_size(areas)
        seconds = round(sum(sums.values()), 3)
        inside = day.month == first.month
        out[day] = (
            seconds,
            ranked[:TOP_PER_DAY] if inside else (),
            round(sum(t.seconds for t in ranked[TOP_PER_DAY:]), 3) if inside else 0.0,
            max(0, len(ranked) - TOP_PER_DAY) if inside else 0,
            intensity(seconds, full_day),
            by_size(sums) if inside else (),
        )
        day += timedelta(days=1)
    return out


@pytest.mark.parametrize("coarse", [False, True], ids=["full-paths", "coarse"])
@pytest.mark.parametrize("first", MONTHS)
def test_the_month_report_equals_the_fold_of_the_rounded_day_totals(
    two_hosts: SQLiteStore, tmp_path: Path, first: date, coarse: bool
) -> None:
    reports = make_reports(two_hosts, tmp_path, coarse=coarse)
    report = reports.month(first, outside_tasks=False)
    expected = reference_cells(reports, first)
    cells = {cell.day: cell for week in report.weeks for cell in week.days}
    assert cells.keys() == expected.keys()
    for day, cell in cells.items():
        got = (
            cell.seconds,
            cell.top,
            cell.rest_seconds,
            cell.rest_count,
            cell.level,
            cell.tasks,
        )
        assert got == expected[day], day
    for week in report.weeks:
        assert week.seconds == round(sum(expected[c.day][0] for c in week.days), 3)  # type: ignore[misc]
    inside = [c for c in cells.values() if c.in_month]
    month_sums: dict[str, float] = defaultdict(float)
    for cell in inside:
        for total in cell.tasks:
            month_sums[total.key] += total.seconds
    assert report.tasks == by_size(month_sums)
    assert report.seconds == round(sum(c.seconds for c in inside), 3) > 0
    assert report.days_tracked == sum(1 for c in inside if c.seconds > 0)
    # with the neighbours' tasks (goals mark them), the same cells and their tasks too
    full = reports.month(first)
    assert [c.seconds for w in full.weeks for c in w.days] == [
        c.seconds for w in report.weeks for c in w.days
    ]
    assert all(c.tasks for w in full.weeks for c in w.days if c.seconds and not c.in_month)


@pytest.mark.parametrize("coarse", [False, True], ids=["full-paths", "coarse"])
@pytest.mark.parametrize("first", MONTHS)
def test_the_month_chart_equals_the_chart_of_the_month_trend(
    two_hosts: SQLiteStore, tmp_path: Path, first: date, coarse: bool
) -> None:
    reports = make_reports(two_hosts, tmp_path, coarse=coarse)
    report = reports.month(first, outside_tasks=False)
    palette = TaskColours({}, [t.path for t in two_hosts.tasks()])
    chart = month_chart(report, palette)
    reference = build_chart(reports.month_trend(report), palette)
    # the reference adds each series' seconds up as floats; here they are exact (ms)
    assert [s._replace(seconds=round(s.seconds, 3)) for s in reference.series] == list(chart.series)
    assert replace(chart, series=()) == replace(reference, series=())
    assert chart.series and chart.columns and not chart.empty


@pytest.mark.parametrize("coarse", [False, True], ids=["full-paths", "coarse"])
def test_the_typical_day_itself_is_a_full_day_on_the_calendar(
    two_hosts: SQLiteStore, tmp_path: Path, coarse: bool
) -> None:
    """The heat scale is the typical worked day (a real day's total): that day's cell is at
    the top level in every mode (coarse labels added its seconds in another order and left
    it a float's breadth short, one level down)."""
    reports = make_reports(two_hosts, tmp_path, coarse=coarse)
    full_day = round(reports.full_day(), 3)
    found = [
        cell
        for first in (date(2024, 12, 1), date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1))
        for week in reports.month(first).weeks
        for cell in week.days
        if cell.in_month and cell.seconds == full_day
    ]
    assert found, "the typical day is one of the last 90 days"
    assert {cell.level for cell in found} == {5}


def test_task_paths_are_the_paths_of_the_active_tasks(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "tasks.db")
    store.upsert_tasks(
        [
            Task(id="1", path="work/a", host="box"),
            Task(id="2", path="work/a", host="laptop"),
            Task(id="3", path="home/b", host="box"),
            Task(id="4", path="old/c", host="box", active=False),
        ]
    )
    assert store.task_paths() == {"work/a", "home/b"}
    assert store.task_paths() == Store.task_paths(store)
