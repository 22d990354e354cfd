"""Issue 23, item 15: drill-down and search — a page per task, a hosts page, the summary
linked locally, the nearest days with data from an empty day, Δ on the period cards."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from deskmeter.models import State, Switch
from deskmeter.store import Store
from deskmeter.store.base import HOST_COLLECTION
from deskmeter.store.mongo import MongoStore
from tests.trust.world import NOW, TODAY, app_on, local, running, seed, switch

HISTORY = [
    switch("h1", local(40, "09:00"), 120, "work/deskmeter/sync"),  # late March
    switch("h2", local(9, "09:00"), 60, "work/deskmeter/web"),
    switch("h3", local(2, "09:00"), 30, "work/deskmeter/sync"),
    switch("h4", local(2, "10:00"), 90, "admin/mail"),
    switch("h5", local(2, "12:00"), 15, "work/deskmeter/sync", away=True),
]


def test_a_task_page_shows_history_first_and_last_seen_and_share(
    backend: Store, tmp_path: Path
) -> None:
    client = app_on(seed(backend, HISTORY), tmp_path).test_client()
    html = client.get("/task/work/deskmeter").get_data(as_text=True)
    assert 'id="task-total" data-seconds="12600.0"' in html  # 2 h + 1 h + 30 min
    assert 'id="task-share">70.0%' in html  # of 3 h 30 min + 1 h 30 min
    first, last = local(40, "09:00").date(), local(2, "09:00").date()
    assert f'href="/day/{first.isoformat()}"' in html.split('id="task-first"')[1][:200]
    assert f'href="/day/{last.isoformat()}"' in html.split('id="task-last"')[1][:200]
    months = dict(re.findall(r'data-month="([\d-]+)" data-seconds="([\d.]+)"', html))
    assert float(months[local(40, "09:00").strftime("%Y-%m")]) == 7200
    weeks = dict(re.findall(r'data-week="([\d-]+)" data-seconds="([\d.]+)"', html))
    assert len(weeks) == 12 and sum(float(v) for v in weeks.values()) == 12600
    old = local(40, "09:00").date()
    assert float(weeks[(old - timedelta(days=old.weekday())).isoformat()]) == 7200
    listed = re.findall(r'<tr data-id="(h\d)" data-away="(true|false)"', html)
    assert set(listed) == {("h1", "false"), ("h2", "false"), ("h3", "false"), ("h5", "true")}
    assert "work/deskmeter/sync" in html and "work/deskmeter/web" in html  # under it
    assert client.get("/task/work/nothing-here").status_code == 404


def test_task_names_link_to_their_page(backend: Store, tmp_path: Path) -> None:
    client = app_on(seed(backend, HISTORY), tmp_path).test_client()
    tree = client.get("/tasks").get_data(as_text=True)
    assert 'href="/task/work/deskmeter"' in tree
    day = client.get(f"/day/{local(2, '09:00').date()}").get_data(as_text=True)
    assert 'href="/task/admin/mail"' in day


def test_a_portfolio_task_page_shows_only_coarse_paths(backend: Store, tmp_path: Path) -> None:
    client = app_on(
        seed(backend, HISTORY), tmp_path, mode="portfolio", coarsen_tasks=True
    ).test_client()
    assert client.get("/task/work").status_code == 200
    assert client.get("/task/work/deskmeter").status_code == 404  # hidden by coarsening
    assert 'id="task-switches"' not in client.get("/task/work").get_data(as_text=True)


def test_the_hosts_page_lists_each_machine(backend: Store, tmp_path: Path) -> None:
    laptop = [Switch("l1", local(1, "09:00"), 600, 0, "code", "admin/mail", "admin/mail", "laptop")]
    store = seed(backend, [*HISTORY, *laptop], running(NOW - timedelta(minutes=3), NOW))
    store.put_state(
        State(
            0,
            "code",
            NOW - timedelta(hours=5),
            NOW - timedelta(hours=4),
            "lopen",
            None,
            "admin/mail",
            "laptop",
        )
    )
    if isinstance(store, MongoStore):  # a remote: the sink records each host's last sync
        store.db[HOST_COLLECTION].insert_one(
            {"_id": "laptop", "last_sync": NOW - timedelta(minutes=10)}
        )
    client = app_on(store, tmp_path).test_client()
    html = client.get("/hosts").get_data(as_text=True)
    rows = dict(re.findall(r'<tr data-host="([^"]+)">(.*?)</tr>', html, re.S))
    assert set(rows) == {"desk", "laptop"}
    assert 'data-running="true"' in rows["desk"] and "work/deskmeter/web" in rows["desk"]
    assert 'data-running="false"' in rows["laptop"] and "stopped" in rows["laptop"]
    if isinstance(store, MongoStore):
        assert '<td class="num">10m</td>' in rows["laptop"]  # the lag since its last sync
    assert 'href="/hosts"' in html  # in the nav when there are several hosts


def test_the_summary_is_linked_in_local_mode(backend: Store, tmp_path: Path) -> None:
    html = app_on(seed(backend, HISTORY), tmp_path).test_client().get("/").get_data(as_text=True)
    assert 'href="/summary"' in html


def test_an_empty_day_links_the_nearest_days_with_data(backend: Store, tmp_path: Path) -> None:
    client = app_on(seed(backend, HISTORY), tmp_path).test_client()
    empty = local(5, "09:00").date()
    html = client.get(f"/day/{empty}").get_data(as_text=True)
    assert f'id="prev-with-data" href="/day/{local(9, "09:00").date()}"' in html
    assert f'id="next-with-data" href="/day/{local(2, "09:00").date()}"' in html
    busy = client.get(f"/day/{local(2, '09:00').date()}").get_data(as_text=True)
    assert 'id="empty-day"' not in busy


def test_period_cards_compare_with_the_previous_period(backend: Store, tmp_path: Path) -> None:
    weeks = [
        switch("p1", local(7, "09:00"), 60, "admin/mail"),  # last Wednesday: 1 h
        switch("p2", local(6, "09:00"), 60, "admin/mail"),  # last Thursday: after "to Wed"
        switch("c1", local(1, "09:00"), 150, "admin/mail"),  # this Tuesday: 2 h 30 min
    ]
    client = app_on(seed(backend, weeks), tmp_path).test_client()
    html = client.get(f"/week/{TODAY}").get_data(as_text=True)
    delta = re.search(
        r'<span class="delta delta-(\w+)" id="week-delta" data-seconds="([-\d.]+)">'
        r"(.*?)</span></span>",
        html,
        re.S,
    )
    assert delta is not None
    assert delta.group(1) == "up" and float(delta.group(2)) == 5400  # 2 h 30 min − 1 h
    assert "to Wed" in delta.group(3)  # the same stretch of last week, not all of it
    last_week = client.get(f"/week/{TODAY - timedelta(days=7)}").get_data(as_text=True)
    assert re.search(r'id="week-delta" data-seconds="7200.0"', last_week)  # a whole week
    month = client.get(f"/calendar/{TODAY.year}/{TODAY.month}").get_data(as_text=True)
    assert 'id="month-delta"' in month and "April 2026 to the 6th" in month
    year = client.get(f"/year/{TODAY.year}").get_data(as_text=True)
    assert 'id="year-delta"' in year
