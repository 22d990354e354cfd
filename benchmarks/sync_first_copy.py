"""First-sync throughput: a full copy of 33,000 switches from the SQLite backend.

Two sinks, both in this process:

* ``MongoSink on mongomock``: the real sink code (bulk_write of ReplaceOne by _id) into
  mongomock, an in-memory imitation of MongoDB written in Python. Its per-document cost is
  Python's, not a server's: this row is NOT a MongoDB figure.
* ``null sink``: builds the same bulk operations and drops them: what the SQLite source and
  the engine can feed (the ceiling on this machine).

What needs a real MongoDB: the throughput into a real remote (network round trips, the
server's write path), and anything about the MongoDB *source* (change stream). None of that
can be measured here (no MongoDB server is available on this machine).

    python -m benchmarks.sync_first_copy [--switches 33000] [--batch 500]

Prints a table and writes JSON to $DESKMETER_ARTIFACTS/benchmarks/sync_first_copy.json.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.sync.support import seed

from benchmarks.stats import write_json
from benchmarks.sync_common import NullSink, mongomock_sink
from deskmeter.config import SyncSettings
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.sync.engine import SyncEngine
from deskmeter.sync.source import SQLiteSource


def run(sink_name: str, switches: int, batch: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="deskmeter-bench-sync-") as tmp:
        store = SQLiteStore(Path(tmp) / "local.db")
        seed(store, switches)
        sink: Any = mongomock_sink() if sink_name == "mongomock" else NullSink()
        engine = SyncEngine(SQLiteSource(store), sink, store, SyncSettings(batch_size=batch))
        started = time.perf_counter()
        engine.full_copy("benchmark")
        elapsed = time.perf_counter() - started
        docs = sum(
            1 for c in ("switch", "task", "task_history", "state") for _ in store.documents(c)
        )
        if sink_name == "mongomock":
            assert sink.db["switch"].count_documents({}) == switches
        store.close()
    return {
        "sink": sink_name,
        "documents": docs,
        "seconds": round(elapsed, 3),
        "docs_per_second": round(docs / elapsed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--switches", type=int, default=33_000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    rows = [run("null", args.switches, args.batch), run("mongomock", args.switches, args.batch)]
    print(f"first sync of {args.switches} switches (SQLite source, batch {args.batch})")
    print(f"{'sink':<28}{'documents':>10}{'seconds':>10}{'docs/s':>10}")
    labels = {"null": "null sink (engine ceiling)", "mongomock": "MongoSink on mongomock"}
    for row in rows:
        print(
            f"{labels[row['sink']]:<28}{row['documents']:>10}{row['seconds']:>10.2f}"
            f"{row['docs_per_second']:>10}"
        )
    print("a real MongoDB remote was not measured (none available here)")
    target = write_json(
        "sync_first_copy.json",
        {
            "switches": args.switches,
            "batch_size": args.batch,
            "rows": rows,
            "not_measured": "throughput into a real MongoDB server; the change-stream source",
        },
    )
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
