"""The day totals kept ready: that the views read them, how they are built, checked, rebuilt,
and (MongoDB) repaired after a crash and kept by sync's sink for several hosts at once."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import mongomock
import pytest

from deskmeter.models import Switch
from deskmeter.store.documents import switch_to_doc
from deskmeter.store.mongo import MongoStore
from deskmeter.store.mongo.totals import BUILD_MARKER, MongoDayTotals
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.store.sqlite.schema import SCHEMA_VERSION
from deskmeter.sync.changes import DocChange
from deskmeter.sync.sink import MongoSink
from tests.store_totals.support import MADRID, answers, reference

T0 = datetime(2026, 10, 24, 20, 0, tzinfo=UTC)  # the evening before Madrid's 25-hour day
START, END = datetime(2026, 10, 22, 22, 0, tzinfo=UTC), datetime(2026, 10, 28, 23, 0, tzinfo=UTC)
ZERO = timedelta(0)


def history(host: str = "desk", prefix: str = "k", hours: float = 0) -> list[Switch]:
    """Intervals across midnight and the DST change, away stretches, two tasks."""
    out = []
    for n in range(40):
        out.append(
            Switch(
                id=f"{prefix}{n:03d}",
                date=T0 + timedelta(hours=hours + n * 2.5),
                delta=float(3600 + n * 97),
                workspace_index=n % 3,
                workspace=["code", "", "web"][n % 3],
                task=["work/a", "home", None][n % 3],
                task_id=None,
                host=host,
                away=n % 7 == 0,
            )
        )
    return out


def mongo_store() -> MongoStore:
    return MongoStore(
        "mongodb://mongomock.invalid/deskmeter",
        client=mongomock.MongoClient(tz_aware=True),
        database="deskmeter",
    )


def exact(
    store: Any, host: str | None = None, tz: Any = MADRID, day_start: timedelta = ZERO
) -> None:
    got = answers(store, START, END, tz, day_start, host)
    want = reference(store, START, END, tz, day_start, host)
    assert got == want
    assert got["day_totals task"], "nothing counted: the test would prove nothing"


# -- SQLite -------------------------------------------------------------------------------


def test_sqlite_views_read_the_kept_rows(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.add_switches(history())
    exact(store)
    db = sqlite3.connect(tmp_path / "s.db")
    with db:
        db.execute("UPDATE day_total SET us = us + 3600000000 WHERE grp = 0")
    db.close()
    doubled = store.range_totals(START, END, MADRID)
    want = [t for t in reference(store, START, END, MADRID, ZERO, None)["range_totals task"]]
    assert doubled != want  # the answer came from the rows, not from the switches
    store.close()


def test_a_v3_file_without_the_rows_gets_them_built_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with SQLiteStore(path) as store:
        store.add_switches(history())
        store.add_switches(history("laptop", "l", hours=0.7))
    db = sqlite3.connect(path)
    with db:  # what a file of the version before had: no day totals at all
        for table in ("day_total", "day_host", "day_total_state"):
            db.execute(f"DROP TABLE {table}")
    db.close()
    store = SQLiteStore(path)
    tables = {
        r[0] for r in store.connections.query("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    assert {"day_total", "day_host", "day_total_state"} <= tables
    assert store.connections.query("SELECT COUNT(*) FROM day_total")[0][0] > 0
    assert store.schema_version() == SCHEMA_VERSION  # derived data: no version of its own
    for host in (None, "desk", "laptop"):
        exact(store, host)
    store.close()


def test_a_layout_2_file_drops_the_combined_rows_of_its_one_host_on_open(tmp_path: Path) -> None:
    """Layout 2 kept the combined scope ("all hosts", host 0) for a one-host store too; a file
    built with it is rebuilt on its first writable open, without those rows, and answers as
    before. A read-only open of it reads the switches meanwhile, with the same answers."""
    from deskmeter.store.sqlite.totals_sql import LAYOUT

    assert LAYOUT == 3
    path = tmp_path / "layout2.db"
    with SQLiteStore(path) as store:
        store.add_switches(history())
        exact(store)
    db = sqlite3.connect(path)
    with db:  # what layout 2 left: the one host's rows copied as host 0, and its mark
        db.execute("INSERT INTO day_total SELECT 0, grp, day, label, ws_index, us FROM day_total")
        db.execute(
            "INSERT INTO month_total SELECT 0, grp, month, label, ws_index, us FROM month_total"
        )
        db.execute("UPDATE day_total_state SET schema = schema - 1")
    db.close()
    with SQLiteStore(path, read_only=True) as store:
        exact(store)
    with SQLiteStore(path) as store:
        exact(store)
        for table in ("day_total", "month_total"):
            rows = store.connections.query(f"SELECT COUNT(*) FROM {table} WHERE host = 0")
            assert rows[0][0] == 0, table
        state = store.connections.query("SELECT schema FROM day_total_state")[0][0]
        assert state % 1000 == LAYOUT


def test_switches_written_behind_the_rows_back_are_noticed_on_open(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with SQLiteStore(path) as store:
        store.add_switches(history())
        exact(store)
    db = sqlite3.connect(path)
    with db:  # an older Deskmeter deletes a switch without knowing the rows
        db.execute("DELETE FROM switch WHERE start = (SELECT MIN(start) FROM switch)")
    db.close()
    with SQLiteStore(path) as store:
        exact(store)


def test_another_zone_rebuilds_a_writable_store_and_a_read_only_one_reads_the_switches(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.db"
    store = SQLiteStore(path)
    store.add_switches(history())
    exact(store)  # built for Madrid
    state = "SELECT zone FROM day_total_state"
    assert store.connections.query(state)[0][0] == "Europe/Madrid|0"
    reader = SQLiteStore(path, read_only=True)
    four = timedelta(hours=4)
    exact(reader, tz=MADRID, day_start=four)  # the switches: the kept rows stay for Madrid|0
    assert store.connections.query(state)[0][0] == "Europe/Madrid|0"
    exact(store, tz=MADRID, day_start=four)  # writable: rebuilt for 04:00
    assert (
        store.connections.query(state)[0][0] == f"Europe/Madrid|{four // timedelta(microseconds=1)}"
    )
    store.add_switches(history(prefix="n", hours=1.3))  # kept in the new zone from now on
    exact(store, tz=MADRID, day_start=four)
    exact(reader, tz=MADRID, day_start=four)  # the reader now reads the rows: same answers
    reader.close()
    store.close()


def test_hosts_and_last_switch_ends_come_from_the_kept_rows(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    desk, laptop = history(), history("laptop", "l", hours=0.7)[:10]
    store.add_switches(desk + laptop)
    assert store.last_switch_ends() == {"desk": desk[-1].end, "laptop": laptop[-1].end}
    store.delete_switches([desk[-1].id])
    assert store.last_switch_ends()["desk"] == desk[-2].end
    assert [h.name for h in store.hosts()] == ["desk", "laptop"]
    store.close()


# -- MongoDB (on mongomock, an imitation: the real-server tier is tests/contract) ------------


def test_mongodb_views_read_the_kept_documents() -> None:
    store = mongo_store()
    store.add_switches(history())
    exact(store)
    assert store.db.day_total.count_documents({}) > 0
    store.db.day_total.update_many({"g": 0}, {"$inc": {"us": 3_600_000_000}})
    want = reference(store, START, END, MADRID, ZERO, None)["range_totals task"]
    assert store.range_totals(START, END, MADRID) != want


def test_mongodb_a_crash_between_the_switch_write_and_the_totals_is_repaired() -> None:
    store = mongo_store()
    store.add_switches(history())
    exact(store)  # built
    kept = MongoDayTotals(store.db)
    extra = history(prefix="x", hours=1.1)[:5]
    with pytest.raises(RuntimeError), kept.keeping([s.id for s in extra]):
        store.db.switch.insert_many([switch_to_doc(s) for s in extra])
        raise RuntimeError("killed before the day totals were recomputed")
    assert store.db.day_total_marker.count_documents({}) == 1
    exact(store)  # a marker is there: answered live from the switches, exact
    old = datetime.now(UTC) - timedelta(hours=1)
    store.db.day_total_marker.update_many({}, {"$set": {"at": old}})
    store.add_switches(history(prefix="y", hours=1.9)[:2])  # the next batch replays it
    assert store.db.day_total_marker.count_documents({}) == 0
    exact(store)
    store.db.day_total.update_many({"g": 0}, {"$inc": {"us": 10**9}})  # and reads the documents
    assert (
        store.range_totals(START, END, MADRID)
        != reference(store, START, END, MADRID, ZERO, None)["range_totals task"]
    )


def test_mongodb_a_rebuild_that_died_is_redone() -> None:
    store = mongo_store()
    store.add_switches(history())
    exact(store)
    store.db.day_total.delete_many({})  # half-built
    old = datetime.now(UTC) - timedelta(hours=1)
    store.db.day_total_marker.insert_one({"_id": BUILD_MARKER, "at": old})
    exact(store)
    assert store.db.day_total_marker.count_documents({}) == 0


def test_the_sink_keeps_the_remote_totals_per_host() -> None:
    client = mongomock.MongoClient(tz_aware=True)
    remote = MongoStore("mongodb://mongomock.invalid/r", client=client, database="remote")
    remote.add_switches(history("pi", "p")[:3])
    exact(remote)  # the remote dashboard built its totals
    sinks = {
        h: MongoSink("mongodb://mongomock.invalid/remote", client=client)
        for h in ("desk", "laptop")
    }
    batches = {"desk": history("desk", "d"), "laptop": history("laptop", "l", hours=0.7)}
    for first in range(0, 40, 10):  # two hosts' batches interleaved
        for host, sink in sinks.items():
            before = list(remote.db.day_total.find({"h": {"$ne": host}}))
            sink.apply(
                [
                    DocChange("switch", s.id, switch_to_doc(s))
                    for s in batches[host][first : first + 10]
                ]
            )
            assert list(remote.db.day_total.find({"h": {"$ne": host}})) == before  # its own only
    gone = batches["desk"][5]
    sinks["desk"].apply([DocChange("switch", gone.id, None)])
    assert remote.db.day_total_marker.count_documents({}) == 0
    for host in (None, "desk", "laptop", "pi"):
        exact(remote, host)
    assert remote.last_switch_ends()["desk"] == batches["desk"][-1].end


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_one_batch_over_several_months_counts_the_months_between(kind: str, tmp_path: Path) -> None:
    store: Any = SQLiteStore(tmp_path / "s.db") if kind == "sqlite" else mongo_store()
    first = datetime(2026, 1, 10, 8, 0, tzinfo=UTC)
    store.add_switches(  # one write of 100 days: the months in between get their sums too
        [
            Switch(f"m{n:03d}", first + timedelta(days=n), 3600.0, 0, "code", None, "work")
            for n in range(100)
        ]
    )
    march = (datetime(2026, 2, 28, 23, tzinfo=UTC), datetime(2026, 3, 31, 22, tzinfo=UTC))
    half = (datetime(2025, 12, 31, 23, tzinfo=UTC), datetime(2026, 6, 30, 22, tzinfo=UTC))
    for (lo, hi), days in ((march, 31), (half, 100)):
        want = reference(store, lo, hi, MADRID, ZERO, None)
        assert answers(store, lo, hi, MADRID, ZERO, None) == want
        assert want["range_totals task"][0].seconds == 3600 * days
