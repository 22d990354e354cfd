"""Shared by the sync benchmarks: stores, sinks, percentiles, the JSON output."""

from __future__ import annotations

import json
import os
from pathlib import Path
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

    def __init__(self) -> None:
        self.docs = 0

    def describe(self) -> str:
        return "null://bench"

    def check(self) -> None:
        """Always reachable."""

    def apply(self, changes: list[DocChange]) -> int:
        self.docs += sum(len(ops) for ops in operations(changes).values())
        return len(changes)

    def count(self, collection: str) -> int:
        return 0

    def ids(self, collection: str) -> set[Any]:
        return set()


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def write_json(name: str, data: dict[str, Any]) -> Path:
    out = Path(os.environ.get("DESKMETER_ARTIFACTS", "artifacts")) / "benchmarks"
    out.mkdir(parents=True, exist_ok=True)
    target = out / name
    target.write_text(json.dumps(data, indent=2) + "\n")
    return target


__all__ = ["COLLECTIONS", "NullSink", "mongomock_sink", "percentile", "write_json"]
