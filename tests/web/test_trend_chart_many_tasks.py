"""The month page's trend chart with many tasks (issue 23, item 10; issue 25): a year of 64
tasks that are each their own area stacks the biggest areas by name and the rest as "other",
with a legend, and the whole month page stays under 60 KB. Real SQLite, the real app; the
data is the benchmark's "many tasks" shape, the clock a fixed instant."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from benchmarks.many_tasks import generate_many, many_tasks
from benchmarks.web_bench import CLOCK, LAST_DAY, TZ, TZ_NAME

from deskmeter.config import Settings
from deskmeter.reports.formatting import duration
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.web import create_app
from deskmeter.web.charts import MAX_SERIES

PAGE_LIMIT = 60_000


@pytest.fixture(scope="module")
def month_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder: Path = tmp_path_factory.mktemp("many-tasks")
    store = SQLiteStore(folder / "year.db")
    store.upsert_tasks(many_tasks())
    store.add_switches(generate_many(LAST_DAY - timedelta(days=364), 365, TZ))
    settings = Settings(store=str(folder / "year.db"), timezone=TZ_NAME, task_file=folder / "t")
    app = create_app(settings, store=store, clock=lambda: CLOCK)
    response = app.test_client().get(f"/calendar/{LAST_DAY.year}/6")
    assert response.status_code == 200
    store.close()
    return response.get_data(as_text=True)


def test_the_month_page_of_a_year_of_64_tasks_is_under_60_kb(month_page: str) -> None:
    assert len(month_page.encode()) <= PAGE_LIMIT


def test_the_trend_stacks_the_biggest_areas_and_other_with_a_legend(month_page: str) -> None:
    chart = month_page.split('<svg class="trend"', 1)[1].split("</svg>", 1)[0]
    series = re.findall(r'<path class="seg" fill="([^"]+)"', chart)
    assert 2 <= len(series) <= MAX_SERIES + 1  # not one series per task
    assert len(set(series)) == len(series)  # a colour per series
    legend = month_page.split('class="legend-keys chart-legend trend-legend"', 1)[1].split(
        "</ul>", 1
    )[0]
    keys = re.findall(r"<li>.*?<span>([^<]+)</span>", legend)
    assert len(keys) == len(series)
    assert keys[-1] == "other"  # 64 areas: the small ones together
    assert all(k.startswith("client-") for k in keys[:-1])
    titles = re.findall(r"<title>([^<·]+) · ([^<]+)</title></path>", chart)
    assert [t[0] for t in titles] == keys  # the legend names the series in stacking order
    for item in re.findall(r'<span class="muted">([^<]+)</span></li>', legend):
        assert item in {duration_text for _, duration_text in titles}


def test_every_series_is_one_path_whatever_the_number_of_days(month_page: str) -> None:
    chart = month_page.split('<svg class="trend"', 1)[1].split("</svg>", 1)[0]
    assert chart.count("<path") <= MAX_SERIES + 1
    assert chart.count('<rect class="hit"') <= 30  # a tooltip box per day with data at most
    assert 'rect class="seg"' not in chart
    assert duration(0) not in re.findall(r'<span class="muted">([^<]+)</span>', chart)
