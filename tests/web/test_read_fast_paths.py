"""The read paths made fast for issue 25 give what the slow ones gave (real SQLite files).

* one day's switches are checked in bulk (each label once, a row's numbers by comparisons):
  the switches are the ones the per-switch check builds, and a row outside the limits still
  sends the page down the one-by-one path that skips it (and only it);
* ``switch_json`` is ``SwitchRecord``'s JSON, key for key;
* day totals rounded in SQL (milliseconds, an exact half left to Python) are Python's round.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskmeter.config import Settings
from deskmeter.models import Switch
from deskmeter.records import SwitchRecord, switch_json
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.store.sqlite.codec import Labels, row_switch
from deskmeter.web import create_app

T0 = datetime(2025, 3, 4, 9, 0, 0, 123456, tzinfo=UTC)
DAY = "2025-03-04"


def day_of_switches() -> list[Switch]:
    return [
        Switch(
            f"{n:024x}",
            T0 + timedelta(minutes=10 * n),
            61.5 + n,
            n % 3,
            f"ws{n % 3}",
            f"t{n}" if n % 4 else None,
            f"area{n % 2}/task{n}" if n % 4 else None,
            "desk" if n % 2 else "laptop",
            away=n % 5 == 0,
        )
        for n in range(30)
    ] + [Switch("plain-id", T0 + timedelta(hours=6), 0.001, -1, "", None, None, "desk")]


def stored(tmp_path: Path) -> Path:
    path = tmp_path / "reads.db"
    with SQLiteStore(path) as store:
        store.add_switches(day_of_switches())
    return path


def test_bulk_checked_switches_equal_the_ones_checked_one_by_one(tmp_path: Path) -> None:
    path = stored(tmp_path)
    with SQLiteStore(path) as store:
        fast = store.switches()
    db = sqlite3.connect(path)
    rows = db.execute(
        "SELECT start, id, delta, workspace_index, workspace, task, task_id, host, away "
        "FROM switch ORDER BY start, id"
    ).fetchall()
    labels = Labels()
    labels.load(db, (n for r in rows for n in r[4:8]))
    one_by_one = [row_switch(r, labels) for r in rows]
    db.close()
    assert fast == one_by_one == sorted(day_of_switches(), key=lambda s: (s.date, s.id))
    assert all(s.checked for s in fast)


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE switch SET workspace_index = 5000 WHERE id = 'plain-id'",
        "UPDATE switch SET delta = 8 * 86400 * 1000 WHERE id = 'plain-id'",
        "UPDATE switch SET start = 'soon' WHERE id = 'plain-id'",
        "UPDATE switch SET start = 7258118400000000 WHERE id = 'plain-id'",
    ],
)
def test_a_row_outside_the_limits_is_skipped_and_the_rest_of_the_day_served(
    tmp_path: Path, damage: str
) -> None:
    path = stored(tmp_path)
    with sqlite3.connect(path) as db:
        db.execute(damage)
    with SQLiteStore(path) as store:
        ids = {s.id for s in store.switches()}
    assert "plain-id" not in ids
    assert ids == {s.id for s in day_of_switches()} - {"plain-id"}


def test_a_host_label_with_a_text_direction_character_is_skipped_on_read(
    tmp_path: Path,
) -> None:
    path = stored(tmp_path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE label SET text = 'lap\u202etop' WHERE text = 'laptop'")
    with SQLiteStore(path) as store:
        hosts = {s.host for s in store.switches()}
    assert hosts == {"desk"}


def test_the_day_api_serves_the_records_switch_record_would(tmp_path: Path) -> None:
    path = stored(tmp_path)
    store = SQLiteStore(path)
    settings = Settings(store=str(path), timezone="UTC", task_file=tmp_path / "t.txt")
    client = create_app(settings, store=store, clock=lambda: T0 + timedelta(days=2)).test_client()
    body = client.get(f"/api/v1/switches?start={DAY}&end={DAY}&per_page=500&order=asc").json
    store.close()
    assert body is not None
    expected = [
        SwitchRecord.of(s).model_dump(mode="json")
        for s in sorted(day_of_switches(), key=lambda s: (s.date, s.id))
    ]
    assert body["items"] == expected
    assert [list(item) for item in body["items"]] == [list(item) for item in expected]


@given(
    delta=st.floats(min_value=0, max_value=7 * 86400, allow_nan=False),
    start_us=st.integers(min_value=0, max_value=2**52),
    workspace=st.text(max_size=20).filter(lambda t: "\x00" not in t),
    away=st.booleans(),
)
def test_switch_json_is_the_switch_records_json(
    delta: float, start_us: int, workspace: str, away: bool
) -> None:
    switch = Switch(
        "abc",
        datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=start_us),
        delta,
        2,
        workspace,
        "t",
        "a/b",
        "desk",
        away=away,
    )
    expected = SwitchRecord.of(switch).model_dump(mode="json")
    assert switch_json(switch) == expected and list(switch_json(switch)) == list(expected)


@given(st.integers(min_value=1, max_value=10**15))
def test_milliseconds_rounded_in_sql_are_pythons_round_except_the_half_left_to_it(
    us: int,
) -> None:
    db = sqlite3.connect(":memory:")
    (ms,) = db.execute(
        "SELECT CASE WHEN ? % 1000 = 500 THEN NULL ELSE (? + 500) / 1000 END", (us, us)
    ).fetchone()
    db.close()
    assert (ms is None) == (us % 1000 == 500)
    if ms is not None:
        assert ms / 1000 == round(us / 1e6, 3)
