"""Week, year, timesheet and summary pages; colours, goals, start of day, portfolio defaults."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from deskmeter.config import (
    GoalSettings,
    PortfolioSettings,
    Settings,
    ViewsSettings,
    WebSettings,
)
from deskmeter.store import Store
from deskmeter.web import create_app
from deskmeter.web.colors import GREY, TASK_HUE_SPREAD, TaskColours, _hls
from tests.web.conftest import NOW, TASKS
from tests.web.counted_now import COUNTED_DAY_TOTALS as KNOWN_DAY_TOTALS
from tests.web.counted_now import PAST_HEARTBEAT


def app_with(tmp_path: Path, store: Store, **sections: Any) -> FlaskClient:
    settings = Settings(
        store=str(tmp_path / "web.db"),
        timezone="Europe/Madrid",
        task_file=tmp_path / "tasks.txt",
        host="test",
        web=sections.pop("web", WebSettings()),
        **sections,
    )
    app = create_app(settings, store=store, clock=lambda: NOW)
    app.config["TESTING"] = True
    return app.test_client()


def test_week_page_has_days_by_tasks_and_totals(client: FlaskClient) -> None:
    html = client.get("/week/2024-03-29").get_data(as_text=True)  # a Friday: week 13
    assert "Week 13, 2024" in html
    day_seconds = [float(v) for v in re.findall(r'data-day-seconds="([\d.]+)"', html)]
    expected = [KNOWN_DAY_TOTALS.get(date(2024, 3, d), 0.0) for d in range(25, 32)]
    assert day_seconds == expected
    assert f'id="week-total" data-seconds="{sum(expected):.1f}"' in html
    rows = dict(re.findall(r'<tr data-key="([^"]+)" data-seconds="([\d.]+)"', html))
    assert (
        float(rows["work/deskmeter/web"]) == 3 * 3600 + 1800 + 5 * 3600 - 3 * 3600 + PAST_HEARTBEAT
    )
    assert 'href="/week/2024-03-18" rel="prev"' in html
    assert 'href="/week/2024-04-01" rel="next"' in html
    assert '<svg class="trend"' in html


def test_any_day_of_the_week_gives_the_same_week(client: FlaskClient) -> None:
    monday = client.get("/week/2024-03-25").get_data(as_text=True)
    sunday = client.get("/week/2024-03-31").get_data(as_text=True)
    pattern = r'id="week-total" data-seconds="([\d.]+)"'
    assert re.search(pattern, monday).group(1) == re.search(pattern, sunday).group(1)  # type: ignore[union-attr]
    assert client.get("/week?date=monday").location.endswith("/week/2024-03-25")


def test_year_page_heat_map_months_and_top_tasks(client: FlaskClient) -> None:
    html = client.get("/year/2024").get_data(as_text=True)
    cells = dict(re.findall(r'data-day="([\d-]+)" data-seconds="([\d.]+)"', html))
    assert len(cells) == 366
    for day, seconds in KNOWN_DAY_TOTALS.items():
        assert float(cells[day.isoformat()]) == seconds
    months = dict(re.findall(r'data-month="(\d+)" data-seconds="([\d.]+)"', html))
    assert float(months["2"]) == 1800 and float(months["4"]) == 3600
    march = sum(v for d, v in KNOWN_DAY_TOTALS.items() if d.month == 3)
    assert float(months["3"]) == march
    assert re.search(r'id="top-tasks">\s*<li>.*?work/deskmeter/web', html, re.S)
    assert 'rel="prev"' in html and 'href="/year/2023"' in html
    labels = re.findall(r'class="heat-label" x="\d+" y="10">(\w+)<', html)
    assert labels == [
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
    ]  # each month named once, over its first week


def test_calendar_week_numbers_link_to_week_pages(client: FlaskClient) -> None:
    html = client.get("/calendar/2024/3").get_data(as_text=True)
    assert 'href="/week/2024-03-25"' in html and ">W13<" in html
    assert 'href="/year/2024"' in html
    day = client.get("/day/2024-03-31").get_data(as_text=True)
    assert 'id="day-week-link"' in day and 'href="/week/2024-03-31"' in day


def test_one_colour_per_task_everywhere_from_its_area() -> None:
    colours = TaskColours({"work/client-a": "#3366cc"})
    assert colours("work/x") == TaskColours()("work/x")  # deterministic
    hue = {k: round(_hls(colours(k))[0], 2) for k in ("personal/a", "personal/b", "personal")}
    # siblings keep the area's hue family (issue 23: told apart within it)
    assert max(hue.values()) - min(hue.values()) <= 2 * TASK_HUE_SPREAD + 0.01
    assert colours("personal/a") != colours("personal/b")
    assert colours("work/client-a") == "#3366cc"
    assert round(_hls(colours("work/client-a/api"))[0], 2) == round(_hls("#3366cc")[0], 2)
    assert colours(None) == GREY


def test_the_same_task_has_the_same_colour_on_every_page(client: FlaskClient) -> None:
    known = [t.path for t in TASKS]  # the colours depend on the set of known tasks
    colour = TaskColours(known=known)("work/deskmeter/web")
    for url in ("/day/2024-03-31", "/week/2024-03-31", "/tasks?start=2024-03-01&end=2024-03-31"):
        assert f'fill="{colour}"' in client.get(url).get_data(as_text=True), url


def test_colour_overrides_come_from_the_configuration(tmp_path: Path, store: Store) -> None:
    client = app_with(tmp_path, store, views=ViewsSettings(colors={"work": "#3366cc"}))
    html = client.get("/calendar/2024/3").get_data(as_text=True)
    assert 'fill="#3366cc"' in html  # the area "work" in the cells and the chart


def test_a_day_start_of_four_moves_the_night_to_the_day_before(
    tmp_path: Path, store: Store
) -> None:
    client = app_with(tmp_path, store, views=ViewsSettings(day_starts_at="04:00"))
    html = client.get("/calendar/2024/3").get_data(as_text=True)
    cells = {
        d: float(s) for d, s in re.findall(r'data-day="([\d-]+)" data-seconds="([\d.]+)"', html)
    }
    # 22:00 Sat → 04:00 Sun (5 real hours): all of it now belongs to Saturday 30 March
    assert cells["2024-03-30"] == 5 * 3600
    assert cells["2024-03-31"] == 5400 + 1800 + 1800 + PAST_HEARTBEAT
    assert "days start at 04:00" in html
    api = client.get("/api/v1/totals?start=2024-03-30&end=2024-03-30&by=all").get_json()
    assert sum(t["seconds"] for t in api["totals"]) == 5 * 3600


def test_the_api_takes_relative_dates(client: FlaskClient) -> None:
    relative = client.get("/api/v1/totals?start=yesterday&end=today&by=day").get_json()
    absolute = client.get("/api/v1/totals?start=2024-03-30&end=2024-03-31&by=day").get_json()
    assert relative["totals"] == absolute["totals"]
    bad = client.get("/api/v1/totals?start=someday")
    assert bad.status_code == 400 and bad.get_json()["parameter"] == "start"


def test_goals_show_progress_on_day_week_and_calendar(tmp_path: Path, store: Store) -> None:
    goals = [
        GoalSettings(path="work", per="day", target_hours=4),
        GoalSettings(path="personal", per="day", max_percent=5),
        GoalSettings(path="work/deskmeter", per="week", target_hours=10),
    ]
    client = app_with(tmp_path, store, goals=goals)
    day = client.get("/day/2024-03-31").get_data(as_text=True)
    statuses = re.findall(r'data-path="([^"]+)" data-status="(\w+)"', day)
    assert ("work", "met") in statuses  # 3 h + 1.5 h + 0.5 h running
    assert ("personal", "over") in statuses  # 30 min of 7.5 h is 7 %
    week = client.get("/week/2024-03-31").get_data(as_text=True)
    assert ("work/deskmeter", "short") in re.findall(
        r'data-path="([^"]+)" data-status="(\w+)"', week
    )
    calendar = client.get("/calendar/2024/3").get_data(as_text=True)
    assert 'class="goal-mark goal-over"' in calendar
    # the running week (the clock's) is "not yet", its tooltip names the goal
    assert 'title="work/deskmeter: ' in calendar and "goals not yet" in calendar


def test_timesheet_page_and_csv(client: FlaskClient) -> None:
    html = client.get("/timesheet?start=2024-03-29&end=2024-03-31").get_data(as_text=True)
    assert 'id="timesheet-total">9.50<' in html  # 2 h + 2 h + 5.5 h
    body = client.get("/timesheet?start=2024-03-29&end=2024-03-31&format=csv")
    assert body.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(body.get_data(as_text=True))))
    assert rows[0][:4] == ["date", "first_start", "last_end", "total_hours"]
    by_day = {r[0]: r for r in rows[1:]}
    assert by_day["2024-03-29"][1:4] == ["10:00", "12:00", "2.00"]
    assert by_day["2024-03-30"][1:4] == ["22:00", "00:00", "2.00"]
    assert by_day["2024-03-31"][1:4] == ["00:00", "14:30", "5.50"]


def test_portfolio_hides_switches_and_exact_times_by_default(tmp_path: Path, store: Store) -> None:
    client = app_with(tmp_path, store, web=WebSettings(mode="portfolio"))
    assert client.get("/switches").status_code == 404
    assert client.get("/timesheet").status_code == 404
    day = client.get("/day/2024-03-31").get_data(as_text=True)
    assert 'id="timeline"' not in day and "Span" not in day
    assert 'href="/switches"' not in day
    for url in ("/api/v1/switches", "/api/v1/export", "/api/v1/export?format=csv"):
        response = client.get(url)  # the API is a public page too: the list stays off
        assert response.status_code == 404, url
        assert "show_switches" in response.get_json()["error"]
    documented = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/switches" not in documented and "/api/v1/export" not in documented


def test_portfolio_can_turn_them_on_and_set_the_depth(tmp_path: Path, store: Store) -> None:
    client = app_with(
        tmp_path,
        store,
        web=WebSettings(mode="portfolio"),
        portfolio=PortfolioSettings(show_switches=True, show_times=True, path_depth=2),
    )
    assert client.get("/switches").status_code == 200
    assert client.get("/api/v1/switches").get_json()["items"]
    day = client.get("/day/2024-03-31").get_data(as_text=True)
    assert 'id="timeline"' in day
    keys = set(re.findall(r'<tr data-key="([^"]+)"', day))
    assert "work/deskmeter" in keys and "work/deskmeter/web" not in keys


def test_summary_page_for_a_cv(tmp_path: Path, store: Store) -> None:
    client = app_with(tmp_path, store, web=WebSettings(mode="portfolio"))
    html = client.get("/summary").get_data(as_text=True)
    assert "This week" in html and "This year" in html
    year = re.search(r'id="summary-year">(.*?)</ul>', html, re.S).group(1)  # type: ignore[union-attr]
    assert "work" in year and "personal" in year and "learning" in year


@pytest.mark.parametrize("setting", [{"day_starts_at": "4am"}, {"day_starts_at": "04:10"}])
def test_bad_view_settings_are_one_line_errors(setting: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="day_starts_at"):
        ViewsSettings(**setting)
