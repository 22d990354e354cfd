"""Helpers for the sync tests: records, document snapshots, running an engine in a thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import bson
from bson.codec_options import CodecOptions

from deskmeter.config import SyncSettings
from deskmeter.models import State, Switch, Task, TaskHistoryEntry
from deskmeter.store.base import COLLECTIONS, Store
from deskmeter.sync.engine import SyncEngine
from deskmeter.sync.sink import MongoSink

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
_BSON = CodecOptions(tz_aware=True)

FAST = SyncSettings(
    batch_size=100,
    poll_seconds=0.01,
    backoff_initial_seconds=0.01,
    backoff_max_seconds=0.08,
    heartbeat_seconds=0.2,
)


def switch(i: int, delta: float = 60.0) -> Switch:
    """Switch number ``i``: an ObjectId-like id, microsecond start times like the tracker's."""
    return Switch(
        id=f"{i:024x}",
        date=T0 + timedelta(seconds=i * 61, microseconds=i % 997),
        delta=delta,
        workspace_index=i % 4,
        workspace=f"ws{i % 4}",
        task_id=f"t{i % 7}",
        task=f"work/p{i % 7}",
        host="box",
    )


def delete_switch(store: Any, number: int) -> None:
    """Delete switch number ``number`` directly (maintenance; the tracker never deletes)."""
    store.delete_switches([f"{number:024x}"])


def seed(store: Store, switches: int) -> None:
    store.add_switches(switch(i) for i in range(switches))
    store.upsert_tasks([Task(f"t{i}", f"work/p{i}", updated=T0, host="box") for i in range(7)])
    store.add_task_history(
        [TaskHistoryEntry(f"t{i}", f"old/p{i}", T0, host="box") for i in range(7)]
    )
    store.put_state(State(1, "ws1", T0, T0 + timedelta(seconds=5), "ffff", "t1", "work/p1", "box"))


def as_bson(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` as MongoDB keeps it (BSON dates hold milliseconds)."""
    return dict(bson.decode(bson.encode(doc), codec_options=_BSON))


def local_documents(store: Any) -> dict[str, dict[Any, dict[str, Any]]]:
    """Every synced document of the local store, as BSON would hold it, by collection and id."""
    return {c: {d["_id"]: as_bson(d) for d in store.documents(c)} for c in COLLECTIONS}


def remote_documents(sink: MongoSink) -> dict[str, dict[Any, dict[str, Any]]]:
    result: dict[str, dict[Any, dict[str, Any]]] = {}
    for c in COLLECTIONS:
        docs = list(sink.db[c].find({}))
        result[c] = {d["_id"]: as_bson(d) for d in docs}
        assert len(result[c]) == len(docs), f"duplicate _id in remote {c}"
    return result


@contextmanager
def running(engine: SyncEngine) -> Iterator[threading.Thread]:
    """The engine's daemon loop in a thread; stopped (and joined) on exit."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            engine.run()
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        engine.request_stop()
        thread.join(10)
    assert not thread.is_alive(), "the engine did not stop"
    if errors:
        raise errors[0]
