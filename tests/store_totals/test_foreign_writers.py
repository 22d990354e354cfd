"""Kept day totals when another writer changes switches without changing their number (issue
22, item 3): raw SQL, or an older Deskmeter's one-for-one edit. Real SQLite files; the writer
is a second connection that knows nothing of the kept rows. Every answer is compared with the
reference computed from the switches (tests/store_totals/support.py)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from deskmeter.models import Switch
from deskmeter.store.sqlite import SQLiteStore
from tests.store_totals.support import MADRID, reference
from tests.store_totals.test_kept_rows import END, START, T0, ZERO, exact, history


def foreign(path: Path, sql: str) -> None:
    """``sql`` run by a writer that does not keep the day totals (one transaction)."""
    db = sqlite3.connect(path)
    with db:
        db.execute(sql)
    db.close()


def seconds(store: SQLiteStore) -> float:
    return sum(t.seconds for t in store.range_totals(START, END, MADRID))


def test_marking_switches_away_behind_the_stores_back_is_seen_on_open(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with SQLiteStore(path) as store:
        store.add_switches(history())
        before = seconds(store)  # the rows, built for Madrid
    foreign(path, "UPDATE switch SET away = 1 WHERE task IS NOT NULL")
    with SQLiteStore(path) as store:
        assert seconds(store) < before  # the switches made away no longer count
        exact(store)


def test_halving_deltas_is_seen_by_a_store_already_open(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = SQLiteStore(path)
    store.add_switches(history())
    before = seconds(store)
    foreign(path, "UPDATE switch SET delta = delta / 2")  # an old one-for-one edit
    assert seconds(store) < before * 0.6  # the web server's pages, still running
    exact(store)
    store.close()


def test_a_read_only_store_answers_a_changed_file_from_the_switches(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with SQLiteStore(path) as store:
        store.add_switches(history())
        before = seconds(store)  # the rows, built for Madrid
    foreign(path, "UPDATE switch SET away = 1 - away")
    with SQLiteStore(path, read_only=True) as store:  # `deskmeter report`
        assert seconds(store) != before
        exact(store)


def test_a_write_after_a_foreign_change_recomputes_every_day(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = SQLiteStore(path)
    store.add_switches(history())
    before = seconds(store)  # the rows, built for Madrid
    foreign(path, "UPDATE switch SET delta = delta / 3")
    extra = Switch("late", T0 + timedelta(days=3), 60.0, 0, "code", task="work/a", host="desk")
    store.add_switch(extra)  # its own day alone would leave the others stale
    got = store.range_totals(START, END, MADRID)
    assert sum(t.seconds for t in got) < before * 0.5
    assert got == reference(store, START, END, MADRID, ZERO, None)["range_totals task"]
    store.close()


def test_a_three_day_switch_written_without_longest_counts_on_every_day(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with SQLiteStore(path) as store:
        store.add_switches(history()[:3])  # an hour or so each: longest stays short
        seconds(store)  # the rows, built for Madrid
    three_days_ms = 3 * 86_400_000
    start_us = int((T0 + timedelta(days=1)).timestamp()) * 1_000_000
    db = sqlite3.connect(path)
    with db:  # the same labels as the first switch, a new id, 72 hours
        db.execute(
            "INSERT INTO switch (start, id, delta, workspace_index, workspace, task, task_id, "
            "host, away) SELECT ?, 'long', ?, workspace_index, workspace, task, task_id, host, 0 "
            "FROM switch ORDER BY start LIMIT 1",
            (start_us, three_days_ms),
        )
        db.execute("DELETE FROM switch WHERE id IN ('k001')")  # the count changes back:
        db.execute(  # one in, one out, as a one-for-one edit does
            "INSERT INTO switch (start, id, delta, workspace_index, workspace, task, task_id, "
            "host, away) SELECT start + 1, 'k001b', delta, workspace_index, workspace, task, "
            "task_id, host, away FROM switch WHERE id = 'k000'"
        )
        db.execute("DELETE FROM switch WHERE id = 'k000'")
    with SQLiteStore(path) as store:
        assert store.longest_switch() == 3 * 86_400.0
        days = store.day_totals(START, END, MADRID)
        by_day: dict[object, float] = {}
        for total in days:
            by_day[total.period] = by_day.get(total.period, 0) + total.seconds
        assert max(by_day.values()) <= 25 * 3600  # no day holds more than it has
        assert days == reference(store, START, END, MADRID, ZERO, None)["day_totals task"]
