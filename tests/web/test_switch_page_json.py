"""A page of switches written as JSON by SQLite (``store/sqlite/switch_json.py``, issue 25:
the day of switches API) is the page the switch-by-switch path writes, record for record and
key for key, on both backends; a row or a label outside the limits still sends the page down
the switch-by-switch path, which skips (and only skips) it."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import mongomock
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskmeter.config import Settings
from deskmeter.models import Switch
from deskmeter.records import switch_json
from deskmeter.store import Store
from deskmeter.store.mongo import MongoStore
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.web import create_app

T0 = datetime(2025, 3, 4, 9, 0, 0, 123456, tzinfo=UTC)
DAY = "2025-03-04"
NOW = T0 + timedelta(days=2)


def day_of_switches() -> list[Switch]:
    out = [
        Switch(
            f"{n:024x}" if n % 3 else f"text-id-{n}",
            T0 + timedelta(minutes=10 * n, microseconds=-123456 if n % 4 == 0 else n),
            [61.5, 0.0, 0.001, 3600.25][n % 4] + n,
            n % 3 - (n == 7),
            ["ws", "", "bürö \u00e9", 'q"uote\\'][n % 4],
            f"id{n}" if n % 5 else None,
            [f"área{n % 2}/tâche{n}", "", None, "x/\u2028y"][n % 4],
            "desk" if n % 2 else "laptop",
            away=n % 5 == 0,
        )
        for n in range(40)
    ]
    return [*out, Switch("plain-id", T0 + timedelta(hours=7), 0.0, -1, "", None, None, "desk")]


def stored(tmp_path: Path) -> Path:
    path = tmp_path / "page.db"
    with SQLiteStore(path) as store:
        store.add_switches(day_of_switches())
    return path


def python_page(store: Store, **asked: object) -> list[dict[str, object]]:
    return [switch_json(s) for s in store.switches(**asked)]  # type: ignore[arg-type]


ASKED = [
    {"limit": 500, "order": "desc"},
    {"limit": 500, "order": "asc"},
    {"limit": 7, "offset": 14, "order": "desc"},
    {"limit": 5, "offset": 3, "order": "asc", "host": "desk"},
    {"limit": 500, "order": "desc", "host": "laptop"},
    {"limit": 500, "order": "desc", "host": "nobody"},
    {"start": T0 + timedelta(hours=2), "end": T0 + timedelta(hours=5), "limit": 500},
]


@pytest.mark.parametrize("asked", ASKED)
def test_the_sql_page_is_the_switch_by_switch_page_key_for_key(
    tmp_path: Path, asked: dict[str, object]
) -> None:
    with SQLiteStore(stored(tmp_path)) as store:
        written = store.switches_json(**asked)  # type: ignore[arg-type]
        expected = python_page(store, **asked)
    assert written is not None, "written by SQL"
    found = json.loads(written[0])
    assert written[1] == len(expected)
    assert found == expected
    assert [list(record) for record in found] == [list(record) for record in expected]
    assert all(type(r["delta"]) is float for r in found)


@settings(max_examples=40, deadline=None)
@given(
    start_us=st.integers(min_value=0, max_value=7258118400000000 - 7 * 86400 * 10**6 - 1),
    delta_ms=st.integers(min_value=0, max_value=7 * 86400 * 1000),
    name=st.text(max_size=12).filter(lambda t: "\x00" not in t),
    away=st.booleans(),
)
def test_any_instant_length_and_name_is_written_as_python_writes_it(
    start_us: int, delta_ms: int, name: str, away: bool
) -> None:
    switch = Switch(
        "a" * 24,
        datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=start_us),
        delta_ms / 1000,
        3,
        name,
        name or None,
        name or None,
        "desk",
        away=away,
    )
    with tempfile.TemporaryDirectory() as folder, SQLiteStore(Path(folder) / "one.db") as store:
        store.add_switches([switch])
        written = store.switches_json(limit=10)
        expected = python_page(store)
    assert written is not None
    assert json.loads(written[0]) == expected
    assert [list(r) for r in json.loads(written[0])] == [list(r) for r in expected]


DAMAGE = [
    "UPDATE switch SET workspace_index = 5000 WHERE id = 'plain-id'",
    "UPDATE switch SET delta = 8 * 86400 * 1000 WHERE id = 'plain-id'",
    "UPDATE switch SET start = 7258118400000000 - 1000, delta = 5 WHERE id = 'plain-id'",
    "UPDATE switch SET workspace = 999999 WHERE id = 'plain-id'",
    "UPDATE switch SET task = 999999 WHERE id = 'plain-id'",
    "UPDATE switch SET id = 'plain' || char(0) || 'id' WHERE id = 'plain-id'",
    "UPDATE switch SET id = printf('%.129c', 'x') WHERE id = 'plain-id'",
]


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_row_outside_the_limits_sends_the_page_down_the_path_that_skips_it(
    tmp_path: Path, damage: str
) -> None:
    path = stored(tmp_path)
    with sqlite3.connect(path) as db:
        db.execute(damage)
    with SQLiteStore(path) as store:
        assert store.switches_json(limit=500) is None
    body = api_day(path, tmp_path, "&order=asc")
    ids = [item["id"] for item in body["items"]]
    assert "plain-id" not in ids
    assert len(ids) == len(day_of_switches()) - 1


@pytest.mark.parametrize(
    "label",
    [
        "UPDATE label SET text = 'lap\u202etop' WHERE text = 'laptop'",
        "UPDATE label SET text = 'bü' || char(0) || 'rö' WHERE text LIKE 'bürö%'",
        "UPDATE label SET text = printf('%.501c', 'w') WHERE text = 'ws'",
        "UPDATE label SET text = x'6c6170' WHERE text = 'laptop'",
    ],
)
def test_a_label_outside_the_limits_sends_the_page_down_the_path_that_skips_its_rows(
    tmp_path: Path, label: str
) -> None:
    path = stored(tmp_path)
    with sqlite3.connect(path) as db:
        db.execute(label)
    with SQLiteStore(path) as store:
        assert store.switches_json(limit=500) is None
        kept = python_page(store, order="desc")
    body = api_day(path, tmp_path, "")
    assert body["items"] == kept
    assert 0 < len(kept) < len(day_of_switches())


def api_day(path: Path, tmp_path: Path, query: str) -> dict[str, object]:
    settings_ = Settings(store=str(path), timezone="UTC", task_file=tmp_path / "t.txt")
    with SQLiteStore(path) as store:
        client = create_app(settings_, store=store, clock=lambda: NOW).test_client()
        per_page = "" if "per_page" in query else "&per_page=500"
        answer = client.get(f"/api/v1/switches?start={DAY}&end={DAY}{per_page}{query}")
    assert answer.status_code == 200
    body = answer.get_json()
    assert isinstance(body, dict)
    return body


def to_the_ms(switches: list[Switch]) -> list[Switch]:
    """MongoDB keeps an instant to the millisecond."""
    return [
        replace(s, date=s.date.replace(microsecond=s.date.microsecond // 1000 * 1000))
        for s in switches
    ]


@pytest.mark.parametrize("query", ["", "&order=asc", "&host=desk", "&per_page=6&page=3"])
def test_the_day_api_answers_alike_on_sqlite_and_on_mongodb_on_mongomock(
    tmp_path: Path, query: str
) -> None:
    """The MongoDB backend (on mongomock, an in-memory imitation) writes no JSON itself: its
    page is built switch by switch. Both answers are the same JSON, key for key."""
    switches = to_the_ms(day_of_switches())
    mongo = MongoStore(
        "mongodb://mongomock.invalid/deskmeter",
        client=mongomock.MongoClient(tz_aware=True),
        database="deskmeter",
    )
    mongo.add_switches(switches)
    with SQLiteStore(tmp_path / "page.db") as sqlite_store:
        sqlite_store.add_switches(switches)
    assert mongo.switches_json(limit=500) is None
    per_page = "" if "per_page" in query else "&per_page=500"
    url = f"/api/v1/switches?start={DAY}&end={DAY}{per_page}{query}"
    answers = []
    with SQLiteStore(tmp_path / "page.db") as sqlite_store:
        for store in (mongo, sqlite_store):
            config = Settings(
                store=str(tmp_path / "x.db"), timezone="UTC", task_file=tmp_path / "t"
            )
            client = create_app(config, store=store, clock=lambda: NOW).test_client()
            answers.append(client.get(url).get_json())
    mongo.close()
    on_mongo, on_sqlite = answers
    assert on_sqlite == on_mongo
    assert [list(r) for r in on_sqlite["items"]] == [list(r) for r in on_mongo["items"]]
    assert on_mongo["total"] > 0 and on_mongo["items"]


@pytest.mark.parametrize(
    ("per_page", "page"), [(7, 1), (7, 5), (7, 6), (7, 7), (7, 9), (41, 1), (41, 2), (500, 1)]
)
def test_every_page_tells_the_total_of_the_range(tmp_path: Path, per_page: int, page: int) -> None:
    """The last page's total is counted from the page itself; every other from the range."""
    body = api_day(stored(tmp_path), tmp_path, f"&per_page={per_page}&page={page}")
    all_ = len(day_of_switches())
    assert body["total"] == all_
    assert body["pages"] == -(-all_ // per_page)
    assert len(body["items"]) == max(0, min(per_page, all_ - (page - 1) * per_page))
