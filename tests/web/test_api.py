"""The JSON API: state, switches, totals, tasks, export, OpenAPI; 400s name the parameter."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from flask.testing import FlaskClient

from deskmeter.store import Store
from tests.web.conftest import MADRID, NOW, STATE
from tests.web.counted_now import COUNTED_DAY_TOTALS as KNOWN_DAY_TOTALS
from tests.web.counted_now import PAST_HEARTBEAT


def test_state_reports_the_running_task_and_how_long(client: FlaskClient) -> None:
    body = client.get("/api/v1/state").get_json()
    assert body["mode"] == "local" and body["timezone"] == "Europe/Madrid"
    current = body["current"]
    assert current["task"] == "work/deskmeter/web" and current["live"] is True
    assert current["seconds"] == pytest.approx((NOW - STATE.since).total_seconds(), abs=0.1)


def test_state_without_tracking_is_null(client: FlaskClient, store: Store) -> None:
    store.put_state(None, host="test")
    assert client.get("/api/v1/state").get_json()["current"] is None


def test_switches_are_paginated_newest_first(client: FlaskClient) -> None:
    body = client.get("/api/v1/switches?per_page=2&page=2").get_json()
    assert body["total"] == 7 and body["pages"] == 4 and body["page"] == 2
    assert [s["id"] for s in body["items"]] == ["s2", "s1"]
    oldest = client.get("/api/v1/switches?per_page=2&order=asc").get_json()
    assert [s["id"] for s in oldest["items"]] == ["s7", "s5"]


def test_switches_range_takes_local_days_and_offset_datetimes(client: FlaskClient) -> None:
    by_day = client.get("/api/v1/switches?start=2024-03-31&end=2024-03-31").get_json()
    assert [s["id"] for s in by_day["items"]] == ["s3", "s2"]
    by_time = client.get(
        "/api/v1/switches?start=2024-03-31T09:00:00%2B02:00&end=2024-03-31T09:00:00Z"
    ).get_json()
    assert [s["id"] for s in by_time["items"]] == ["s2"]


def test_totals_by_day_match_the_hand_worked_figures(client: FlaskClient) -> None:
    body = client.get("/api/v1/totals?start=2024-02-01&end=2024-04-30&by=day").get_json()
    per_day: dict[date, float] = {}
    for total in body["totals"]:
        day = date.fromisoformat(total["period"])
        per_day[day] = per_day.get(day, 0.0) + total["seconds"]
    assert per_day == KNOWN_DAY_TOTALS
    assert body["seconds"] == sum(KNOWN_DAY_TOTALS.values())


def test_totals_by_week_month_and_workspace(client: FlaskClient) -> None:
    weeks = client.get("/api/v1/totals?start=2024-03-25&end=2024-04-07&by=week").get_json()
    assert {t["period"] for t in weeks["totals"]} == {"2024-03-25", "2024-04-01"}
    months = client.get(
        "/api/v1/totals?start=2024-02-01&end=2024-04-30&by=month&group=workspace"
    ).get_json()
    march = {t["key"]: t["seconds"] for t in months["totals"] if t["period"] == "2024-03-01"}
    assert march["code"] == 7200 + 10800 + 5400 + 1800 + PAST_HEARTBEAT
    assert march["docs"] == 1800
    whole = client.get("/api/v1/totals?start=2024-03-01&end=2024-03-31&by=all").get_json()
    assert all(t["period"] is None for t in whole["totals"])
    assert whole["seconds"] == 39600 + PAST_HEARTBEAT


def test_totals_default_to_this_month_so_far(client: FlaskClient) -> None:
    body = client.get("/api/v1/totals").get_json()
    assert body["start"] == "2024-02-29T23:00:00+00:00"  # 1 March 00:00 in Madrid
    assert body["end"] == "2024-03-31T22:00:00+00:00"  # the end of today (CEST)


def test_tasks_lists_the_task_file_tasks_and_the_current_one(client: FlaskClient) -> None:
    body = client.get("/api/v1/tasks").get_json()
    assert [t["path"] for t in body["tasks"]][:2] == ["learning/books", "personal/reading"]
    assert body["current"] == "work/deskmeter/web"


def test_export_csv_and_json_of_a_range(client: FlaskClient) -> None:
    response = client.get("/api/v1/export?start=2024-03-30&end=2024-03-31&format=csv")
    assert response.mimetype == "text/csv"
    assert "deskmeter-2024-03-30-2024-03-31.csv" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["id"] for r in rows] == ["s1", "s2", "s3"]
    assert float(rows[0]["delta"]) == 5 * 3600
    as_json = json.loads(client.get("/api/v1/export?start=2024-03-30&end=2024-03-31").data)
    assert [r["id"] for r in as_json] == ["s1", "s2", "s3"]
    assert as_json[0]["task"] == "work/deskmeter/web"


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("/api/v1/totals?group=project", "group"),
        ("/api/v1/totals?by=year", "by"),
        ("/api/v1/totals?start=2024-13-01", "start"),
        ("/api/v1/totals?start=2024-03-05&end=2024-03-01", "end"),
        ("/api/v1/totals?start=1900-01-01&end=2024-01-01", "start"),
        ("/api/v1/totals?start=1971-01-01&end=2199-01-01", "end"),
        ("/api/v1/totals?start=2024-03-01T10:00:00", "start"),
        ("/api/v1/switches?page=-1", "page"),
        ("/api/v1/switches?page=abc", "page"),
        ("/api/v1/switches?per_page=501", "per_page"),
        ("/api/v1/switches?order=sideways", "order"),
        ("/api/v1/switches?end=9999-12-31T23:59:59%2B14:00", "end"),
        ("/api/v1/export?format=xml", "format"),
    ],
)
def test_bad_parameters_get_400_json_naming_the_parameter(
    client: FlaskClient, query: str, parameter: str
) -> None:
    response = client.get(query)
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == parameter and body["status"] == 400 and body["error"]


def test_openapi_document_lists_every_read_endpoint(client: FlaskClient) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    for path in ("/state", "/hosts", "/switches", "/totals", "/tasks", "/export"):
        assert "get" in doc["paths"][f"/api/v1{path}"]
    params = {p["name"] for p in doc["paths"]["/api/v1/totals"]["get"]["parameters"]}
    assert params == {"start", "end", "group", "by", "host"}


def test_unknown_api_paths_and_methods_answer_json(client: FlaskClient) -> None:
    missing = client.get("/api/v1/nothing")
    assert missing.status_code == 404 and missing.get_json()["status"] == 404
    wrong = client.delete("/api/v1/switches")
    assert wrong.status_code == 405 and wrong.get_json()["status"] == 405


def test_healthz_checks_the_store(client: FlaskClient) -> None:
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["store"] in ("sqlite", "mongodb")


def test_healthz_is_503_when_the_store_fails(client: FlaskClient, store: Store) -> None:
    def broken() -> None:
        raise RuntimeError("disk on fire")

    store.get_state = broken  # type: ignore[method-assign]
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["status"] == "error"


def test_times_are_iso_utc_and_days_are_madrid_days(client: FlaskClient) -> None:
    body = client.get("/api/v1/switches?start=2024-03-30&end=2024-03-30").get_json()
    assert body["start"] == "2024-03-29T23:00:00+00:00"
    assert body["items"][0]["date"] == "2024-03-30T21:00:00+00:00"
    assert MADRID.key == "Europe/Madrid"
