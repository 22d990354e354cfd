"""Steady-state sync lag of the SQLite source: local write → acknowledged by the sink.

The engine runs as the daemon does (its loop in a thread, default ``poll_seconds``); this
process writes one switch at a random moment (0-300 ms apart), as the tracker would, and
records when the sink's ``apply`` containing it returned (the remote's acknowledgement).
The sink is the real MongoSink on mongomock (in-memory, in-process), so the figure is the
engine's own delay (polling + reading + building the batch), NOT a network or server one;
with a real remote add its write round trip (needs a real MongoDB: not available here).

    python -m benchmarks.sync_lag [--writes 300] [--poll 0.2]

Prints a table and writes JSON to $DESKMETER_ARTIFACTS/benchmarks/sync_lag.json.
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from tests.sync.support import seed, switch

from benchmarks.stats import percentile, write_json
from benchmarks.sync_common import mongomock_sink
from deskmeter.config import SyncSettings
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.sync.changes import DocChange
from deskmeter.sync.engine import SyncEngine
from deskmeter.sync.sink import MongoSink
from deskmeter.sync.source import SQLiteSource


class TimedSink:
    """Delegates to MongoSink and notes when each switch's batch was acknowledged."""

    def __init__(self, sink: MongoSink) -> None:
        self.sink = sink
        self.acked: dict[str, float] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sink, name)

    def apply(self, changes: list[DocChange]) -> int:
        written = self.sink.apply(changes)
        now = time.perf_counter()
        for change in changes:
            if change.collection == "switch":
                self.acked.setdefault(str(change.doc_id), now)
        return written


def measure(writes: int, poll: float, history: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="deskmeter-bench-lag-") as tmp:
        store = SQLiteStore(Path(tmp) / "local.db")
        seed(store, history)
        sink = TimedSink(mongomock_sink())
        engine = SyncEngine(
            SQLiteSource(store, poll_seconds=poll), sink, store, SyncSettings(poll_seconds=poll)
        )
        thread = threading.Thread(target=engine.run, daemon=True)
        thread.start()
        while engine.copies == 0:
            time.sleep(0.05)
        rng = random.Random(7)
        written: dict[str, float] = {}
        for n in range(writes):
            time.sleep(rng.uniform(0, 0.3))
            s = switch(10_000_000 + n)
            written[s.id] = time.perf_counter()
            store.add_switch(s)
        deadline = time.monotonic() + 30
        while len([k for k in written if k in sink.acked]) < writes and time.monotonic() < deadline:
            time.sleep(0.05)
        engine.request_stop()
        thread.join(10)
        store.close()
    lags = [(sink.acked[k] - t) * 1000 for k, t in written.items() if k in sink.acked]
    return {
        "poll_seconds": poll,
        "writes": writes,
        "arrived": len(lags),
        "p50_ms": round(percentile(lags, 50), 1),
        "p99_ms": round(percentile(lags, 99), 1),
        "mean_ms": round(statistics.fmean(lags), 1),
        "max_ms": round(max(lags), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=300)
    parser.add_argument("--poll", type=float, action="append")
    parser.add_argument("--history", type=int, default=33_000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    polls = args.poll or [0.2, 0.05]
    rows = [measure(args.writes, poll, args.history) for poll in polls]
    print(
        f"steady-state lag, SQLite source, {args.history} switches already synced, "
        f"sink MongoSink on mongomock (in-process)"
    )
    print(f"{'poll_seconds':>12}{'writes':>8}{'arrived':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for r in rows:
        print(
            f"{r['poll_seconds']:>12}{r['writes']:>8}{r['arrived']:>9}{r['p50_ms']:>9}"
            f"{r['p99_ms']:>9}{r['max_ms']:>9}"
        )
    print("not measured: the round trip to a real remote MongoDB, the MongoDB change-stream source")
    target = write_json(
        "sync_lag.json",
        {
            "rows": rows,
            "sink": "MongoSink on mongomock, in-process (not a MongoDB server)",
            "not_measured": "a real remote's write round trip; the MongoDB change-stream source",
        },
    )
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
