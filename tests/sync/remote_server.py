"""The torture test's remote: ``MongoSink`` on mongomock, held by a separate server process.

mongomock (an in-memory imitation of MongoDB) lives inside one process, and the torture test
must SIGKILL the sync process many times. So the remote runs in a ``multiprocessing``
manager process that outlives every sync process; each sync process calls the sink's methods
through a proxy. The sink code that runs is the real ``MongoSink``; only the wire differs
(the manager's pickled calls instead of MongoDB's protocol). A call cut by SIGKILL may or may
not have been applied, just as with a real server.

Several hosts sync into the one remote: each call names its ``host``, and the remote side
keeps one ``MongoSink`` per host on the same mongomock database (one client), as several
workstations each have their own sink on one MongoDB server. Each write also names the sync
run (process) that sent it, so the test counts a run's writes by that name, never by when
they arrived: a killed run's last request may be served after the next run began.
"""

from __future__ import annotations

import threading
from collections import Counter
from multiprocessing.managers import BaseManager
from typing import Any

import mongomock

from deskmeter.sync.changes import DocChange
from deskmeter.sync.sink import MongoSink

URI = "mongodb://remote.test:27018/deskmeter"
#: The host of the single-host torture (the writer's switches are ``box``'s).
HOST = "box"


class RemoteSide:
    """Sink methods the sync process calls, plus ``documents`` for the test's final check."""

    def __init__(self) -> None:
        from tests import mongomock_compat
        from tests.sync import mongomock_ids

        mongomock_compat.install()
        mongomock_ids.install()
        self.client = mongomock.MongoClient(tz_aware=True)
        self.sinks: dict[str, MongoSink] = {}
        self.lock = threading.Lock()
        self.applied_batches: dict[str, int] = {}
        #: Sink writes per (host, run): each request names the sync run that sent it.
        self.run_batches: Counter[tuple[str, str]] = Counter()

    def sink(self, host: str) -> MongoSink:
        if host not in self.sinks:
            self.sinks[host] = MongoSink(URI, client=self.client, host=host)
        return self.sinks[host]

    def describe(self) -> str:
        return self.sink(HOST).describe()

    def check(self, host: str = "") -> None:
        with self.lock:
            self.sink(host or HOST).check()

    def apply(self, changes: list[DocChange], host: str = "", run: str = "") -> int:
        host = host or HOST
        with self.lock:
            self.applied_batches[host] = self.applied_batches.get(host, 0) + 1
            self.run_batches[host, run] += 1
            return self.sink(host).apply(changes)

    def count(self, collection: str, host: str = "") -> int:
        with self.lock:
            return self.sink(host or HOST).count(collection)

    def ids(self, collection: str, host: str = "") -> set[Any]:
        with self.lock:
            return self.sink(host or HOST).ids(collection)

    def documents(self) -> dict[str, dict[Any, dict[str, Any]]]:
        from tests.sync.support import remote_documents

        with self.lock:
            return remote_documents(self.sink(HOST))

    def host_records(self) -> dict[str, dict[str, Any]]:
        with self.lock:
            return {str(d["_id"]): d for d in self.client["deskmeter"]["host"].find({})}

    def batches(self, host: str = "") -> int:
        if host:
            return self.applied_batches.get(host, 0)
        return sum(self.applied_batches.values())

    def run_writes(self, run: str, host: str = "") -> int:
        """The sink writes the run ``run`` of ``host`` sent (served, or being served now).

        Counted by the run named in each request, not between two moments: a killed run's
        last request may reach the remote after the next run began (see ``late_request``).
        """
        return self.run_batches[host or HOST, run]


_remote: RemoteSide | None = None


def get_remote() -> RemoteSide:
    global _remote  # noqa: PLW0603 - one remote per server process
    if _remote is None:
        _remote = RemoteSide()
    return _remote


class HostSink:
    """A host's view of the remote through the manager's proxy: the ``Sink`` protocol.

    ``run`` names the sync run (one process) in every write it sends, so the test counts
    each run's writes whenever they land.
    """

    def __init__(self, remote: Any, host: str, run: str = "") -> None:
        self.remote, self.host, self.run = remote, host, run

    def describe(self) -> str:
        return str(self.remote.describe())

    def check(self) -> None:
        self.remote.check(self.host)

    def apply(self, changes: list[DocChange]) -> int:
        return int(self.remote.apply(changes, self.host, self.run))

    def count(self, collection: str) -> int:
        return int(self.remote.count(collection, self.host))

    def ids(self, collection: str) -> set[Any]:
        return set(self.remote.ids(collection, self.host))


class RemoteManager(BaseManager):
    """Serves the one ``RemoteSide`` of its process."""


RemoteManager.register("remote", callable=get_remote)
