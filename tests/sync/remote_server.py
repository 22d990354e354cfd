"""The torture test's remote: ``MongoSink`` on mongomock, held by a separate server process.

mongomock (an in-memory imitation of MongoDB) lives inside one process, and the torture test
must SIGKILL the sync process many times. So the remote runs in a ``multiprocessing``
manager process that outlives every sync process; each sync process calls the sink's methods
through a proxy. The sink code that runs is the real ``MongoSink``; only the wire differs
(the manager's pickled calls instead of MongoDB's protocol). A call cut by SIGKILL may or may
not have been applied, just as with a real server.
"""

from __future__ import annotations

import threading
from multiprocessing.managers import BaseManager
from typing import Any

import mongomock

from deskmeter.sync.changes import DocChange
from deskmeter.sync.sink import MongoSink

URI = "mongodb://remote.test:27018/deskmeter"


class RemoteSide:
    """Sink methods the sync process calls, plus ``documents`` for the test's final check."""

    def __init__(self) -> None:
        from tests import mongomock_compat
        from tests.sync import mongomock_ids

        mongomock_compat.install()
        mongomock_ids.install()
        self.sink = MongoSink(URI, client=mongomock.MongoClient(tz_aware=True))
        self.lock = threading.Lock()
        self.applied_batches = 0

    def describe(self) -> str:
        return self.sink.describe()

    def check(self) -> None:
        self.sink.check()

    def apply(self, changes: list[DocChange]) -> int:
        with self.lock:
            self.applied_batches += 1
            return self.sink.apply(changes)

    def count(self, collection: str) -> int:
        with self.lock:
            return self.sink.count(collection)

    def ids(self, collection: str) -> set[Any]:
        with self.lock:
            return self.sink.ids(collection)

    def documents(self) -> dict[str, dict[Any, dict[str, Any]]]:
        from tests.sync.support import remote_documents

        with self.lock:
            return remote_documents(self.sink)

    def batches(self) -> int:
        return self.applied_batches


_remote: RemoteSide | None = None


def get_remote() -> RemoteSide:
    global _remote  # noqa: PLW0603 - one remote per server process
    if _remote is None:
        _remote = RemoteSide()
    return _remote


class RemoteManager(BaseManager):
    """Serves the one ``RemoteSide`` of its process."""


RemoteManager.register("remote", callable=get_remote)
