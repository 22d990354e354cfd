"""Single-host data becomes one host's the same way on both backends (store/adopt.py).

SQLite is the real embedded backend; MongoDB runs on mongomock, an in-memory stand-in for
the server (``mongomock`` in the test ids).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import mongomock
import pytest

from deskmeter.models import State, Switch, Task, TaskHistoryEntry
from deskmeter.store import Store
from deskmeter.store.adopt import adopt, has_legacy
from deskmeter.store.edit_record import EditRecord
from deskmeter.store.mongo import MongoStore
from deskmeter.store.mongo.documents import MongoDocuments
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.store.sqlite.documents import SQLiteDocuments

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "mongomock"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The real SQLite backend, or the MongoDB backend on mongomock (a stand-in server)."""
    if request.param == "sqlite":
        with SQLiteStore(tmp_path / "adopt.db") as sqlite:
            yield sqlite
    else:
        yield MongoStore(
            "mongodb://mongomock.invalid/deskmeter",
            client=mongomock.MongoClient(tz_aware=True),
            database="deskmeter",
        )


def single_host_data(store: Store) -> EditRecord:
    """What the single-host versions left: a task, a history entry, the state, an edit,
    none with a host; and one record of another host, which must stay as it is."""
    store.upsert_tasks([Task("t1", "work/a", updated=T0)])
    store.add_task_history([TaskHistoryEntry("t1", "old/a", T0)])
    store.put_state(State(0, "code", T0, T0 + timedelta(seconds=5), "iv1", host=""))
    store.upsert_tasks([Task("t9", "work/laptop", updated=T0, host="laptop")])
    gone = Switch(id="a" * 24, date=T0, delta=60.0, workspace_index=0, workspace="code")
    store.add_switches([gone])
    edit = EditRecord(
        id="e1",
        at=T0,
        who="cli",
        op="away",
        start=T0,
        end=T0 + timedelta(minutes=1),
        before=(gone,),
    )
    store.apply_edit([gone.id], [], edit)
    return edit


def test_adopt_legacy_says_per_collection_what_became_the_hosts_on_both_backends(
    store: Store,
) -> None:
    """One return type (how many per collection) on both backends, edits included."""
    edit = single_host_data(store)
    assert store.adopt_legacy("desk") == {"task": 1, "task_history": 1, "state": 1, "edit": 1}
    assert store.adopt_legacy("desk") == {}
    assert {(t.host, t.id) for t in store.tasks()} == {("desk", "t1"), ("laptop", "t9")}
    assert [(e.host, e.path) for e in store.task_history()] == [("desk", "old/a")]
    assert [s.host for s in store.states()] == ["desk"]
    assert store.edits() == [replace(edit, host="desk")]


def test_a_newer_record_the_host_wrote_since_is_kept_over_the_legacy_one(store: Store) -> None:
    store.upsert_tasks([Task("t1", "old/path", updated=T0)])
    store.upsert_tasks([Task("t1", "new/path", updated=T0 + timedelta(hours=1), host="desk")])
    assert store.adopt_legacy("desk") == {"task": 1}
    assert [(t.host, t.path) for t in store.tasks()] == [("desk", "new/path")]


def test_the_same_steps_run_over_either_backends_documents(tmp_path: Path) -> None:
    """``adopt`` over SQLiteDocuments (real SQLite) and MongoDocuments (mongomock stand-in)
    leaves the two stores with the same records."""
    sqlite = SQLiteStore(tmp_path / "a.db")
    mongo = MongoStore(
        "mongodb://mongomock.invalid/deskmeter",
        client=mongomock.MongoClient(tz_aware=True),
        database="deskmeter",
    )
    for store in (sqlite, mongo):
        single_host_data(store)
    with sqlite.connections.transaction() as db:
        documents = SQLiteDocuments(db)
        assert has_legacy(documents)
        from_sqlite = adopt(documents, "desk")
        assert not has_legacy(documents)
    assert adopt(MongoDocuments(mongo.db), "desk") == from_sqlite
    for collection in ("task", "task_history", "state", "edit"):
        in_sqlite = {d["_id"]: d for d in sqlite.documents(collection)}
        in_mongo = {d["_id"]: d for d in mongo.db[collection].find()}
        assert in_sqlite == in_mongo, collection
    sqlite.close()
