"""The real-server tier: source and sink on a real MongoDB replica set.

Runs only when DESKMETER_TEST_MONGODB_URI names a replica set (change streams need one);
skipped with that reason otherwise. Each test uses two fresh databases and drops them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from deskmeter.store.mongo import MongoStore
from deskmeter.sync.engine import SyncEngine
from deskmeter.sync.sink import MongoSink
from deskmeter.sync.source import MongoSource
from tests.support.waiting import wait_for
from tests.sync.support import (
    FAST,
    local_documents,
    remote_documents,
    running,
    seed,
    switch,
)

URI = os.environ.get("DESKMETER_TEST_MONGODB_URI", "")

pytestmark = [
    pytest.mark.mongodb,
    pytest.mark.skipif(
        not URI,
        reason="real-MongoDB tier: DESKMETER_TEST_MONGODB_URI is not set (no MongoDB server can "
        "be had on this machine); set it to a replica set URI to run this tier",
    ),
]


@pytest.fixture
def pair() -> Iterator[tuple[MongoStore, MongoSink]]:
    suffix = uuid.uuid4().hex[:10]
    local = MongoStore(URI, database=f"dm_sync_local_{suffix}")
    sink = MongoSink(URI, database=f"dm_sync_remote_{suffix}", host="box")
    yield local, sink
    local.client.drop_database(local.db.name)
    sink.client.drop_database(sink.db.name)
    local.close()
    sink.close()


def test_real_change_stream_to_real_sink_copies_then_streams_and_resumes(
    pair: tuple[MongoStore, MongoSink],
) -> None:
    local, sink = pair
    seed(local, 300)
    engine = SyncEngine(MongoSource(local, max_await_seconds=0.1), sink, local, FAST)
    with running(engine):
        wait_for(lambda: engine.copies == 1, timeout=60, what="the first copy")
        local.add_switches([switch(i) for i in range(300, 400)])
        local.add_switch(switch(3, delta=7))
        local.db["switch"].delete_one({"_id": f"{4:024x}"})
        wait_for(lambda: remote_documents(sink) == local_documents(local), timeout=60)
    # Restarted from the saved resume token: no second copy, later changes still arrive.
    local.add_switches([switch(i) for i in range(400, 420)])
    engine = SyncEngine(MongoSource(local, max_await_seconds=0.1), sink, local, FAST)
    engine.run(until_caught_up=True)
    assert engine.copies == 0
    assert remote_documents(sink) == local_documents(local)
