"""Shared by the sync benchmarks: stores and sinks."""

from __future__ import annotations

from typing import Any

import mongomock
from tests import mongomock_compat
from tests.sync import mongomock_ids

from deskmeter.store.base import COLLECTIONS
from deskmeter.sync.changes import DocChange
from deskmeter.sync.sink import MongoSink, operations

REMOTE = "mongodb://bench.invalid/deskmeter"


def mongomock_sink() -> MongoSink:
    """The real MongoSink on mongomock (in-memory, in-process): NOT a MongoDB server."""
    mongomock_compat.install()
    mongomock_ids.install()
    return MongoSink(REMOTE, client=mongomock.MongoClient(tz_aware=True))


class NullSink:
    """Builds the same bulk operations as MongoSink, then drops them: the engine's ceiling."""

    def __init__(self, host: str = "box") -> None:
        self.docs = 0
        self.host = host  # the Sink protocol: the host it syncs for

    def describe(self) -> str:
        return "null://bench"

    def check(self) -> None:
        """Always reachable."""

    def apply(self, changes: list[DocChange]) -> int:
        self.docs += sum(len(ops) for ops in operations(changes, self.host).values())
        return len(changes)

    def count(self, collection: str) -> int:
        return 0

    def ids(self, collection: str) -> set[Any]:
        return set()


__all__ = ["COLLECTIONS", "NullSink", "mongomock_sink"]
