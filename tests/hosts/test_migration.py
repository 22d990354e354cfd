"""Existing single-host stores and remotes become per-host without losing anything.

* SQLite: a version 3 file (as shipped) moves to version 4 in place; every document is still
  there, the host-less ones now keyed by the file's host.
* MongoDB (mongomock): a remote the single-host code wrote (``state`` ``_id: "current"``,
  tasks keyed by bare id, no ``host``) is adopted by the first host that syncs; another
  host's documents are never touched, and running it again (or from two hosts) is harmless.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import mongomock
import pytest

from deskmeter.models import State, Switch
from deskmeter.store.adopt import adopt_legacy, has_legacy
from deskmeter.store.base import StoreError
from deskmeter.store.documents import state_to_doc, switch_to_doc
from deskmeter.store.edit_record import EditRecord, edit_from_json, edit_to_doc, edit_to_json
from deskmeter.store.mongo import MongoStore
from deskmeter.store.mongo.documents import MongoDocuments
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.store.sqlite.changelog import ENABLED
from deskmeter.store.sqlite.codec import Labels, switch_rows, switch_texts
from deskmeter.store.sqlite.schema import SCHEMA_V3, SCHEMA_VERSION, statements
from deskmeter.sync.sink import MongoSink
from tests.sync import mongomock_ids

mongomock_ids.install()

T0 = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)


def old_switch(n: int, host: str = "desk") -> Switch:
    return Switch(f"{n:024x}", T0 + timedelta(minutes=n), 60, n % 3, f"ws{n % 3}", "t1", "a", host)


#: An edit record as version 3 wrote it (no host).
V3_EDIT = edit_to_json(EditRecord("e1", T0, "cli", "away", T0, T0 + timedelta(minutes=5))).replace(
    ',"host":""', ""
)
assert '"host"' not in V3_EDIT


def write_v3_file(path: Path, *, sync_used: bool) -> None:
    """A version 3 file with switches, two tasks, history, the state and an edit."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    for statement in statements(SCHEMA_V3):
        db.execute(statement)
    switches = [old_switch(n) for n in range(30)]
    labels = Labels()
    numbers = labels.numbers(db, switch_texts(switches))
    db.executemany(
        "INSERT INTO switch (start, id, delta, workspace_index, workspace, task, task_id, "
        "host, away) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        switch_rows(switches, numbers),
    )
    at = T0.timestamp()
    db.execute("INSERT INTO task VALUES ('t1', 'work/a', 1, ?)", (at,))
    db.execute("INSERT INTO task VALUES ('work/b', 'work/b', 0, ?)", (at,))
    db.execute("INSERT INTO task_history VALUES (?, 't1', 'old/a', ?)", (f"t1@{at:.6f}", at))
    db.execute(
        "INSERT INTO state VALUES ('current', 1, 'ws1', ?, ?, 'iv9', 't1', 'work/a', 'desk', 0)",
        (at, at + 30),
    )
    db.execute("INSERT INTO edit VALUES ('e1', ?, ?)", (at, V3_EDIT))
    if sync_used:
        db.execute("INSERT INTO meta VALUES (?, '1')", (ENABLED,))
    db.execute("PRAGMA user_version = 3")
    db.execute("COMMIT")
    db.close()


def _without_keys(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Documents minus what the move changes on purpose (their key and host)."""
    return sorted(
        ({k: v for k, v in d.items() if k not in ("_id", "host", "task_id")} for d in docs),
        key=repr,
    )


def test_a_version_3_file_moves_to_version_4_and_keeps_every_document(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    write_v3_file(path, sync_used=True)
    store = SQLiteStore(path)
    assert store.schema_version() == SCHEMA_VERSION == 4
    counts = {c: store.count_documents(c) for c in ("switch", "task", "task_history", "state")}
    assert counts == {"switch": 30, "task": 2, "task_history": 1, "state": 1}
    assert store.count_documents("edit") == 1
    assert [s.id for s in store.switches()] == [f"{n:024x}" for n in range(30)]
    assert {(t.host, t.id, t.path, t.active) for t in store.tasks(include_inactive=True)} == {
        ("desk", "t1", "work/a", True),
        ("desk", "work/b", "work/b", False),
    }
    assert {d["_id"] for d in store.documents("task")} == {"desk:t1", "desk:work/b"}
    (entry,) = store.task_history()
    assert (entry.host, entry.task_id, entry.path, entry.since) == ("desk", "t1", "old/a", T0)
    (state,) = store.states()
    assert (state.host, state.interval_id, state.task) == ("desk", "iv9", "work/a")
    assert store.get_state("desk") == state
    assert [d["_id"] for d in store.documents("state")] == ["current@desk"]
    assert [e.host for e in store.edits()] == ["desk"]
    # every document reads back as it was, but for its key and host
    assert [d for d in store.documents("switch")] == [
        switch_to_doc(old_switch(n)) for n in range(30)
    ]
    was = {
        "task": [
            {"path": "work/a", "active": True, "updated": T0},
            {"path": "work/b", "active": False, "updated": T0},
        ],
        "task_history": [{"path": "old/a", "since": T0}],
        "state": [
            state_to_doc(State(1, "ws1", T0, T0 + timedelta(seconds=30), "iv9", "t1", "work/a"))
        ],
    }
    for collection, docs in was.items():
        got = _without_keys(list(store.documents(collection)))
        assert got == _without_keys(docs), collection
    (edit_doc,) = store.documents("edit")
    assert {k: v for k, v in edit_doc.items() if k != "host"} == {
        k: v for k, v in edit_to_doc(edit_from_json(V3_EDIT)).items() if k != "host"
    }
    # sync had run: the rekeying is in the change log, so the remote follows
    logged = {(c.collection, c.doc_id, c.op) for c in store.changelog.changes_after(0)}
    assert ("state", "current", "delete") in logged and ("task", "desk:t1", "upsert") in logged
    store.close()
    again = SQLiteStore(path)  # opening again changes nothing
    assert again.count_documents("task") == 2 and again.adopt_legacy("desk") == {}
    again.close()


def test_a_failed_move_to_version_4_leaves_the_version_3_file(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    write_v3_file(path, sync_used=False)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE task_by_host (x)")  # the new index's name is taken: it fails
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="to version 4 failed"):
        SQLiteStore(path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 3
    assert db.execute("SELECT id FROM state").fetchall() == [("current",)]
    assert db.execute("SELECT COUNT(*) FROM task").fetchone()[0] == 2
    db.close()


# -- the remote ---------------------------------------------------------------------------


def legacy_remote() -> mongomock.Database:
    """What the single-host code left on the remote: desk's, without hosts on most."""
    db = mongomock.MongoClient(tz_aware=True)["deskmeter"]
    db.switch.insert_many([switch_to_doc(old_switch(n)) for n in range(10)])
    db.task.insert_many(
        [
            {"_id": "t1", "path": "work/a", "active": True, "updated": T0},
            {"_id": "work/b", "path": "work/b", "active": False, "updated": T0},
        ]
    )
    db.task_history.insert_one(
        {"_id": f"t1@{T0.timestamp():.6f}", "task_id": "t1", "path": "old/a", "since": T0}
    )
    state = state_to_doc(
        State(1, "ws1", T0, T0 + timedelta(seconds=30), "iv9", "t1", "work/a", "desk")
    )
    db.state.insert_one({**state, "_id": "current"})
    db.edit.insert_one({"_id": "e1", "at": T0, "op": "away", "who": "cli"})
    return db


def test_a_single_host_remote_is_adopted_by_its_host_and_nothing_else_changes() -> None:
    db = legacy_remote()
    laptop_doc = {"_id": "laptop:t1", "task_id": "t1", "host": "laptop", "path": "x"}
    db.task.insert_one({**laptop_doc, "active": True, "updated": T0})
    before = {c: db[c].count_documents({}) for c in ("switch", "task", "task_history", "state")}
    assert has_legacy(MongoDocuments(db))
    # the laptop syncs first after the upgrade: the legacy state names desk, so desk's
    changed = adopt_legacy(MongoDocuments(db), fallback="laptop")
    assert changed == {"task": 2, "task_history": 1, "state": 1, "edit": 1}
    after = {c: db[c].count_documents({}) for c in ("switch", "task", "task_history", "state")}
    assert after == before
    assert sorted(d["_id"] for d in db.task.find()) == ["desk:t1", "desk:work/b", "laptop:t1"]
    assert db.task.find_one({"_id": "laptop:t1"})["path"] == "x"  # untouched
    assert [d["_id"] for d in db.state.find()] == ["current@desk"]
    assert db.edit.find_one({"_id": "e1"})["host"] == "desk"
    assert not has_legacy(MongoDocuments(db))
    assert adopt_legacy(MongoDocuments(db), fallback="laptop") == {}
    store = MongoStore("mongodb://r.invalid/deskmeter", client=db.client, database="deskmeter")
    assert store.get_state("desk") is not None and store.get_state("desk").interval_id == "iv9"  # type: ignore[union-attr]
    assert {(t.host, t.id) for t in store.tasks(include_inactive=True)} == {
        ("desk", "t1"),
        ("desk", "work/b"),
        ("laptop", "t1"),
    }


def test_without_a_legacy_state_the_latest_switch_names_the_owner() -> None:
    db = legacy_remote()
    db.state.delete_many({})
    db.switch.insert_one(switch_to_doc(old_switch(99, host="")))  # an import: no host
    assert adopt_legacy(MongoDocuments(db), fallback="laptop")["task"] == 2
    assert {d["host"] for d in db.task.find()} == {"desk"}


def test_the_first_sync_after_the_upgrade_adopts_the_remote() -> None:
    db = legacy_remote()
    sink = MongoSink("mongodb://r.test/deskmeter", client=db.client, host="desk")
    sink.check()
    assert not has_legacy(MongoDocuments(db))
    assert [d["_id"] for d in db.state.find()] == ["current@desk"]
