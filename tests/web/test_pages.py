"""Every page renders on SQLite and mongomock and shows the numbers the store holds."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask.testing import FlaskClient

from deskmeter.reports.formatting import duration
from tests.web.counted_now import COUNTED_DAY_TOTALS as KNOWN_DAY_TOTALS
from tests.web.counted_now import PAST_HEARTBEAT


def attr_values(html: str, attribute: str) -> list[str]:
    return re.findall(rf'{attribute}="([^"]*)"', html)


def test_today_is_the_clock_day_with_the_running_interval_counted(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert "Sunday 31 March 2024" in html
    total = re.search(r'id="day-total" data-seconds="([\d.]+)"', html)
    assert total is not None
    assert float(total.group(1)) == KNOWN_DAY_TOTALS[date(2024, 3, 31)]


def test_the_dst_day_is_23_hours_and_says_so(client: FlaskClient) -> None:
    html = client.get("/day/2024-03-31").get_data(as_text=True)
    assert 'id="dst-note"' in html and "23-hour day" in html
    assert "5h 30m" in html  # the day's total
    tasks_table = html.split('data-kind="task"', 1)[1].split("</table>", 1)[0]
    rows = dict(re.findall(r'<tr data-key="([^"]+)" data-seconds="([\d.]+)"', tasks_table))
    assert float(rows["work/deskmeter/web"]) == 3 * 3600 + 1800 + PAST_HEARTBEAT
    assert float(rows["work/deskmeter/sync"]) == 5400


def test_a_day_across_midnight_gets_only_its_own_hours(client: FlaskClient) -> None:
    html = client.get("/day/2024-03-30").get_data(as_text=True)
    assert 'id="day-total" data-seconds="7200.0"' in html
    assert "dst-note" not in html
    # one bar in the timeline: on the combined lane and on its task's lane
    assert html.count('<rect class="seg"') == 2


def test_day_timeline_is_svg_with_a_lane_per_task(client: FlaskClient) -> None:
    html = client.get("/day/2024-03-31").get_data(as_text=True)
    assert '<svg class="timeline"' in html
    labels = re.findall(r'class="lane-label"[^>]*>([^<]+)<', html)
    assert labels[:3] == ["work/deskmeter/web", "work/deskmeter/sync", "personal/reading"]
    assert "all tasks" in html  # the combined lane comes first
    assert 'class="seg running"' in html  # the open interval is drawn, marked running
    assert re.search(r'class="tick-label"[^>]*>03<', html)  # 02:00 does not exist that day
    assert not re.search(r'class="tick-label"[^>]*>02<', html)


def test_an_empty_day_says_nothing_was_recorded(client: FlaskClient) -> None:
    html = client.get("/day/2023-01-01").get_data(as_text=True)
    assert "Nothing recorded on this day." in html


def test_calendar_month_cells_week_totals_and_month_total(client: FlaskClient) -> None:
    html = client.get("/calendar/2024/03").get_data(as_text=True)
    cells = {
        date.fromisoformat(day): float(sec)
        for day, sec in re.findall(r'data-day="([\d-]+)" data-seconds="([\d.]+)"', html)
    }
    assert len(cells) == 35  # 26 Feb .. 31 Mar: five whole weeks
    for day, seconds in cells.items():
        assert seconds == KNOWN_DAY_TOTALS.get(day, 0.0), day
    weeks = [float(v) for v in attr_values(html, "data-week-seconds")]
    assert weeks[0] == 3600  # 29 Feb + 1 Mar, across the month boundary
    assert weeks[-1] == 3600 + 7200 + 7200 + 19800 + PAST_HEARTBEAT
    march = sum(v for d, v in KNOWN_DAY_TOTALS.items() if d.month == 3)
    assert f'id="month-total" data-seconds="{march:.1f}"' in html
    assert duration(march) in html


def test_calendar_intensity_levels_follow_the_hours(client: FlaskClient) -> None:
    html = client.get("/calendar/2024/3").get_data(as_text=True)
    by_day: dict[str, int] = {}
    for level, day in re.findall(r'class="day level-(\d)[^"]*" data-day="([\d-]+)"', html):
        by_day[day] = int(level)
    # scaled to the user's own typical day (here the 5.5 h day is the 90th percentile)
    assert by_day["2024-03-31"] == 5  # 5.5 h: a full day
    assert by_day["2024-03-29"] == 2  # 2 h: over a quarter, under half of it
    assert by_day["2024-03-27"] == 0
    assert "scaled to a full day of 5h 30m" in html


def test_calendar_navigates_to_any_month_of_any_year(client: FlaskClient) -> None:
    html = client.get("/calendar/2024/01").get_data(as_text=True)
    assert 'href="/calendar/2023/12"' in html and 'href="/calendar/2024/2"' in html
    assert 'href="/calendar/2023/1"' in html and 'href="/calendar/2025/1"' in html
    response = client.get("/calendar?month=1999-07")
    assert response.status_code == 302 and response.location.endswith("/calendar/1999/7")
    assert client.get("/calendar/1999/7").status_code == 200
    response = client.get("/calendar")
    assert response.location.endswith("/calendar/2024/3")


def test_calendar_shows_the_top_tasks_and_sums_the_rest(client: FlaskClient) -> None:
    html = client.get("/calendar/2024/03").get_data(as_text=True)
    cell = html.split('data-day="2024-03-31"', 1)[1].split("</td>", 1)[0]
    names = re.findall(r'<span class="key" title="([^"]+) · [^"]*">([^<]+)</span>', cell)
    # areas in full, never cut task paths; one duration format
    assert names == [("work", "work"), ("personal", "personal")]
    assert "5h 00m" in cell and "30m" in cell and "0.0h" not in cell


def test_switches_page_lists_newest_first_and_paginates(make_app) -> None:  # type: ignore[no-untyped-def]
    client = make_app(per_page=3).test_client()
    first = client.get("/switches").get_data(as_text=True)
    assert re.findall(r'<tr data-id="([^"]+)"', first) == ["s6", "s3", "s2"]
    assert "1–3 of 7 switches" in first
    third = client.get("/switches?page=3").get_data(as_text=True)
    assert re.findall(r'<tr data-id="([^"]+)"', third) == ["s7"]


def test_switches_page_filters_by_local_dates(client: FlaskClient) -> None:
    html = client.get("/switches?start=2024-03-30&end=2024-03-30").get_data(as_text=True)
    assert re.findall(r'<tr data-id="([^"]+)"', html) == ["s1"]
    assert "22:00:00" in html  # shown in Madrid time
    assert "/api/v1/export?format=csv&amp;start=2024-03-30&amp;end=2024-03-30" in html


def test_tasks_page_rolls_paths_up_by_hierarchy(client: FlaskClient) -> None:
    html = client.get("/tasks?start=2024-03-01&end=2024-03-31").get_data(as_text=True)
    rows = {
        path: float(sec)
        for path, sec in re.findall(r'data-path="([^"]+)" data-seconds="([\d.]+)"', html)
    }
    assert rows["work/deskmeter/web"] == 7200 + 10800 + 1800 + PAST_HEARTBEAT
    assert rows["work/deskmeter"] == rows["work/deskmeter/web"] + 5400
    assert rows["work"] == rows["work/deskmeter"] + 7200
    assert rows["(no task)"] == 3600
    assert f'id="tasks-total" data-seconds="{39600 + PAST_HEARTBEAT}"' in html


def test_bad_page_parameters_are_400_pages_naming_the_parameter(client: FlaskClient) -> None:
    for url, name in [
        ("/day/2024-02-30", "day"),
        ("/day/notaday", "day"),
        ("/day/-99999999d", "day"),
        ("/week/junk", "day"),
        ("/year/junk", "year"),
        ("/year/0", "year"),
        ("/calendar/junk", "day"),
        ("/calendar/2024/13", "month"),
        ("/calendar/0/1", "year"),
        ("/switches?page=0", "page"),
        ("/switches?start=2024-05-01&end=2024-04-01", "end"),
        ("/tasks?start=junk", "start"),
        ("/calendar?month=2024", "month"),
    ]:
        response = client.get(url)
        assert response.status_code == 400, url
        assert f"{name}:" in response.get_data(as_text=True), url


@pytest.mark.parametrize(
    ("relative", "absolute"),
    [
        ("/day/yesterday", "/day/2024-03-30"),  # NOW is Sunday 31 March 2024 in Madrid
        ("/day/today", "/day/2024-03-31"),
        ("/day/friday", "/day/2024-03-29"),
        ("/day/-7d", "/day/2024-03-24"),
        ("/week/monday", "/week/2024-03-25"),
        ("/week/-7d", "/week/2024-03-24"),
        ("/week/today", "/week/2024-03-31"),
        ("/year/today", "/year/2024"),
        ("/year/-1y", "/year/2023"),
        ("/year/2024-03-01", "/year/2024"),
    ],
)
def test_relative_dates_in_page_paths_show_that_day(
    client: FlaskClient, relative: str, absolute: str
) -> None:
    """Wherever a page path takes a date it takes ``today``, ``yesterday``, ``monday``, ``-7d``."""
    shown = client.get(relative)
    assert shown.status_code == 200, shown.get_data(as_text=True)[:300]
    assert shown.get_data(as_text=True) == client.get(absolute).get_data(as_text=True)


def test_a_relative_month_in_the_calendar_path_redirects_to_that_month(
    client: FlaskClient,
) -> None:
    assert client.get("/calendar/today").headers["Location"].endswith("/calendar/2024/3")
    assert client.get("/calendar/-1m").headers["Location"].endswith("/calendar/2024/2")


def test_unknown_pages_are_404(client: FlaskClient) -> None:
    assert client.get("/nothing-here").status_code == 404
