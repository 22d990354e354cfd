"""Issue 12, case 2: no stored record, however hostile, breaks a view or an export.

Hostile switches are written through every entry point: the model (``Switch``), the importer,
sync's sink, the web's writing endpoint, the store directly with validation bypassed, and
raw rows/documents that no Deskmeter code wrote. Then every page and API endpoint is fetched
(no 5xx) and the CLI export runs (no crash).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskmeter.importing import import_switches
from deskmeter.importing.readers import ImportSource
from deskmeter.models import Switch
from deskmeter.records import write_csv, write_json
from deskmeter.store import Store
from deskmeter.store.mongo import MongoStore
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.sync.changes import DocChange
from deskmeter.sync.sink import operations
from tests.hardening.support import app_on, fetch_all, open_store, unchecked_switch

#: Start times (Unix seconds) at and beyond the edges: 1970, 2199, the year 9999 and past it.
HOSTILE_TS = st.sampled_from(
    [-1e12, -86400.0, 0.0, 1.7e9, 7258118399.0, 7258118400.0, 253402300000.0, 1e12, 1e300]
) | st.floats(min_value=-1e13, max_value=1e13, allow_nan=False)
HOSTILE_DELTA = st.sampled_from(
    [math.inf, -math.inf, math.nan, -1.0, 0.0, 1e-9, 604800.0, 604801.0, 1e12, 1e308]
) | st.floats(allow_nan=True, allow_infinity=True)
HOSTILE_TEXT = st.sampled_from(["", '=HYPERLINK("x")', "a\x00b", "ü漢/x", "x" * 100_000]) | st.text(
    max_size=30
)
HOSTILE_INDEX = st.sampled_from([-(2**62), -2, -1, 0, 3, 1023, 1024, 2**62]) | st.integers(
    -(2**40), 2**40
)


@st.composite
def hostile_rows(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "id": draw(st.text(min_size=1, max_size=8, alphabet="abcdef0123456789")),
        "ts": draw(HOSTILE_TS),
        "delta": draw(HOSTILE_DELTA),
        "workspace_index": draw(HOSTILE_INDEX),
        "workspace": draw(HOSTILE_TEXT),
        "task": draw(st.none() | HOSTILE_TEXT),
        "host": draw(HOSTILE_TEXT),
    }


def as_datetime(ts: float) -> datetime | None:
    try:
        return datetime.fromtimestamp(ts, UTC)
    except (OverflowError, ValueError, OSError):
        return None


def write_raw(store: Store, row: dict[str, Any]) -> None:
    """Write ``row`` beneath every check: raw SQL or a raw MongoDB document."""
    if isinstance(store, SQLiteStore):
        with sqlite3.connect(store.path) as db:
            try:  # noqa: SIM105 - the comment below says why
                db.execute(
                    "INSERT OR REPLACE INTO switch (id, date, delta, workspace_index, workspace, "
                    "task_id, task, host) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        "raw" + row["id"],
                        row["ts"],
                        row["delta"],
                        row["workspace_index"],
                        row["workspace"],
                        row["task"],
                        row["task"],
                        row["host"],
                    ),
                )
            except (sqlite3.Error, OverflowError):
                pass  # the database itself refused it (NaN → NULL, integer too big)
    else:
        assert isinstance(store, MongoStore)
        when = as_datetime(row["ts"])
        try:  # noqa: SIM105
            store.db.switch.replace_one(
                {"_id": "raw" + row["id"]},
                {
                    "_id": "raw" + row["id"],
                    "date": when if when is not None else row["ts"],
                    "delta": row["delta"],
                    "workspace_index": row["workspace_index"],
                    "workspace": row["workspace"],
                    "task": row["task"],
                    "task_id": row["task"],
                    "host": row["host"],
                },
                upsert=True,
            )
        except (OverflowError, ValueError):
            pass  # BSON cannot hold it (an integer beyond 64 bits)


def write_through_entry_points(store: Store, row: dict[str, Any], tmp_path: Path) -> None:
    when = as_datetime(row["ts"])
    fields = {
        "id": row["id"],
        "date": when,
        "delta": row["delta"],
        "workspace_index": row["workspace_index"],
        "workspace": row["workspace"],
        "task_id": row["task"],
        "task": row["task"],
        "host": row["host"],
    }
    # 1. the model: valid or refused with a LimitError (a ValueError), nothing else
    with contextlib.suppress(ValueError):
        store.add_switch(Switch(**fields))
    # 2. the store with the model's validation bypassed (an older Deskmeter, a bug)
    if when is not None:
        try:  # noqa: SIM105
            store.add_switch(unchecked_switch(**{**fields, "id": "nv" + row["id"]}))
        except (sqlite3.Error, OverflowError, ValueError, TypeError):
            pass  # refused by the database: fine, nothing half-written
    # 3. the importer: never raises, every record is written or skipped
    record = {
        "_id": "im" + row["id"],
        "date": row["ts"],
        "delta": row["delta"],
        "workspace": row["workspace"],
        "workspace_index": row["workspace_index"],
        "task": row["task"],
        "host": row["host"],
    }
    result = import_switches(ImportSource("hostile", iter([record]), 1), store)
    assert result.read == 1 and result.written + result.skipped == 1
    # 4. sync's sink: a switch outside the limits is never shipped
    doc = {**record, "date": when}
    ops = operations([DocChange("switch", "im" + row["id"], doc)], "box")
    shipped = bool(ops.get("switch"))
    valid = when is not None and _valid(fields)
    assert shipped == valid
    # 5. beneath everything
    write_raw(store, row)


def _valid(fields: dict[str, Any]) -> bool:
    try:
        Switch(**{**fields, "task_id": fields["task"]})
    except ValueError:
        return False
    return True


def assert_views_up(store: Store, tmp_path: Path) -> None:
    for portfolio in (False, True):
        web: dict[str, Any] = (
            {"mode": "portfolio", "coarsen_tasks": True} if portfolio else {"token": "t" * 20}
        )
        for url, status, body in fetch_all(app_on(store, tmp_path, **web)):
            assert status < 500, f"{url} answered {status}: {body[:300]}"
    # the export's writers over everything stored
    switches = store.switches()
    for writer in (write_json, write_csv):
        writer(switches, io.StringIO())
    for found in switches:  # what the store gives back is inside the limits (7 days, 1970–2199)
        assert 0 <= found.delta <= 7 * 86400
        assert datetime(1970, 1, 1, tzinfo=UTC) <= found.date < datetime(2200, 1, 1, tzinfo=UTC)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_hostile_records_through_every_entry_point_break_no_view(kind: str, tmp_path: Path) -> None:
    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(rows=st.lists(hostile_rows(), min_size=1, max_size=4))
    def check(rows: list[dict[str, Any]]) -> None:
        store = open_store(kind, tmp_path / f"{kind}-{abs(hash(repr(rows)))}")
        try:
            for row in rows:
                write_through_entry_points(store, row, tmp_path)
            assert_views_up(store, tmp_path)
        finally:
            store.close()

    (tmp_path).mkdir(exist_ok=True)
    check()


#: The records of the issue, each of which once broke the dashboard for good.
ISSUE_ROWS = [
    {"ts": 1.7e9, "delta": 1e12},
    {"ts": 1.7e9, "delta": math.inf},
    {"ts": 253402300000.0 - 10, "delta": 3600.0},  # the year 9999
    {"ts": 1e12, "delta": 60.0},
]


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_the_issues_records_written_raw_break_no_view(kind: str, tmp_path: Path) -> None:
    store = open_store(kind, tmp_path)
    store.add_switch(Switch("ok", datetime(2024, 3, 31, 8, tzinfo=UTC), 60.0, 0, "code"))
    for number, row in enumerate(ISSUE_ROWS):
        write_raw(
            store,
            {"id": str(number), "workspace_index": 0, "workspace": "w", "task": "t", "host": "h"}
            | row,
        )
    assert_views_up(store, tmp_path)
    assert [s.id for s in store.switches()] == ["ok"]
    store.close()


def test_deskmeter_export_survives_raw_hostile_rows(tmp_path: Path, xdg: Path) -> None:
    path = tmp_path / "e.db"
    store = SQLiteStore(path)
    store.add_switch(Switch("ok", datetime(2024, 3, 31, 8, tzinfo=UTC), 60.0, 0, "=cmd|x"))
    for number, row in enumerate(ISSUE_ROWS):
        write_raw(
            store,
            {"id": str(number), "workspace_index": 0, "workspace": "w", "task": "t", "host": "h"}
            | row,
        )
    store.close()
    for fmt in ("json", "csv"):
        done = subprocess.run(
            [sys.executable, "-m", "deskmeter", "--store", str(path), "export", "-f", fmt],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        if fmt == "json":
            assert [r["id"] for r in json.loads(done.stdout)] == ["ok"]
        else:
            assert "'=cmd|x" in done.stdout  # formula injection defused (case 7)


def test_validation_limits_are_the_documented_ones() -> None:
    from deskmeter import limits

    start = datetime(2024, 1, 1, tzinfo=UTC)
    Switch("a", start, limits.MAX_DELTA, -1, "w")
    for delta in (math.nan, math.inf, -0.5, limits.MAX_DELTA + 1):
        with pytest.raises(limits.LimitError):
            Switch("a", start, delta, 0, "w")
    for bad in (
        {"date": datetime(1969, 12, 31, 23, tzinfo=UTC)},
        {"date": datetime(2200, 1, 1, tzinfo=UTC) - timedelta(seconds=1), "delta": 2.0},
        {"workspace": "x" * (limits.MAX_TEXT + 1)},
        {"host": "a\x00b"},
        {"workspace_index": limits.MAX_WORKSPACE_INDEX + 1},
        {"workspace_index": -2},
    ):
        fields: dict[str, Any] = {"id": "a", "date": start, "delta": 1.0, "workspace_index": 0}
        fields["workspace"] = "w"
        with pytest.raises(limits.LimitError):
            Switch(**(fields | bad))


def test_hostile_task_paths_through_the_web_edit_paths_are_refused_not_500(
    tmp_path: Path,
) -> None:
    store = open_store("sqlite", tmp_path)
    app = app_on(store, tmp_path, token="t" * 20)
    client = app.test_client()
    auth = {"Authorization": "Bearer " + "t" * 20}

    @settings(max_examples=30, deadline=None)
    @given(path=HOSTILE_TEXT | st.sampled_from(["/a", "a//b", "a/", "a" * 201, "é/x", "a\nb"]))
    def check(path: str) -> None:
        response = client.post("/api/v1/task", json={"path": path}, headers=auth)
        assert response.status_code in (200, 400, 413), (path[:40], response.status_code)
        for url in ("/", "/api/v1/tasks", "/api/v1/state"):
            assert client.get(url).status_code < 500, url

    check()
    for url, status, body in fetch_all(app):
        assert status < 500, f"{url} answered {status}: {body[:200]}"
    store.close()


def test_the_away_flag_is_a_bool_and_an_away_switch_passes_every_limit() -> None:
    from dataclasses import replace

    from deskmeter import limits
    from deskmeter.importing import record_to_switch

    ok = Switch("a1", datetime(2026, 5, 4, 9, tzinfo=UTC), 60.0, 0, "Code", away=True)
    limits.validate_switch(ok)
    assert record_to_switch(
        {"id": "a1", "date": "2026-05-04T09:00:00Z", "delta": 60, "away": "True"}
    ).away
    assert not record_to_switch({"id": "a1", "date": "2026-05-04T09:00:00Z", "delta": 60}).away
    with pytest.raises(limits.LimitError, match="away 'yes' is not true or false"):
        replace(ok, away="yes")


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_a_switch_starting_at_the_end_of_the_supported_years_is_refused(
    kind: str, tmp_path: Path
) -> None:
    """2200-01-01 00:00 UTC is the limit an end may reach, but no start (a switch of length 0
    there passed, and the store handed back a switch from the year 2200)."""
    from deskmeter import limits

    with pytest.raises(limits.LimitError, match="past 2199"):
        Switch("edge", limits.LAST_INSTANT, 0.0, 0, "w")
    Switch("ends-at-the-limit", limits.LAST_INSTANT - timedelta(hours=1), 3600.0, 0, "w")
    store = open_store(kind, tmp_path)
    write_raw(
        store,
        {"id": "edge", "ts": limits.LAST_INSTANT.timestamp(), "delta": 0.0}
        | {"workspace_index": 0, "workspace": "w", "task": "t", "host": "h"},
    )
    assert_views_up(store, tmp_path)
    assert store.switches() == []
    store.close()
