"""ActivityWatch's side of ``benchmarks/versus_aw.py``: run by the Python of ActivityWatch's own
virtual environment (``benchmarks/.aw-venv``, aw-server from PyPI), never by Deskmeter's.

Reads the events Deskmeter's side generated (JSON lines: timestamp, duration, data), then, in
this process, as aw-server does, times its two ways in (each the p50 of ``WRITE_RUNS`` runs,
each into a fresh aw-server store, its peewee/SQLite storage):

* **its import** (``ingest: import``): what aw-server's ``POST /api/0/import`` runs, in
  process: the file read and parsed *inside* the timing (JSON, one object per line), then
  ``ServerAPI.import_bucket`` (an ``Event`` built and checked per record, one bulk insert).
  Deskmeter's ``deskmeter import FILE`` is compared with this: both read their own file and
  build and check their records;
* **the store's bulk insert** (``ingest: Bucket.insert``): ``Bucket.insert`` of ``Event``
  values built beforehand (outside the timing), the storage's floor. Deskmeter's
  ``store.add_switches`` of ``Switch`` values is compared with this.

and then times the queries that answer the same questions as Deskmeter's pages:

* a month's and a year's time per task: ``query2`` with ``merge_events_by_keys`` and
  ``sort_by_duration`` (what aw-webui's summary asks for a period);
* one day of events: ``Bucket.get`` over the day (the raw events list).

With ``--size`` it only stores a file's events and prints the store's bytes: the store-size
row, fed the *same records* Deskmeter keeps (every field of a switch in the event's data: id,
task, task id, workspace, workspace index, host, away), in a process of its own.

Prints one JSON object on stdout. Standard library and aw-server only.

    benchmarks/.aw-venv/bin/python benchmarks/aw_side.py EVENTS.jsonl FOLDER MONTH YEAR DAY RUNS
    benchmarks/.aw-venv/bin/python benchmarks/aw_side.py --size EVENTS.jsonl FOLDER
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


#: Timed runs of each way in (p50), each into a fresh store.
WRITE_RUNS = 3


def p50_rate(count: int, times: list[tuple[float, float]]) -> tuple[int, int]:
    """Events per second (wall) and per CPU second of the p50 of (wall, CPU) runs."""
    wall = statistics.median(t[0] for t in times)
    cpu = statistics.median(t[1] for t in times)
    return round(count / wall), round(count / max(cpu, 1e-9))


def import_runs(events_file: str, folder: Path, runs: int) -> list[tuple[float, float]]:
    """(wall s, CPU s) of aw-server's import of the file, each run into a fresh store: the
    JSON lines parsed and handed to ``ServerAPI.import_bucket`` as ``POST /api/0/import``
    does with a request's body."""
    from aw_datastore import Datastore
    from aw_datastore.storages import PeeweeStorage
    from aw_server.api import ServerAPI

    times = []
    for run in range(runs):
        store = Datastore(PeeweeStorage, testing=True, filepath=str(folder / f"aw-import-{run}.db"))
        api = ServerAPI(store, testing=True)
        began, cpu = time.perf_counter(), time.process_time()
        with Path(events_file).open(encoding="utf-8") as handle:
            parsed = [json.loads(line) for line in handle]
        api.import_bucket(
            {
                "id": "deskmeter-bench-import",
                "type": "currentwindow",
                "client": "bench",
                "hostname": "bench",
                "created": "2026-01-01T00:00:00+00:00",
                "events": parsed,
            }
        )
        times.append((time.perf_counter() - began, time.process_time() - cpu))
    return times


def load_events(events_file: str) -> list[Any]:
    """The file's JSON lines as aw-core ``Event`` values (built outside any timing)."""
    from aw_core.models import Event

    with Path(events_file).open(encoding="utf-8") as handle:
        raw = [json.loads(line) for line in handle]
    return [
        Event(
            timestamp=datetime.fromisoformat(e["timestamp"]),
            duration=timedelta(seconds=e["duration"]),
            data=e["data"],
        )
        for e in raw
    ]


def main(argv: list[str]) -> dict[str, Any]:
    events_file, folder, month, year, day, runs = argv
    from aw_datastore import Datastore
    from aw_datastore.storages import PeeweeStorage
    from aw_server.api import ServerAPI

    events = load_events(events_file)
    # the import first: peewee's database is one per process, the last store opened is the
    # one every store object uses, so the queries need the last insert's store last
    import_wall, import_cpu = p50_rate(
        len(events), import_runs(events_file, Path(folder), WRITE_RUNS)
    )
    bucket = "deskmeter-bench"
    inserts = []
    for run in range(WRITE_RUNS):  # the last run's store answers the queries
        path = Path(folder) / f"aw-{run}.db"
        store = Datastore(PeeweeStorage, testing=True, filepath=str(path))
        api = ServerAPI(store, testing=True)
        api.create_bucket(bucket, "currentwindow", "bench", "bench")  # as the REST API does
        began, cpu = time.perf_counter(), time.process_time()
        store[bucket].insert(events)
        inserts.append((time.perf_counter() - began, time.process_time() - cpu))
    insert_wall, insert_cpu = p50_rate(len(events), inserts)
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
        # Bucket.insert of Event values built beforehand: the storage's floor
        "ingest_events_per_s": insert_wall,
        "ingest_events_per_cpu_s": insert_cpu,
        # aw-server's import (POST /api/0/import in process): file parsed, Event per record
        "import_events_per_s": import_wall,
        "import_events_per_cpu_s": import_cpu,
        "write_runs": WRITE_RUNS,
        "month_query": month_q,
        "year_query": year_q,
        "day_events": day_q,
        "store_bytes": path.stat().st_size,
    }


def store_size(events_file: str, folder: str) -> dict[str, Any]:
    """Bytes of a fresh aw-server store holding the file's events (``Bucket.insert``, then
    the WAL checkpointed as for the timed store): run in a process of its own, since peewee
    keeps one database per process."""
    from aw_datastore import Datastore
    from aw_datastore.storages import PeeweeStorage

    events = load_events(events_file)
    path = Path(folder) / "aw-size.db"
    store = Datastore(PeeweeStorage, testing=True, filepath=str(path))
    store.create_bucket("deskmeter-size", "currentwindow", "bench", "bench", datetime.now(UTC))
    store["deskmeter-size"].insert(events)
    store.storage_strategy.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return {"events": len(events), "store_bytes": path.stat().st_size}


if __name__ == "__main__":
    if sys.argv[1:2] == ["--size"]:
        print(json.dumps(store_size(sys.argv[2], sys.argv[3])))
    else:
        print(json.dumps(main(sys.argv[1:])))
