"""The engine with the MongoDB source, driven by the hand-written fake change stream.

The local store is the MongoDB backend's code on mongomock; its writes become change events
of the documented shape (see ``fake_change_stream.py``); the remote is MongoSink on mongomock.
No real MongoDB server is involved here (see ``test_real_mongodb.py`` for that tier).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from pymongo import UpdateOne

from deskmeter.models import State
from deskmeter.store.mongo import MongoStore
from deskmeter.sync.changes import DocChange, PositionLostError, SyncConfigError
from deskmeter.sync.checkpoint import Checkpoints
from deskmeter.sync.engine import SyncEngine
from deskmeter.sync.sink import MongoSink
from deskmeter.sync.source import MongoSource, event_change
from tests.support.waiting import wait_for
from tests.sync.fake_change_stream import ChangeLog, token
from tests.sync.support import (
    FAST,
    T0,
    local_documents,
    remote_documents,
    running,
    seed,
    switch,
)


def engine_for(store: MongoStore, sink: Any) -> SyncEngine:
    return SyncEngine(MongoSource(store, max_await_seconds=0.01), sink, store, FAST)


def test_the_fake_stream_emits_the_documented_event_shape(
    local_mongo_with_fake_stream: MongoStore, change_log: ChangeLog
) -> None:
    local_mongo_with_fake_stream.add_switch(switch(1))
    local_mongo_with_fake_stream.add_switch(switch(1, delta=2))
    local_mongo_with_fake_stream.put_state(None, host="")  # nothing to delete: no event
    first, second = change_log.events
    assert set(first) == {
        "_id",
        "operationType",
        "clusterTime",
        "wallTime",
        "ns",
        "documentKey",
        "fullDocument",
    }
    assert (first["operationType"], second["operationType"]) == ("insert", "replace")
    assert first["ns"] == {"db": "deskmeter", "coll": "switch"}
    assert second["documentKey"] == {"_id": f"{1:024x}"}
    assert second["fullDocument"]["delta"] == 2
    assert event_change(second) == DocChange("switch", f"{1:024x}", second["fullDocument"])


def test_first_sync_then_every_kind_of_event_reaches_the_remote(
    local_mongo_with_fake_stream: MongoStore, remote_on_mongomock: MongoSink
) -> None:
    local = local_mongo_with_fake_stream
    seed(local, 120)
    engine = engine_for(local, remote_on_mongomock)
    engine.run(until_caught_up=True)
    assert engine.copies == 1
    assert remote_documents(remote_on_mongomock) == local_documents(local)

    local.add_switches([switch(i) for i in range(120, 150)])  # insert
    local.add_switch(switch(5, delta=9))  # replace
    local.db["task"].bulk_write([UpdateOne({"_id": "box:t3"}, {"$set": {"path": "life/p3"}})])
    local.db["switch"].delete_one({"_id": f"{7:024x}"})  # delete
    local.set_meta("not-synced", "x")  # the meta collection stays local
    engine.stop.clear()
    engine.run(until_caught_up=True)
    assert engine.copies == 1
    remote = remote_documents(remote_on_mongomock)
    assert remote == local_documents(local)
    assert remote["task"]["box:t3"]["path"] == "life/p3"
    assert f"{7:024x}" not in remote["switch"]
    assert remote_on_mongomock.db["meta"].count_documents({}) == 0


def test_an_update_whose_document_is_gone_is_applied_as_a_delete(
    local_mongo_with_fake_stream: MongoStore, remote_on_mongomock: MongoSink, change_log: ChangeLog
) -> None:
    local = local_mongo_with_fake_stream
    seed(local, 3)
    engine = engine_for(local, remote_on_mongomock)
    engine.run(until_caught_up=True)
    doomed = f"{1:024x}"
    local.db["switch"].update_one({"_id": doomed}, {"$set": {"delta": 1.0}})
    local.db["switch"]._inner.delete_one({"_id": doomed})  # the delete event is not read yet
    batch = MongoSource(local).read(Checkpoints(local).load().position, 10)  # type: ignore[union-attr]
    assert batch.changes == [DocChange("switch", doomed, None)]


def test_writes_during_the_copy_are_streamed_afterwards(
    local_mongo_with_fake_stream: MongoStore, remote_on_mongomock: MongoSink
) -> None:
    local = local_mongo_with_fake_stream
    seed(local, 350)
    copied_batches: list[int] = []

    class WritesWhileCopying:
        def __getattr__(self, name: str) -> Any:
            return getattr(remote_on_mongomock, name)

        def apply(self, changes: list[DocChange]) -> int:
            if len(copied_batches) < 2:
                local.add_switch(switch(5000 + len(copied_batches)))
                local.add_switch(switch(0, delta=3))
            copied_batches.append(len(changes))
            return remote_on_mongomock.apply(changes)

    engine_for(local, WritesWhileCopying()).run(until_caught_up=True)
    remote = remote_documents(remote_on_mongomock)
    assert remote == local_documents(local)
    assert {f"{5000:024x}", f"{5001:024x}"} <= set(remote["switch"])
    assert remote["switch"][f"{0:024x}"]["delta"] == 3


@pytest.mark.parametrize("fault", ["history lost", "invalidate"])
def test_a_lost_position_triggers_a_logged_full_resync(
    fault: str,
    local_mongo_with_fake_stream: MongoStore,
    remote_on_mongomock: MongoSink,
    change_log: ChangeLog,
    caplog: pytest.LogCaptureFixture,
) -> None:
    local = local_mongo_with_fake_stream
    seed(local, 40)
    engine_for(local, remote_on_mongomock).run(until_caught_up=True)
    # While sync is stopped: changes, including a delete, that the stream will not deliver.
    local.add_switches([switch(i) for i in range(40, 60)])
    local.db["switch"].delete_one({"_id": f"{2:024x}"})
    if fault == "history lost":
        change_log.lose_history()
    else:
        change_log.invalidate()
    caplog.set_level(logging.INFO, "deskmeter.sync")
    engine = engine_for(local, remote_on_mongomock)
    engine.run(until_caught_up=True)
    assert engine.copies == 1
    messages = [r.message for r in caplog.records if "full resync" in r.message]
    expected = "code 286" if fault == "history lost" else "'invalidate'"
    assert messages and expected in messages[0]
    remote = remote_documents(remote_on_mongomock)
    assert remote == local_documents(local)
    assert f"{2:024x}" not in remote["switch"]


def test_history_lost_is_raised_as_position_lost_by_the_source(
    local_mongo_with_fake_stream: MongoStore, change_log: ChangeLog
) -> None:
    local_mongo_with_fake_stream.add_switches([switch(i) for i in range(3)])
    change_log.lose_history()
    with pytest.raises(PositionLostError, match="code 286"):
        MongoSource(local_mongo_with_fake_stream).read(token(1), 10)


def test_local_server_restart_and_outage_are_retried_then_caught_up(
    local_mongo_with_fake_stream: MongoStore, remote_on_mongomock: MongoSink, change_log: ChangeLog
) -> None:
    local = local_mongo_with_fake_stream
    seed(local, 10)
    engine = engine_for(local, remote_on_mongomock)
    with running(engine):
        wait_for(lambda: engine.copies == 1, what="the first copy")
        change_log.broken_reads = 3  # the connection drops three times (a restart)
        local.add_switches([switch(i) for i in range(10, 60)])
        wait_for(lambda: change_log.broken_reads == 0, what="the broken reads")
        change_log.down = True
        local.put_state(State(3, "ws3", T0, T0 + timedelta(minutes=1), "zz", host="box"))
        wait_for(lambda: engine.backoff.failures >= 3, what="backoff while the server is down")
        change_log.down = False
        wait_for(
            lambda: remote_documents(remote_on_mongomock) == local_documents(local),
            what="catching up after the local restart",
        )
    assert engine.copies == 1, "a reconnect resumes from the token, it does not copy again"


def test_a_local_server_without_replica_set_fails_fast_with_a_clear_message(
    local_mongo_with_fake_stream: MongoStore, remote_on_mongomock: MongoSink
) -> None:
    from pymongo.errors import OperationFailure

    def standalone_watch(*args: Any, **kwargs: Any) -> Any:
        raise OperationFailure("The $changeStream stage is only supported on replica sets", 40573)

    local_mongo_with_fake_stream.db.watch = standalone_watch  # type: ignore[method-assign]
    engine = engine_for(local_mongo_with_fake_stream, remote_on_mongomock)
    with pytest.raises(SyncConfigError, match="not a replica set"):
        engine.step()
