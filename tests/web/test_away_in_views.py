"""Away time (issue 13) in the views of issue 15: never counted, shown apart.

One away hour is added on Friday 29 March 2024 (12:00-13:00 Madrid, right after s4). The
week, year, summary, timesheet, tasks and calendar figures must not change; the day and
week pages and ``deskmeter report`` show the hour separately.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from typer.testing import CliRunner

from deskmeter.cli.main import app as cli
from deskmeter.store import Store
from deskmeter.store.sqlite import SQLiteStore
from tests.web.conftest import STATE, seed, switch, utc

AWAY = replace(
    switch("away1", utc(2024, 3, 29, 11, 0), 1, "work/client-a/api", "web", 1), away=True
)

#: Page → the patterns whose figures away time must not change.
COUNTED = {
    "/week/2024-03-29": [
        r'id="week-total" data-seconds="([\d.]+)"',
        r'data-day-seconds="([\d.]+)"',
    ],
    "/year/2024": [
        r'id="year-total" data-seconds="([\d.]+)"',
        r'data-month="\d+" data-seconds="([\d.]+)"',
    ],
    "/calendar/2024/3": [r'data-seconds="([\d.]+)"'],
    "/day/2024-03-29": [
        r'id="day-total" data-seconds="([\d.]+)"',
        r'<tr data-key="[^"]+" data-seconds="([\d.]+)"',
    ],
    "/tasks?start=2024-03-01&end=2024-04-01": [r'data-seconds="([\d.]+)"'],
    "/summary": [
        r'id="summary-(?:week|year)-total">([^<]+)<',
        r'<span class="muted">(\d+h \d+m|\d+m)</span>',
    ],
}


def figures(client: FlaskClient) -> dict[str, list[list[str]]]:
    pages = {url: client.get(url).get_data(as_text=True) for url in COUNTED}
    sheet = client.get("/timesheet?start=2024-03-29&end=2024-03-31&format=csv")
    out = {url: [re.findall(p, pages[url]) for p in patterns] for url, patterns in COUNTED.items()}
    out["timesheet"] = [list(csv.reader(io.StringIO(sheet.get_data(as_text=True))))]  # type: ignore[list-item]
    return out


def test_away_time_changes_no_total_and_shows_apart(client: FlaskClient, store: Store) -> None:
    before = figures(client)
    assert all(any(found) for found in before.values())  # the patterns do find figures
    store.add_switch(AWAY)
    after = figures(client)
    assert after == before
    week = client.get("/week/2024-03-29").get_data(as_text=True)
    assert 'id="week-away" data-seconds="3600.0"' in week
    assert 'id="week-away-row"' in week and "Away (not counted)" in week
    day = client.get("/day/2024-03-29").get_data(as_text=True)
    assert 'id="day-away" data-seconds="3600.0"' in day
    assert day.count('class="away-gap"') == 1 and "away 1h 00m" in day
    # no bar of any lane is the away hour
    assert "12:00–13:00 (1h 00m)" not in day
    year = client.get("/year/2024").get_data(as_text=True)
    assert 'id="year-away" data-seconds="3600.0"' in year
    assert 'data-away-seconds="3600.0"' in year  # March's row
    assert year.count("data-away-seconds=") == 12
    summary = client.get("/summary").get_data(as_text=True)
    assert 'id="summary-year-away" data-seconds="3600.0"' in summary


def test_a_year_without_away_has_no_away_column(client: FlaskClient) -> None:
    year = client.get("/year/2024").get_data(as_text=True)
    assert 'id="year-away" data-seconds="0.0"' in year and "data-away-seconds" not in year
    assert 'id="summary-year-away"' not in client.get("/summary").get_data(as_text=True)


def test_a_week_without_away_has_no_away_row(client: FlaskClient) -> None:
    week = client.get("/week/2024-03-29").get_data(as_text=True)
    assert 'id="week-away" data-seconds="0.0"' in week and 'id="week-away-row"' not in week


@pytest.fixture
def cli_store(tmp_path: Path) -> Path:
    path = tmp_path / "cli.db"
    with SQLiteStore(path) as backend:
        seed(backend, with_state=False)
    return path


def report(tmp_path: Path, store: Path, *args: str) -> str:
    cfg = tmp_path / "config.toml"
    cfg.write_text('timezone = "Europe/Madrid"\n', encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        [
            "--config",
            str(cfg),
            "--store",
            str(store),
            "report",
            "--start",
            "2024-03-25",
            "--end",
            "2024-03-31",
            *args,
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_report_leaves_away_out_of_the_totals_and_names_it(tmp_path: Path, cli_store: Path) -> None:
    before = json.loads(report(tmp_path, cli_store, "--format", "json"))
    assert before["away_seconds"] == 0
    assert "(away" not in report(tmp_path, cli_store, "--format", "csv")
    with SQLiteStore(cli_store) as backend:
        backend.add_switch(AWAY)
    after = json.loads(report(tmp_path, cli_store, "--format", "json"))
    assert after["rows"] == before["rows"] and after["total_seconds"] == before["total_seconds"]
    assert after["away_seconds"] == 3600
    table = report(tmp_path, cli_store)
    assert "away 1h 00m (not counted)" in table.splitlines()[0]
    plain = list(csv.reader(io.StringIO(report(tmp_path, cli_store, "--format", "csv"))))
    assert plain[-1] == ["(away, not counted)", "3600", "1.00"]
    assert (
        plain[:-1]
        == list(
            csv.reader(io.StringIO(report(tmp_path, cli_store, "--format", "csv", "--by", "task")))
        )[:-1]
    )
    by_day = list(
        csv.reader(io.StringIO(report(tmp_path, cli_store, "--by", "day", "--format", "csv")))
    )
    assert by_day[-1][0] == "(away, not counted)"
    assert "(away, not counted)" not in [r[0] for r in by_day[:-1]]
    sheet = report(tmp_path, cli_store, "--timesheet", "--format", "csv")
    friday = next(r for r in csv.reader(io.StringIO(sheet)) if r[0] == "2024-03-29")
    assert friday[1:4] == ["10:00", "12:00", "2.00"]  # not 13:00, not 3.00


def test_the_header_says_away_while_the_tracker_is_away(client: FlaskClient, store: Store) -> None:
    assert 'id="state-away"' not in client.get("/").get_data(as_text=True)
    store.put_state(replace(STATE, away=True, heartbeat=STATE.since))  # asleep: no beats
    for url in ("/", "/week/2024-03-29", "/year/2024"):
        html = client.get(url).get_data(as_text=True)
        header = html[html.index('id="current-state"') : html.index("</header>")]
        assert 'id="state-away"' in header and ">away</span>" in header, url
        assert "● now" not in header and "tracker stopped" not in header, url
