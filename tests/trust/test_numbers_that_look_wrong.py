"""Issue 23, items 1–8 on the dashboard: numbers that looked wrong, on both backends."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

from deskmeter.config import GoalSettings, PortfolioSettings
from deskmeter.store import Store
from tests.trust.world import (
    NOW,
    TODAY_SWITCHES,
    TOKEN,
    app_on,
    local,
    running,
    seed,
    sign_in,
    switch,
)


def rows_of(html: str) -> list[tuple[str, str]]:
    """``(data-id, data-away)`` of every switches row."""
    return re.findall(r'<tr data-id="([^"]+)" data-away="(true|false)"', html)


# -- 1. away rows are visibly away, and filterable -------------------------------------------


def test_switches_page_marks_away_rows_as_away(backend: Store, tmp_path: Path) -> None:
    client = app_on(seed(backend, TODAY_SWITCHES), tmp_path).test_client()
    html = client.get("/switches").get_data(as_text=True)
    assert ("t2", "true") in rows_of(html) and ("t1", "false") in rows_of(html)
    away_row = re.search(r'<tr data-id="t2"[^>]*>(.*?)</tr>', html, re.S)
    assert away_row is not None
    assert 'class="away-row"' in html
    assert '<span class="tag-away"' in away_row.group(1)
    assert "after work/deskmeter/sync" in away_row.group(1)  # not shown as the task's work


def test_switches_filter_shows_work_only_or_away_only(backend: Store, tmp_path: Path) -> None:
    client = app_on(seed(backend, TODAY_SWITCHES), tmp_path).test_client()
    away = rows_of(client.get("/switches?show=away").get_data(as_text=True))
    work = rows_of(client.get("/switches?show=work").get_data(as_text=True))
    assert away == [("t2", "true")]
    assert sorted(work) == [("t1", "false"), ("t3", "false")]
    assert client.get("/switches?show=lunch").status_code == 400


def test_switches_task_search_pages_through_matches(backend: Store, tmp_path: Path) -> None:
    many = [
        switch(f"m{i:02d}", local(1, "08:00") + timedelta(minutes=i), 1, "admin/mail")
        for i in range(30)
    ]
    client = app_on(seed(backend, [*TODAY_SWITCHES, *many]), tmp_path, per_page=25).test_client()
    first = client.get("/switches?task=MAIL").get_data(as_text=True)
    assert "1–25 of 30 switches matching “MAIL”" in first
    assert all(sid.startswith("m") for sid, _ in rows_of(first))
    second = client.get("/switches?task=MAIL&page=2").get_data(as_text=True)
    assert len(rows_of(second)) == 5
    assert "task=MAIL" in first  # the pager keeps the filter


def test_portfolio_task_search_sees_only_the_coarse_paths(backend: Store, tmp_path: Path) -> None:
    client = app_on(
        seed(backend, TODAY_SWITCHES),
        tmp_path,
        mode="portfolio",
        coarsen_tasks=True,
        portfolio=PortfolioSettings(show_switches=True),
    ).test_client()
    assert rows_of(client.get("/switches?task=work").get_data(as_text=True))
    hidden = client.get("/switches?task=deskmeter").get_data(as_text=True)
    assert rows_of(hidden) == []  # a hidden sub-path cannot be probed by searching


# -- 2. the summary chart's bars are months ---------------------------------------------------


def test_summary_chart_is_titled_by_month(backend: Store, tmp_path: Path) -> None:
    client = app_on(seed(backend, TODAY_SWITCHES), tmp_path, mode="portfolio").test_client()
    html = client.get("/summary").get_data(as_text=True)
    assert f'id="summary-chart-title">Per month in {NOW.year}<' in html
    assert "Hours per month of" in html and "per week" not in html.lower()


# -- 3. goals of finished and future periods ---------------------------------------------------


GOALS = [GoalSettings(path="work", per="week", target_hours=20)]


def test_a_finished_week_short_of_its_target_says_missed(backend: Store, tmp_path: Path) -> None:
    last_week = [switch("w1", local(7, "09:00"), 90, "work/client/api")]
    client = app_on(seed(backend, last_week), tmp_path, goals=GOALS).test_client()
    monday = (NOW - timedelta(days=7)).date().isoformat()
    html = client.get(f"/week/{monday}").get_data(as_text=True)
    assert 'data-path="work" data-status="missed"' in html
    assert "not yet" not in html


def test_this_week_short_of_its_target_says_not_yet(backend: Store, tmp_path: Path) -> None:
    client = app_on(seed(backend, TODAY_SWITCHES), tmp_path, goals=GOALS).test_client()
    html = client.get(f"/week/{NOW.date().isoformat()}").get_data(as_text=True)
    assert 'data-path="work" data-status="short"' in html


def test_month_shows_nothing_for_future_weeks_and_explains_marks(
    backend: Store, tmp_path: Path
) -> None:
    goals = [*GOALS, GoalSettings(path="work", per="day", target_hours=4)]
    past = [switch("p1", local(8, "09:00"), 60, "work/client/api")]
    client = app_on(seed(backend, [*past, *TODAY_SWITCHES]), tmp_path, goals=goals).test_client()
    html = client.get(f"/calendar/{NOW.year}/{NOW.month}").get_data(as_text=True)
    future = re.findall(r'<td class="week-col future"[^>]*>(.*?)</td>', html, re.S)
    assert future, "May 2026 has weeks after the clock's"
    assert all("goal" not in cell and "0s" not in cell for cell in future)
    assert 'id="goal-legend"' in html and "target missed" in html
    # the tooltip of a past day's mark names the goal and says missed
    assert re.search(
        r'class="goal-mark goal-missed" title="work: 1\.0 h of 4 h a day — missed"', html
    )


# -- 4. the running interval counts up to now ---------------------------------------------------


def test_the_day_counts_the_running_interval_up_to_now_not_the_heartbeat(
    backend: Store, tmp_path: Path
) -> None:
    state = running(since=NOW - timedelta(seconds=131), heartbeat=NOW - timedelta(seconds=19))
    client = app_on(seed(backend, [], state), tmp_path).test_client()
    html = client.get("/").get_data(as_text=True)
    assert 'id="day-total" data-seconds="131.0"' in html
    body = client.get(f"/api/v1/totals?start={NOW.date()}&end={NOW.date()}").get_json()
    assert body["seconds"] == 131.0


def test_a_stopped_tracker_counts_only_up_to_its_last_heartbeat(
    backend: Store, tmp_path: Path
) -> None:
    state = running(since=NOW - timedelta(hours=2), heartbeat=NOW - timedelta(hours=1))
    client = app_on(seed(backend, [], state), tmp_path).test_client()
    html = client.get("/").get_data(as_text=True)
    assert 'id="day-total" data-seconds="3600.0"' in html  # a crash loses nothing more


# -- 5. edit feedback in the user's zone and words; errors look like errors --------------------


def test_a_failed_edit_is_an_error_in_local_time_without_a_wrong_hint(
    backend: Store, tmp_path: Path
) -> None:
    client = app_on(seed(backend, TODAY_SWITCHES), tmp_path, token=TOKEN).test_client()
    csrf = sign_in(client)
    day = NOW.date().isoformat()
    client.post(
        "/edits",
        data={"csrf_token": csrf, "op": "away", "start": f"{day} 11:00", "end": f"{day} 10:00"},
    )
    html = client.get("/").get_data(as_text=True)
    error = re.search(r'<p class="flash flash-error" role="alert">(.*?)</p>', html, re.S)
    assert error is not None, "the failure is shown as an error"
    text = error.group(1)
    assert "11:00" in text and "10:00" in text  # Madrid times, as typed
    assert "09:00" not in text and "+00:00" not in text  # never the UTC instants
    assert "across midnight" in text  # same day given: the hint is about the end's day
    # an end given on an earlier day: no hint to "give the day", it was given
    client.post(
        "/edits",
        data={
            "csrf_token": csrf,
            "op": "away",
            "start": f"{day} 11:00",
            "end": f"{(NOW - timedelta(days=1)).date()} 12:00",
        },
    )
    html = client.get("/").get_data(as_text=True)
    error = re.search(r'<p class="flash flash-error" role="alert">(.*?)</p>', html, re.S)
    assert error is not None and "give the" not in error.group(1)


def test_a_done_edit_is_told_in_local_words_without_ids(backend: Store, tmp_path: Path) -> None:
    client = app_on(seed(backend, TODAY_SWITCHES), tmp_path, token=TOKEN).test_client()
    csrf = sign_in(client)
    day = NOW.date().isoformat()
    client.post(
        "/edits",
        data={
            "csrf_token": csrf,
            "op": "task",
            "path": "work/client/api",
            "start": f"{day} 09:15",
            "end": f"{day} 09:45",
        },
    )
    html = client.get("/").get_data(as_text=True)
    done = re.search(r'<p class="flash" role="status">(.*?)</p>', html, re.S)
    assert done is not None
    assert "09:15–09:45 now counts as work/client/api" in done.group(1)
    assert not re.search(r"[0-9a-f]{24}", done.group(1))  # no internal id
    assert "T07:15" not in done.group(1)  # no UTC ISO time


# -- 6. away labels of the timeline never overlap ------------------------------------------------


def test_timeline_away_labels_do_not_print_on_top_of_each_other(
    backend: Store, tmp_path: Path
) -> None:
    close = [
        switch("a1", local(0, "09:00"), 60, "work/deskmeter/web"),
        switch("a2", local(0, "10:00"), 1, "work/deskmeter/web", away=True),
        switch("a3", local(0, "10:01"), 1, "work/deskmeter/web"),
        switch("a4", local(0, "10:02"), 5, "work/deskmeter/web", away=True),
        switch("a5", local(0, "10:07"), 60, "work/deskmeter/web"),
    ]
    client = app_on(seed(backend, close), tmp_path).test_client()
    html = client.get("/").get_data(as_text=True)
    labels = re.findall(r'<text class="gap-label" x="([\d.]+)"[^>]*>([^<]+)</text>', html)
    assert len(re.findall(r'<g class="away-gap">', html)) == 2
    assert len(labels) == 1  # one fits; the other's text stays in its tooltip
    assert "away 1m" in html and "away 5m" in html  # both tooltips are there


# -- 7. the header after switching task ---------------------------------------------------------


def test_after_switching_from_the_header_it_says_switching_to_the_new_task(
    backend: Store, tmp_path: Path
) -> None:
    state = running(since=NOW - timedelta(minutes=5), heartbeat=NOW - timedelta(seconds=5))
    client = app_on(seed(backend, [], state), tmp_path, token=TOKEN).test_client()
    csrf = sign_in(client)
    client.post("/task", data={"csrf_token": csrf, "path": "admin/mail"})
    html = client.get("/").get_data(as_text=True)
    header = html[html.index('id="current-state"') : html.index("</header>")]
    assert 'id="state-switching"' in header and "to admin/mail" in header
    assert "Current task: admin/mail" in html  # the flash agrees with the header


def test_the_header_shows_the_task_once_the_tracker_took_it(backend: Store, tmp_path: Path) -> None:
    state = running(since=NOW - timedelta(minutes=5), heartbeat=NOW - timedelta(seconds=5))
    store = seed(backend, [], state)
    client = app_on(store, tmp_path, token=TOKEN).test_client()
    csrf = sign_in(client)
    client.post("/task", data={"csrf_token": csrf, "path": "admin/mail"})
    store.put_state(running(NOW - timedelta(seconds=2), NOW, task="admin/mail"))
    html = client.get("/").get_data(as_text=True)
    header = html[html.index('id="current-state"') : html.index("</header>")]
    assert "state-switching" not in header and "admin/mail" in header


# -- 8. shares add up to 100 %; CSV flags -----------------------------------------------------


def test_shares_of_a_day_add_up_to_100(backend: Store, tmp_path: Path) -> None:
    thirds = [
        switch("x1", local(1, "09:00"), 20, "work/deskmeter/web"),
        switch("x2", local(1, "09:20"), 20, "work/deskmeter/sync"),
        switch("x3", local(1, "09:40"), 20, "admin/mail"),
    ]
    client = app_on(seed(backend, thirds), tmp_path).test_client()
    html = client.get(f"/day/{(NOW - timedelta(days=1)).date()}").get_data(as_text=True)
    table = html[html.index('data-kind="task"') :]
    table = table[: table.index("</table>")]
    shares = [int(s) for s in re.findall(r'class="num muted share">(\d+)%', table)]
    assert sorted(shares) == [33, 33, 34]


def test_csv_export_writes_away_as_true_or_false(backend: Store, tmp_path: Path) -> None:
    client = app_on(seed(backend, TODAY_SWITCHES), tmp_path).test_client()
    body = client.get(f"/api/v1/export?format=csv&start={NOW.date()}&end={NOW.date()}")
    rows = list(csv.DictReader(io.StringIO(body.get_data(as_text=True))))
    assert {r["id"]: r["away"] for r in rows} == {"t1": "false", "t2": "true", "t3": "false"}
