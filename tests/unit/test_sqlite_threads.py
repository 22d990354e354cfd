"""SQLite under threads (gunicorn's): one connection per thread, reads never wait for a
writer's transaction, writes are serialized; and the file's size per switch."""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks.synthetic import generate

from deskmeter.models import Switch
from deskmeter.store.sqlite import SQLiteStore

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_each_thread_reads_through_its_own_connection(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "d.db")
    seen: set[int] = set()
    lock = threading.Lock()

    def read(_: int) -> int:
        with lock:
            seen.add(id(store.connections.db()))
        return len(store.switches())

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(read, range(40))) == [0] * 40
    assert len(seen) >= 2  # several threads, several connections
    store.close()


def test_a_read_does_not_wait_for_an_open_write_transaction(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "d.db")
    store.add_switch(Switch("a", T0, 1, 0, "w"))
    inside, release = threading.Event(), threading.Event()

    def slow_writer() -> None:
        with store.connections.transaction() as db:
            db.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")
            inside.set()
            release.wait(30)

    writer = threading.Thread(target=slow_writer)
    writer.start()
    assert inside.wait(30)
    try:
        reader: list[list[Switch]] = []
        thread = threading.Thread(target=lambda: reader.append(store.switches()))
        thread.start()
        thread.join(10)  # with one process-wide lock this read waited for the writer
        assert not thread.is_alive(), "the read waited for the writer's transaction"
        assert [s.id for s in reader[0]] == ["a"]
        assert store.get_meta("k") is None  # not committed yet: WAL shows the old snapshot
    finally:
        release.set()
        writer.join(30)
    assert store.get_meta("k") == "v"


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "d.db")

    def write(n: int) -> None:
        for k in range(25):
            store.add_switch(Switch(f"{n}-{k}", T0 + timedelta(seconds=n * 100 + k), 1, n, f"w{n}"))

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(write, range(8)))
    assert store.count_switches() == 200
    assert {s.workspace for s in store.switches()} == {f"w{n}" for n in range(8)}
    other = SQLiteStore(tmp_path / "d.db")  # another process's view: labels from the file
    assert {s.workspace for s in other.switches()} == {f"w{n}" for n in range(8)}


def test_closing_closes_every_threads_connection(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "d.db")
    connections: list[sqlite3.Connection] = []
    thread = threading.Thread(target=lambda: connections.append(store.connections.db()))
    thread.start()
    thread.join()
    store.close()
    try:
        connections[0].execute("SELECT 1")
        raise AssertionError("the thread's connection is still open")
    except sqlite3.ProgrammingError:
        pass


def test_a_year_of_switches_takes_well_under_100_bytes_each(tmp_path: Path) -> None:
    path = tmp_path / "size.db"
    switches = list(generate(date(2025, 1, 1), 120, ZoneInfo("Europe/Madrid")))
    store = SQLiteStore(path)
    store.add_switches(switches)
    store.close()
    db = sqlite3.connect(path)
    db.execute("VACUUM")
    db.close()
    per_switch = path.stat().st_size / len(switches)
    # Version 2 took about 275 bytes (a change-log row and three indexes per switch).
    assert per_switch < 100, per_switch
