"""The SQLite file: WAL, versioned migrations, and the change log that sync reads."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from deskmeter.models import State, Switch
from deskmeter.store import StoreError, open_store
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.store.sqlite.schema import SCHEMA_VERSION

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_a_new_file_is_migrated_to_the_current_version_in_wal_mode(tmp_path: Path) -> None:
    store = open_store(tmp_path / "sub" / "d.db")
    assert isinstance(store, SQLiteStore)
    assert store.schema_version() == SCHEMA_VERSION
    mode = sqlite3.connect(tmp_path / "sub" / "d.db").execute("PRAGMA journal_mode").fetchone()
    assert mode[0] == "wal"
    store.close()
    assert SQLiteStore(tmp_path / "sub" / "d.db").schema_version() == SCHEMA_VERSION


def test_a_file_from_a_newer_deskmeter_is_refused(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "new.db")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer than this Deskmeter understands"):
        SQLiteStore(tmp_path / "new.db")


def test_an_unwritable_location_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StoreError, match="cannot open SQLite store"):
        SQLiteStore(blocker / "d.db")


def test_nothing_is_logged_until_sync_starts_the_change_log(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "d.db")
    store.add_switch(Switch("a", T0, 1, 0, "w"))
    store.put_state(State(0, "w", T0, T0, "iv"))
    assert not store.changelog.enabled()
    assert store.changelog.changes_after(0) == []
    assert store.changelog.start() == 0
    store.add_switch(Switch("b", T0, 1, 0, "w"))
    assert [c.doc_id for c in store.changelog.changes_after(0)] == ["b"]


def test_every_change_is_logged_once_per_document_in_order(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "d.db")
    store.changelog.start()
    store.add_switch(Switch("a", T0, 1, 0, "w"))
    store.add_switch(Switch("b", T0, 1, 0, "w"))
    store.put_state(State(0, "w", T0, T0, "iv"))
    store.add_switch(Switch("a", T0, 2, 0, "w"))  # a replaces its older log row
    changes = store.changelog.changes_after(0)
    assert [(c.collection, c.doc_id, c.op) for c in changes] == [
        ("switch", "b", "upsert"),
        ("state", "current", "upsert"),
        ("switch", "a", "upsert"),
    ]
    store.put_state(None, host="")
    last = store.changelog.changes_after(changes[-1].seq)
    assert [(c.collection, c.op) for c in last] == [("state", "delete")]
    assert store.changelog.last_seq() == last[0].seq
    assert store.get_document("switch", "a") is not None
    assert store.get_document("switch", "a")["delta"] == 2  # type: ignore[index]
    store.put_state(None, host="")  # nothing to delete: nothing logged
    assert store.changelog.last_seq() == last[0].seq


def test_pruning_records_how_far_it_went(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "d.db")
    store.changelog.start()
    for n in range(5):
        store.add_switch(Switch(f"s{n}", T0, 1, 0, "w"))
    assert store.changelog.prune(3) == 3
    assert store.changelog.pruned_through() == 3
    assert [c.doc_id for c in store.changelog.changes_after(0)] == ["s3", "s4"]


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "d.db")
    store.changelog.start()

    class BoomError(Exception):
        pass

    def switches():  # type: ignore[no-untyped-def]
        yield Switch("x", T0, 1, 0, "new workspace")
        raise BoomError

    with pytest.raises(BoomError):
        store.add_switches(switches())
    assert store.count_switches() == 0
    assert store.changelog.changes_after(0) == []
    # The label made in the rolled-back transaction is not reused from a stale cache.
    store.add_switch(Switch("y", T0, 1, 0, "new workspace"))
    assert store.switches()[0].workspace == "new workspace"
