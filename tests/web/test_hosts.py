"""Several workstations in one dashboard: ``?host=`` on every page and API endpoint.

Two hosts, ``desk`` and ``laptop``, tracked at the same time on Tuesday 2024-03-05 (Madrid,
UTC+1). Closed switches (UTC):

* desk   d1 08:00–12:00 work/a
* laptop l1 10:00–11:00 work/b, l2 11:30–13:00 personal/c

Per host each counts its own time: desk 4 h, laptop 2 h 30 min (6 h 30 min together). For all
hosts each moment counts once, for the host whose switch started last (``store/overlap.py``):
laptop takes 10:00–11:00 and 11:30–12:00 from desk, so work/a 2 h 30, work/b 1 h, personal/c
1 h 30: 5 h, the time from 08:00 to 13:00 — not the 6 h 30 of the sum.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pydantic import SecretStr

from deskmeter.config import PortfolioSettings, Settings, WebSettings
from deskmeter.models import State, Switch, Task
from deskmeter.reports.service import Reports
from deskmeter.store import Store
from deskmeter.store.overlap import credited_pieces
from deskmeter.web import create_app
from tests.web.conftest import TOKEN, make_settings, open_backend
from tests.web.test_modes_and_security import sign_in

DAY = date(2024, 3, 5)
NOW = datetime(2024, 3, 6, 12, 0, tzinfo=UTC)
HOUR = 3600.0


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def switch(sid: str, host: str, start: datetime, end: datetime, task: str, **kw: Any) -> Switch:
    return Switch(
        id=sid,
        date=start,
        delta=(end - start).total_seconds(),
        workspace_index=0,
        workspace="code",
        task_id=task,
        task=task,
        host=host,
        **kw,
    )


SWITCHES = [
    switch("d1", "desk", utc(2024, 3, 5, 8), utc(2024, 3, 5, 12), "work/a"),
    switch("l1", "laptop", utc(2024, 3, 5, 10), utc(2024, 3, 5, 11), "work/b"),
    switch("l2", "laptop", utc(2024, 3, 5, 11, 30), utc(2024, 3, 5, 13), "personal/c"),
]
ALL = {"work/a": 2.5 * HOUR, "work/b": 1 * HOUR, "personal/c": 1.5 * HOUR}
DESK = {"work/a": 4 * HOUR}
LAPTOP = {"work/b": 1 * HOUR, "personal/c": 1.5 * HOUR}
TASKS = [Task(id=p, path=p, updated=utc(2024, 1, 1)) for p in ("work/a", "work/b", "personal/c")]


@pytest.fixture(params=["sqlite", "mongomock"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    backend = open_backend(request.param, tmp_path)
    backend.upsert_tasks(TASKS)
    backend.add_switches(SWITCHES)
    yield backend
    backend.close()


def build(store: Store, tmp_path: Path, **web: Any) -> Flask:
    portfolio = web.pop("portfolio", None)
    settings = make_settings(tmp_path, **web)
    if portfolio is not None:
        settings = Settings(
            **{**settings.model_dump(), "web": WebSettings(**web), "portfolio": portfolio}
        )
    app = create_app(settings, store=store, clock=lambda: NOW)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(store: Store, tmp_path: Path) -> FlaskClient:
    return build(store, tmp_path).test_client()


def put_states(store: Store, states: list[State], monkeypatch: pytest.MonkeyPatch) -> None:
    """Each host's open interval. A store that keeps a single state (before per-host state)
    is given the list it should return (the interface's ``states()``)."""
    for state in states:
        store.put_state(state)
    if len(store.states()) < len(states):
        ordered = sorted(states, key=lambda s: s.heartbeat, reverse=True)
        monkeypatch.setattr(store, "states", lambda: ordered)


def figure(html: str, element: str) -> float:
    """The ``data-seconds`` of the element with id ``element``."""
    found = re.search(f'id="{element}" data-seconds="([0-9.]+)"', html)
    assert found is not None, f"no #{element} in the page"
    return float(found.group(1))


def totals(client: FlaskClient, host: str | None, day: date = DAY) -> dict[str, float]:
    query = f"/api/v1/totals?start={day}&end={day}&by=all" + (f"&host={host}" if host else "")
    response = client.get(query)
    assert response.status_code == 200, response.get_json()
    return {t["key"]: t["seconds"] for t in response.get_json()["totals"]}


# -- counting: all hosts once, each host its own -----------------------------------------------


def test_all_hosts_count_each_moment_once_and_each_host_its_own(client: FlaskClient) -> None:
    everything = totals(client, None)
    assert everything == ALL
    assert sum(everything.values()) == 5 * HOUR  # 08:00–13:00 once; the hosts' sum is 6 h 30
    assert totals(client, "desk") == DESK
    assert totals(client, "laptop") == LAPTOP
    assert sum(everything.values()) < sum(DESK.values()) + sum(LAPTOP.values())


def test_the_api_total_for_all_hosts_is_the_overlap_rule(client: FlaskClient) -> None:
    """The reference: ``credited_pieces`` over the switches, summed by task."""
    expected: dict[str, float] = {}
    for piece in credited_pieces(SWITCHES):
        expected[piece.task or ""] = expected.get(piece.task or "", 0.0) + piece.delta
    assert totals(client, None) == expected


def test_day_week_month_year_tasks_and_timesheet_pages_per_host(client: FlaskClient) -> None:
    for host, want in (("", ALL), ("desk", DESK), ("laptop", LAPTOP)):
        seconds = sum(want.values())
        query = f"?host={host}" if host else ""
        day = client.get(f"/day/{DAY}{query}").get_data(as_text=True)
        assert figure(day, "day-total") == seconds, host
        month = client.get(f"/calendar/2024/3{query}").get_data(as_text=True)
        assert f'data-day="{DAY}" data-seconds="{seconds}"' in month, host
        assert figure(month, "month-total") == seconds, host
        week = client.get(f"/week/{DAY}{query}").get_data(as_text=True)
        assert figure(week, "week-total") == seconds, host
        year = client.get(f"/year/2024{query}").get_data(as_text=True)
        assert f'data-day="{DAY}" data-seconds="{seconds}"' in year, host
        tasks = client.get(f"/tasks?start={DAY}&end={DAY}" + (f"&host={host}" if host else ""))
        rows = dict(re.findall(r'data-path="([^"]+)" data-seconds="([0-9.]+)"', tasks.text))
        assert {k: float(v) for k, v in rows.items() if k in want} == want, host
        sheet = client.get(
            f"/timesheet?start={DAY}&end={DAY}&format=csv" + (f"&host={host}" if host else "")
        )
        assert sheet.status_code == 200
        assert f"{seconds / HOUR:.2f}" in sheet.text, (host, sheet.text)


def test_the_switch_list_and_the_export_keep_to_the_host(client: FlaskClient) -> None:
    def ids(query: str) -> list[str]:
        body = client.get("/api/v1/switches?order=asc" + query).get_json()
        assert body["total"] == len(body["items"])
        return [item["id"] for item in body["items"]]

    assert ids("") == ["d1", "l1", "l2"]
    assert ids("&host=laptop") == ["l1", "l2"]
    assert ids("&host=desk") == ["d1"]
    export = client.get(f"/api/v1/export?start={DAY}&end={DAY}&host=laptop")
    assert [s["id"] for s in export.get_json()] == ["l1", "l2"]
    assert "deskmeter-laptop-2024-03-05" in export.headers["Content-Disposition"]
    page = client.get(f"/switches?start={DAY}&end={DAY}&host=desk").get_data(as_text=True)
    assert re.findall(r'<tr data-id="([^"]+)"', page) == ["d1"]
    every = client.get(f"/switches?start={DAY}&end={DAY}").get_data(as_text=True)
    assert '<th scope="col">Host</th>' in every and "<td>laptop</td>" in every


def test_host_ignored_before_is_now_a_filter_everywhere(client: FlaskClient) -> None:
    """Old code ignored ``host=``: every answer was the all-hosts one (or the plain sum)."""
    for url in (
        f"/api/v1/totals?start={DAY}&end={DAY}&by=all",
        f"/api/v1/totals?start={DAY}&end={DAY}&by=day&group=workspace",
        f"/api/v1/switches?start={DAY}&end={DAY}",
        f"/api/v1/export?start={DAY}&end={DAY}",
        f"/day/{DAY}",
        "/calendar/2024/3",
    ):
        assert client.get(url + "&host=desk" if "?" in url else url + "?host=desk").data != (
            client.get(url).data
        ), url


# -- unknown hosts: a clear 400 that lists the hosts -------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        f"/day/{DAY}",
        "/day?date=2024-03-05",
        "/week",
        "/calendar/2024/3",
        "/year/2024",
        "/switches",
        "/tasks",
        "/timesheet",
        "/api/v1/state",
        "/api/v1/hosts",
        "/api/v1/totals",
        "/api/v1/switches",
        "/api/v1/tasks",
        "/api/v1/export",
    ],
)
def test_an_unknown_host_is_a_400_that_names_the_hosts(client: FlaskClient, url: str) -> None:
    response = client.get(url + ("&" if "?" in url else "?") + "host=printer")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    if url.startswith("/api/"):
        body = response.get_json()
        assert body["parameter"] == "host"
        assert "'printer'" in body["error"] and "'desk', 'laptop'" in body["error"]
    else:
        assert "no host &#39;printer&#39;" in text and "&#39;desk&#39;, &#39;laptop&#39;" in text
        assert "?host=printer" not in text  # the error page links to all hosts


def test_a_host_that_appears_after_the_names_were_read_is_accepted(
    client: FlaskClient, store: Store
) -> None:
    assert client.get("/api/v1/totals?host=desk").status_code == 200  # names now kept
    store.add_switch(switch("n1", "new-box", utc(2024, 3, 5, 14), utc(2024, 3, 5, 15), "work/a"))
    assert totals(client, "new-box") == {"work/a": HOUR}


def test_host_empty_means_all_and_odd_text_is_a_400_not_a_500(client: FlaskClient) -> None:
    assert totals(client, "") == ALL
    for text in ("\x00", "x" * 5000, "desk ", "DESK", "%"):
        response = client.get("/api/v1/totals", query_string={"host": text})
        assert response.status_code == 400 and response.get_json()["parameter"] == "host"


# -- the selector and the links --------------------------------------------------------------


class Links(HTMLParser):
    """Every link and GET form of a page, with the form's hidden inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.forms: list[dict[str, Any]] = []
        self.options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"] or "")
        elif tag == "form" and (a.get("method") or "get").lower() == "get":
            self.forms.append({"id": a.get("id"), "action": a.get("action"), "hidden": {}})
        elif tag == "input" and a.get("type") == "hidden" and self.forms:
            self.forms[-1]["hidden"][a.get("name")] = a.get("value")
        elif tag == "option":
            self.options.append((a.get("value") or "", "selected" in a))


def links_of(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


PAGES = [
    "/",
    f"/day/{DAY}",
    f"/week/{DAY}",
    "/calendar/2024/3",
    "/year/2024",
    "/switches",
    f"/tasks?start={DAY}&end={DAY}",
    "/timesheet?start=2024-03-01",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_link_and_form_of_a_page_keeps_the_chosen_host(
    client: FlaskClient, path: str
) -> None:
    url = path + ("&" if "?" in path else "?") + "host=laptop"
    response = client.get(url)
    assert response.status_code == 200
    page = links_of(response.get_data(as_text=True))
    local = [h for h in page.hrefs if h.startswith("/") and not h.startswith("/static/")]
    assert len(local) >= 8  # the nav, at least
    for href in local:
        assert parse_qs(urlsplit(href).query).get("host") == ["laptop"], href
    for form in page.forms:
        if form["id"] == "host-picker":
            continue
        assert form["hidden"].get("host") == "laptop", form
    assert ("laptop", True) in page.options and ("", False) in page.options


def test_without_a_host_links_stay_plain(client: FlaskClient) -> None:
    page = links_of(client.get(f"/day/{DAY}").get_data(as_text=True))
    assert not [h for h in page.hrefs if "host=" in h]
    assert all("host" not in form["hidden"] for form in page.forms)
    assert page.options == [("", True), ("desk", False), ("laptop", False)]


def test_the_pickers_redirect_to_the_same_host(client: FlaskClient) -> None:
    for url in ("/day?date=2024-03-05&host=desk", "/week?host=desk", "/calendar?host=desk"):
        response = client.get(url)
        assert response.status_code == 302
        assert parse_qs(urlsplit(response.headers["Location"]).query)["host"] == ["desk"], url


def test_the_selector_keeps_the_page_parameters_but_not_the_page_number(
    client: FlaskClient,
) -> None:
    html = client.get(f"/switches?start={DAY}&page=1&host=desk").get_data(as_text=True)
    picker = next(f for f in links_of(html).forms if f["id"] == "host-picker")
    assert picker["action"] == "/switches"
    assert picker["hidden"] == {"start": str(DAY)}


def test_one_host_is_shown_plainly_without_a_selector(tmp_path: Path) -> None:
    single = open_backend("sqlite", tmp_path)
    single.add_switches([s for s in SWITCHES if s.host == "desk"])
    html = build(single, tmp_path).test_client().get("/").get_data(as_text=True)
    assert 'id="host-picker"' not in html
    assert 'id="host-only">host <strong>desk</strong>' in html
    single.close()


# -- state: each host's own, the latest at the top ---------------------------------------------

DESK_NOW = State(
    workspace_index=1,
    workspace="code",
    since=utc(2024, 3, 6, 11, 0),
    heartbeat=utc(2024, 3, 6, 11, 59),
    interval_id="desk-open",
    task_id="work/a",
    task="work/a",
    host="desk",
)
LAPTOP_NOW = State(
    workspace_index=2,
    workspace="web",
    since=utc(2024, 3, 6, 9, 0),
    heartbeat=utc(2024, 3, 6, 9, 30),
    interval_id="laptop-open",
    task_id="personal/c",
    task="personal/c",
    host="laptop",
)


def test_state_gives_each_host_and_the_latest_on_top(
    client: FlaskClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Old code read one state: a second host's overwrote the first's ``now``."""
    put_states(store, [LAPTOP_NOW, DESK_NOW], monkeypatch)
    body = client.get("/api/v1/state").get_json()
    assert body["current"]["host"] == "desk" and body["current"]["task"] == "work/a"
    assert [(h["host"], h["task"]) for h in body["hosts"]] == [
        ("desk", "work/a"),
        ("laptop", "personal/c"),
    ]
    assert body["host"] is None and body["times"] == "exact"
    laptop = client.get("/api/v1/state?host=laptop").get_json()
    assert laptop["current"]["task"] == "personal/c" and laptop["current"]["live"] is False
    assert [h["host"] for h in laptop["hosts"]] == ["laptop"]
    assert client.get("/api/v1/tasks?host=laptop").get_json()["current"] == "personal/c"
    assert client.get("/api/v1/tasks").get_json()["current"] == "work/a"
    header = client.get("/?host=laptop").get_data(as_text=True)
    assert 'id="current-task">personal/c<' in header and 'id="current-host">laptop<' in header


def test_hosts_lists_last_switch_last_sync_and_current(
    client: FlaskClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    put_states(store, [LAPTOP_NOW, DESK_NOW], monkeypatch)
    monkeypatch.setattr(store, "last_syncs", lambda: {"laptop": utc(2024, 3, 6, 9, 31, 5)})
    body = client.get("/api/v1/hosts").get_json()
    assert body["times"] == "exact"
    hosts = {h["name"]: h for h in body["hosts"]}
    assert list(hosts) == ["desk", "laptop"]
    assert hosts["desk"]["last_switch"] == "2024-03-05T12:00:00+00:00"
    assert hosts["desk"]["last_sync"] is None
    assert hosts["laptop"]["last_switch"] == "2024-03-05T13:00:00+00:00"
    assert hosts["laptop"]["last_sync"] == "2024-03-06T09:31:05+00:00"
    assert hosts["laptop"]["current"]["task"] == "personal/c"
    only = client.get("/api/v1/hosts?host=desk").get_json()["hosts"]
    assert [h["name"] for h in only] == ["desk"]


def test_a_public_page_shows_host_times_to_the_day_unless_show_times(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put_states(store, [LAPTOP_NOW, DESK_NOW], monkeypatch)
    monkeypatch.setattr(store, "last_syncs", lambda: {"laptop": utc(2024, 3, 6, 9, 31, 5)})
    shown_hosts = PortfolioSettings(show_hosts=True)  # hidden on a portfolio by default
    public = build(store, tmp_path, mode="portfolio", portfolio=shown_hosts).test_client()
    body = public.get("/api/v1/hosts").get_json()
    assert body["times"] == "day"
    laptop = next(h for h in body["hosts"] if h["name"] == "laptop")
    midnight = "2024-03-05T23:00:00+00:00"  # 6 March 00:00 in Madrid
    assert laptop["last_sync"] == midnight
    assert laptop["current"]["since"] == midnight and laptop["current"]["heartbeat"] == midnight
    assert laptop["last_switch"] == "2024-03-04T23:00:00+00:00"
    assert laptop["current"]["seconds"] == 1800  # a length, not a clock time
    state = public.get("/api/v1/state").get_json()
    assert state["times"] == "day" and state["current"]["heartbeat"] == midnight
    exact = build(
        store,
        tmp_path,
        mode="portfolio",
        portfolio=PortfolioSettings(show_times=True, show_hosts=True),
    ).test_client()
    shown = next(h for h in exact.get("/api/v1/hosts").get_json()["hosts"] if h["name"] == "laptop")
    assert shown["last_sync"] == "2024-03-06T09:31:05+00:00"


def test_the_portfolio_header_shows_the_latest_host_as_of_its_last_sync(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put_states(store, [LAPTOP_NOW, DESK_NOW], monkeypatch)
    monkeypatch.setattr(store, "last_syncs", lambda: {"desk": utc(2024, 3, 6, 11, 59, 40)})
    shown_hosts = PortfolioSettings(show_hosts=True)  # hidden on a portfolio by default
    public = build(store, tmp_path, mode="portfolio", portfolio=shown_hosts).test_client()
    html = public.get("/").get_data(as_text=True)
    assert 'id="current-host"' in html and ">desk</span>" in html
    assert 'id="current-task">work<' in html  # coarse on a public page (path_depth 1)
    assert "as of 6 Mar<" in html and "12:59" not in html
    exact = build(
        store,
        tmp_path,
        mode="portfolio",
        portfolio=PortfolioSettings(show_times=True, show_hosts=True),
    ).test_client()
    assert "as of 6 Mar 12:59<" in exact.get("/").get_data(as_text=True)  # 11:59:40 UTC
    laptop = public.get("/?host=laptop").get_data(as_text=True)
    assert ">laptop</span>" in laptop and 'id="current-task">personal<' in laptop
    assert "as of 6 Mar<" in laptop  # no sync recorded: its last heartbeat


# -- open intervals of several hosts: counted once too ------------------------------------------


def test_running_intervals_of_two_hosts_are_counted_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """desk d1 08:00–12:00 closed, then running 12:00–12:30; laptop l1 10:00–11:00 closed,
    then running 11:00–11:30 (its state). All hosts: 08:00–12:30 once, 4 h 30."""
    store = open_backend("sqlite", tmp_path)
    store.add_switches(SWITCHES[:2])
    desk = State(
        workspace_index=0,
        workspace="code",
        since=utc(2024, 3, 5, 12),
        heartbeat=utc(2024, 3, 5, 12, 30),
        interval_id="desk-open",
        task="work/a",
        host="desk",
    )
    laptop = State(
        workspace_index=0,
        workspace="code",
        since=utc(2024, 3, 5, 11),
        heartbeat=utc(2024, 3, 5, 11, 30),
        interval_id="laptop-open",
        task="personal/c",
        host="laptop",
    )
    put_states(store, [laptop, desk], monkeypatch)
    client = build(store, tmp_path).test_client()
    # laptop's running interval takes 11:00–11:30 from desk's closed d1
    assert totals(client, None) == {"work/a": 3 * HOUR, "work/b": HOUR, "personal/c": HOUR / 2}
    assert totals(client, "desk") == {"work/a": 4.5 * HOUR}
    assert totals(client, "laptop") == {"work/b": HOUR, "personal/c": HOUR / 2}
    day = client.get(f"/api/v1/totals?start={DAY}&end={DAY}&by=day").get_json()
    assert day["seconds"] == 4.5 * HOUR
    assert figure(client.get(f"/day/{DAY}").get_data(as_text=True), "day-total") == 4.5 * HOUR
    assert figure(client.get(f"/week/{DAY}").get_data(as_text=True), "week-total") == 4.5 * HOUR
    desk_day = client.get(f"/day/{DAY}?host=desk").get_data(as_text=True)
    assert figure(desk_day, "day-total") == 4.5 * HOUR
    store.close()


def test_away_for_all_hosts_is_only_when_no_host_worked(store: Store, tmp_path: Path) -> None:
    """desk away 12:00–13:30 while laptop works until 13:00; laptop away 13:00–14:00."""
    store.add_switches(
        [
            switch("da", "desk", utc(2024, 3, 5, 12), utc(2024, 3, 5, 13, 30), "work/a", away=True),
            switch("la", "laptop", utc(2024, 3, 5, 13), utc(2024, 3, 5, 14), "work/b", away=True),
        ]
    )
    client = build(store, tmp_path).test_client()

    def away(host: str) -> float:
        query = f"?host={host}" if host else ""
        week = figure(client.get(f"/week/{DAY}{query}").get_data(as_text=True), "week-away")
        day = figure(client.get(f"/day/{DAY}{query}").get_data(as_text=True), "day-away")
        assert week == day
        return day

    assert away("") == HOUR  # 13:00–14:00, once
    assert away("desk") == 1.5 * HOUR
    assert away("laptop") == HOUR
    assert totals(client, None) == ALL  # away never counts as work


def test_a_day_of_all_hosts_draws_no_moment_twice(store: Store, tmp_path: Path) -> None:
    """The day page's timeline: for all hosts the credited pieces, end to end."""
    settings = make_settings(tmp_path)
    pieces = sorted(Reports(store, settings, NOW).day(DAY).pieces, key=lambda p: p.start)
    assert [(p.task, p.start, p.end) for p in pieces] == [
        ("work/a", utc(2024, 3, 5, 8), utc(2024, 3, 5, 10)),
        ("work/b", utc(2024, 3, 5, 10), utc(2024, 3, 5, 11)),
        ("work/a", utc(2024, 3, 5, 11), utc(2024, 3, 5, 11, 30)),
        ("personal/c", utc(2024, 3, 5, 11, 30), utc(2024, 3, 5, 13)),
    ]
    own = Reports(store, settings, NOW, host="desk").day(DAY).pieces
    assert [(p.start, p.end) for p in own] == [(utc(2024, 3, 5, 8), utc(2024, 3, 5, 12))]


def test_signed_in_forms_come_back_to_the_same_host(store: Store, tmp_path: Path) -> None:
    """The header's task switch and the day page's corrections return to the chosen host."""
    client = build(store, tmp_path, token=SecretStr(TOKEN)).test_client()
    sign_in(client)
    html = client.get(f"/day/{DAY}?host=laptop").get_data(as_text=True)
    nexts = re.findall(r'name="next" value="([^"]+)"', html)
    assert len(nexts) >= 3  # switch task, correct this day, undo
    assert all(n.endswith("?host=laptop") for n in nexts), nexts
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert csrf is not None
    response = client.post("/edits/undo", data={"csrf_token": csrf.group(1), "next": nexts[-1]})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/day/{DAY}?host=laptop"


def test_a_running_interval_takes_away_time_from_another_host(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """desk away 12:00–13:30 (closed); laptop works until 13:00, then runs 13:00–13:20 (its
    state). For all hosts only 13:20–13:30 is away; the laptop's running time counts."""
    store.add_switch(
        switch("da", "desk", utc(2024, 3, 5, 12), utc(2024, 3, 5, 13, 30), "work/a", away=True)
    )
    running = State(
        workspace_index=0,
        workspace="code",
        since=utc(2024, 3, 5, 13),
        heartbeat=utc(2024, 3, 5, 13, 20),
        interval_id="laptop-open",
        task="work/b",
        host="laptop",
    )
    put_states(store, [running], monkeypatch)
    client = build(store, tmp_path).test_client()
    day = client.get(f"/day/{DAY}").get_data(as_text=True)
    assert figure(day, "day-away") == 600
    assert figure(day, "day-total") == 5 * HOUR + 1200
    desk = client.get(f"/day/{DAY}?host=desk").get_data(as_text=True)
    assert figure(desk, "day-away") == 1.5 * HOUR and figure(desk, "day-total") == 4 * HOUR
    laptop = client.get(f"/day/{DAY}?host=laptop").get_data(as_text=True)
    assert figure(laptop, "day-away") == 0 and figure(laptop, "day-total") == 2.5 * HOUR + 1200
    week = client.get(f"/week/{DAY}").get_data(as_text=True)
    assert figure(week, "week-away") == 600 and figure(week, "week-total") == 5 * HOUR + 1200


@pytest.mark.parametrize("mode", ["local", "portfolio"])
def test_the_openapi_document_gives_every_read_endpoint_a_host_parameter(
    store: Store, tmp_path: Path, mode: str
) -> None:
    doc = build(store, tmp_path, mode=mode).test_client().get("/api/v1/openapi.json").get_json()
    reads = {
        path: op
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method == "get" and path != "/api/v1/openapi.json" and "edits" not in path
        if path != "/api/v1/away"
    }
    assert "/api/v1/hosts" in reads and len(reads) >= (6 if mode == "local" else 4)
    for path, op in reads.items():
        names = [p["name"] for p in op.get("parameters", [])]
        assert "host" in names, path
        assert "400" in op["responses"], path
    schemas = doc["components"]["schemas"]
    assert {"Host", "Hosts"} <= set(schemas)
    assert "hosts" in schemas["State"]["properties"] and "host" in schemas["Current"]["properties"]


def test_the_task_list_is_the_hosts_own_file_or_every_hosts_merged_by_path(
    client: FlaskClient, store: Store
) -> None:
    """Old code listed every host's tasks whatever ``host`` said."""
    store.upsert_tasks(
        [
            Task(id="work/a", path="work/a", active=False, updated=utc(2024, 2, 1), host="desk"),
            Task(id="work/a", path="work/a", updated=utc(2024, 2, 1), host="laptop"),
            Task(id="ideas", path="personal/ideas", updated=utc(2024, 2, 1), host="laptop"),
        ]
    )

    def listed(query: str) -> dict[str, bool]:
        body = client.get(f"/api/v1/tasks{query}").get_json()
        return {t["path"]: t["active"] for t in body["tasks"]}

    assert listed("?host=desk") == {}  # desk dropped work/a from its file
    assert listed("?host=laptop") == {"work/a": True, "personal/ideas": True}
    everything = listed("")  # the host-less tasks of the fixture, and laptop's
    assert everything == {
        "work/a": True,
        "work/b": True,
        "personal/c": True,
        "personal/ideas": True,
    }
