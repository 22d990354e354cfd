"""Moving a version 1 or 2 SQLite file to the compact version 3 in place, checked, atomic."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deskmeter.ids import new_id
from deskmeter.models import State, Switch, Task, TaskHistoryEntry
from deskmeter.store import StoreError
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.store.sqlite import migrate as sqlite_migrate
from deskmeter.store.sqlite.migrate import legacy_switch
from deskmeter.store.sqlite.schema import LEGACY_MIGRATIONS, SCHEMA_VERSION, statements

T0 = datetime(2024, 3, 30, 22, 59, 58, 123456, tzinfo=UTC)


def legacy_switches(count: int) -> list[Switch]:
    """Every shape old files hold: ObjectId and other ids, µs starts, names, no task."""
    out = []
    for n in range(count):
        out.append(
            Switch(
                id=new_id(T0.timestamp() + n) if n % 3 else f"imported-{n}",
                date=T0 + timedelta(seconds=n * 61.5, microseconds=n * 7),
                delta=round(0.001 + n * 1.337, 3),
                workspace_index=n % 5,
                workspace=["code", "web", "", "chat", "ünïcode"][n % 5],
                task_id=None if n % 4 == 0 else f"t{n % 7}",
                task=None if n % 4 == 0 else ("" if n % 11 == 0 else f"work/area/{n % 7}"),
                host="" if n % 2 else "laptop",
            )
        )
    return out


def write_legacy_file(path: Path, switches: list[Switch], version: int = 2) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    for script in LEGACY_MIGRATIONS[:version]:
        for statement in statements(script):
            db.execute(statement)
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO switch VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                s.id,
                s.date.timestamp(),
                s.delta,
                s.workspace_index,
                s.workspace,
                s.task_id,
                s.task,
                s.host,
            )
            for s in switches
        ],
    )
    db.execute("INSERT INTO task VALUES ('t1', 'work/area/1', 1, ?)", (T0.timestamp(),))
    db.execute("INSERT INTO task_history VALUES ('t1@1', 't1', 'old/name', ?)", (T0.timestamp(),))
    db.execute(
        "INSERT INTO state VALUES ('current', 2, 'web', ?, ?, 'iv1', 't1', 'work/area/1', 'h')",
        (T0.timestamp(), T0.timestamp() + 30),
    )
    db.execute("INSERT INTO meta VALUES ('some.setting', 'kept')")
    db.execute(f"PRAGMA user_version = {version}")
    db.execute("COMMIT")
    db.close()


def read_legacy(path: Path) -> tuple[int, list[Switch]]:
    db = sqlite3.connect(path)
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    rows = db.execute(
        "SELECT id, date, delta, workspace_index, workspace, task_id, task, host FROM switch"
    ).fetchall()
    db.close()
    return version, sorted((legacy_switch(r) for r in rows), key=lambda s: s.id)


@pytest.mark.parametrize("version", [1, 2])
def test_a_legacy_file_migrates_and_every_record_reads_back_identical(
    tmp_path: Path, version: int
) -> None:
    path = tmp_path / "old.db"
    originals = legacy_switches(400)
    write_legacy_file(path, originals, version)
    assert read_legacy(path) == (version, sorted(originals, key=lambda s: s.id))

    store = SQLiteStore(path)
    assert store.schema_version() == SCHEMA_VERSION
    assert sorted(store.switches(), key=lambda s: s.id) == sorted(originals, key=lambda s: s.id)
    assert store.switches() == sorted(originals, key=lambda s: (s.date, s.id))
    assert store.longest_switch() == max(s.delta for s in originals)
    # The single-host rows are the host the state names (version 4: per-host keys).
    assert store.tasks() == [
        Task("t1", "work/area/1", True, datetime.fromtimestamp(T0.timestamp(), UTC), host="h")
    ]
    assert store.task_history("t1") == [
        TaskHistoryEntry("t1", "old/name", datetime.fromtimestamp(T0.timestamp(), UTC), "h")
    ]
    assert store.get_state() == State(
        2,
        "web",
        datetime.fromtimestamp(T0.timestamp(), UTC),
        datetime.fromtimestamp(T0.timestamp() + 30, UTC),
        "iv1",
        "t1",
        "work/area/1",
        "h",
    )
    assert store.get_meta("some.setting") == "kept"
    # Nothing old was away; the new columns and the (empty) edit log are there and work.
    assert not any(s.away for s in store.switches())
    assert store.get_state() is not None and not store.get_state().away  # type: ignore[union-attr]
    assert store.edits() == []
    db = sqlite3.connect(path)
    assert db.execute("SELECT COUNT(*) FROM switch WHERE away = 0").fetchone()[0] == 400
    assert {r[1] for r in db.execute("PRAGMA table_info(edit)")} == {"id", "at", "body"}
    db.close()
    # Sync never ran: the old log (one row per switch) is gone and nothing is recorded.
    assert not store.changelog.enabled()
    assert store.changelog.changes_after(0) == []
    tables = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master")}
    assert "switch_v2" not in tables
    assert not {t for t in tables if t.endswith(("_changelog_insert", "_changelog_delete"))}
    store.close()


def test_the_migration_gives_the_space_back(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    write_legacy_file(path, legacy_switches(3000))
    before = path.stat().st_size
    SQLiteStore(path).close()
    after = path.stat().st_size
    assert after < before / 2, (before, after)


def test_a_file_sync_used_keeps_its_unsynced_changes_and_goes_on_recording(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    write_legacy_file(path, legacy_switches(20))
    db = sqlite3.connect(path)
    db.execute("INSERT INTO meta VALUES ('sync.checkpoint', '{}')")
    db.commit()
    logged = db.execute("SELECT COUNT(*) FROM changelog").fetchone()[0]
    db.close()
    store = SQLiteStore(path)
    assert store.changelog.enabled()
    changes = store.changelog.changes_after(0, 10_000)
    # Every old entry is kept; the move to per-host keys is logged on top (the old key of
    # each rekeyed task, history entry and state deleted, its new key written).
    rekeyed = {(c.collection, c.doc_id, c.op) for c in changes[logged - 3 :]}
    assert len(changes) == logged + 3 and logged > 20
    assert rekeyed >= {
        ("task", "t1", "delete"),
        ("task", "h:t1", "upsert"),
        ("task_history", "t1@1", "delete"),
        ("state", "current", "delete"),
        ("state", "current@h", "upsert"),
    }
    seq = store.changelog.last_seq()
    store.add_switch(Switch("new", T0, 1, 0, "w"))
    assert [c.doc_id for c in store.changelog.changes_after(seq)] == ["new"]


def test_a_failed_check_leaves_the_old_file_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    originals = legacy_switches(50)
    write_legacy_file(path, originals)
    expected = read_legacy(path)

    def refuse(*args: object) -> None:
        raise StoreError("migration check: switch x reads back wrong")

    monkeypatch.setattr(sqlite_migrate, "verify_copy", refuse)
    with pytest.raises(StoreError, match="reads back wrong"):
        SQLiteStore(path)
    assert read_legacy(path) == expected
    monkeypatch.undo()
    assert len(SQLiteStore(path).switches()) == 50


def _crash_during_migration(path: str) -> None:
    def die(*args: object) -> None:
        os._exit(17)  # like a kill -9 after every row was copied, before the commit

    sqlite_migrate.verify_copy = die  # type: ignore[assignment]
    SQLiteStore(path)


def test_a_crash_mid_migration_leaves_the_old_schema_and_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    originals = legacy_switches(200)
    write_legacy_file(path, originals)
    expected = read_legacy(path)
    child = multiprocessing.get_context("fork").Process(
        target=_crash_during_migration, args=(str(path),)
    )
    child.start()
    child.join(60)
    assert child.exitcode == 17
    copy = tmp_path / "copy.db"  # what a reader finds, before anyone recovers the journal
    shutil.copy(path, copy)
    if Path(f"{path}-wal").exists():
        shutil.copy(f"{path}-wal", f"{copy}-wal")
    assert read_legacy(copy) == expected
    store = SQLiteStore(path)  # the next start migrates it
    assert sorted(store.switches(), key=lambda s: s.id) == expected[1]


def test_a_new_file_is_created_at_the_current_version_directly(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "new.db")
    assert store.schema_version() == SCHEMA_VERSION
    columns = {
        r[1] for r in sqlite3.connect(tmp_path / "new.db").execute("PRAGMA table_info(switch)")
    }
    assert columns == {
        "start",
        "id",
        "delta",
        "workspace_index",
        "workspace",
        "task",
        "task_id",
        "host",
        "away",
    }
