"""ActivityWatch's side of ``benchmarks/versus_aw.py``: run by the Python of ActivityWatch's own
virtual environment (``benchmarks/.aw-venv``, aw-server from PyPI), never by Deskmeter's.

Reads the events Deskmeter's side generated (JSON lines: timestamp, duration, data), then, in
this process, as aw-server does: inserts them into a fresh aw-server store (its peewee/SQLite
storage, one ``insert`` of the whole list: the bulk path), and times the queries that answer
the same questions as Deskmeter's pages:

* a month's and a year's time per task: ``query2`` with ``merge_events_by_keys`` and
  ``sort_by_duration`` (what aw-webui's summary asks for a period);
* one day of events: ``Bucket.get`` over the day (the raw events list).

Prints one JSON object on stdout. Standard library and aw-server only.

    benchmarks/.aw-venv/bin/python benchmarks/aw_side.py EVENTS.jsonl FOLDER MONTH YEAR DAY RUNS
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

QUERY = """
events = query_bucket("{bucket}");
events = merge_events_by_keys(events, ["task"]);
RETURN = sort_by_duration(events);
"""


def timed(function: Any, runs: int) -> dict[str, float]:
    """p50 of the wall time and of this process's CPU time (ms)."""
    function()  # warm
    wall, cpu = [], []
    for _ in range(runs):
        began, cpu_began = time.perf_counter(), time.process_time()
        function()
        cpu.append((time.process_time() - cpu_began) * 1000)
        wall.append((time.perf_counter() - began) * 1000)
    return {
        "p50_ms": round(statistics.median(wall), 3),
        "cpu_p50_ms": round(statistics.median(cpu), 3),
        "n": runs,
    }


def main(argv: list[str]) -> dict[str, Any]:
    events_file, folder, month, year, day, runs = argv
    from aw_core.models import Event
    from aw_datastore import Datastore
    from aw_datastore.storages import PeeweeStorage
    from aw_server.api import ServerAPI

    with Path(events_file).open(encoding="utf-8") as handle:
        raw = [json.loads(line) for line in handle]
    events = [
        Event(
            timestamp=datetime.fromisoformat(e["timestamp"]),
            duration=timedelta(seconds=e["duration"]),
            data=e["data"],
        )
        for e in raw
    ]
    path = Path(folder) / "aw.db"
    store = Datastore(PeeweeStorage, testing=True, filepath=str(path))
    bucket = "deskmeter-bench"
    api = ServerAPI(store, testing=True)
    api.create_bucket(bucket, "currentwindow", "bench", "bench")  # as aw-server's REST API does
    began, cpu = time.perf_counter(), time.process_time()
    store[bucket].insert(events)
    ingest = time.perf_counter() - began
    cpu = time.process_time() - cpu
    query = QUERY.format(bucket=bucket)

    def period(first: str, last: str) -> str:
        return f"{first}T00:00:00+00:00/{last}T00:00:00+00:00"

    month_first = datetime.fromisoformat(month).date()
    month_end = (month_first.replace(day=28) + timedelta(days=4)).replace(day=1)
    year_first = datetime.fromisoformat(year).date()
    year_end = year_first.replace(year=year_first.year + 1)
    day_first = datetime.fromisoformat(day).replace(tzinfo=UTC)
    count = int(runs)
    month_q = timed(
        lambda: api.query2("m", query, [period(str(month_first), str(month_end))], False), count
    )
    year_q = timed(
        lambda: api.query2("y", query, [period(str(year_first), str(year_end))], False),
        max(3, count // 3),
    )
    day_q = timed(lambda: store[bucket].get(-1, day_first, day_first + timedelta(days=1)), count)
    store.storage_strategy.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return {
        "events": len(events),
        "ingest_seconds": round(ingest, 3),
        "ingest_events_per_s": round(len(events) / ingest),
        "ingest_events_per_cpu_s": round(len(events) / cpu),
        "month_query": month_q,
        "year_query": year_q,
        "day_events": day_q,
        "store_bytes": path.stat().st_size,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
