"""Fixtures of the sync suite: a local store of each backend and a remote sink.

The remote is ``MongoSink`` on mongomock (an in-memory imitation of MongoDB), unless the
real-server tier names a server with DESKMETER_TEST_MONGODB_URI.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import mongomock
import pytest

from deskmeter.store.mongo import MongoStore
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.sync.sink import MongoSink
from tests.sync import mongomock_ids
from tests.sync.fake_change_stream import ChangeLog, RecordingClient

mongomock_ids.install()

REMOTE_URI = "mongodb://remote.test:27018/deskmeter"


@pytest.fixture
def local_sqlite(tmp_path: Path) -> Iterator[SQLiteStore]:
    store = SQLiteStore(tmp_path / "local.db")
    yield store
    store.close()


@pytest.fixture
def remote_on_mongomock() -> MongoSink:
    """The sink's real code, on a mongomock client standing in for the remote server."""
    return MongoSink(REMOTE_URI, client=mongomock.MongoClient(tz_aware=True), host="box")


@pytest.fixture
def recording_client() -> RecordingClient:
    return RecordingClient()


@pytest.fixture
def local_mongo_with_fake_stream(recording_client: RecordingClient) -> MongoStore:
    """The MongoDB backend on mongomock, its writes recorded for the fake change stream."""
    return MongoStore(
        "mongodb://localhost:27017/deskmeter?replicaSet=rs0",
        client=recording_client,  # type: ignore[arg-type]
        database="deskmeter",
    )


@pytest.fixture
def change_log(
    recording_client: RecordingClient, local_mongo_with_fake_stream: MongoStore
) -> ChangeLog:
    return recording_client.logs["deskmeter"]
