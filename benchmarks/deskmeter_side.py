"""Deskmeter's side of ``benchmarks/versus_aw.py``: writes, reads, sync lag and idle wake-ups.

Run as a module in a process of its own, so that the same code can measure another checkout
(``PYTHONPATH=OTHER/src:.``: the "before" column of the comparison); it uses only what the
store, web app and sync engine offered before issue 25 (anything newer is looked up with
``getattr``). Prints nothing but progress on stderr; writes one JSON file.

    python -m benchmarks.deskmeter_side --folder DIR --output FILE [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks.many_tasks import generate_many, many_tasks
from benchmarks.stats import percentile
from benchmarks.web_bench import CLOCK, LAST_DAY, TZ, TZ_NAME, build_store
from deskmeter.config import Settings, SyncSettings
from deskmeter.formats import ImportContext, open_import
from deskmeter.importing.loader import import_switches
from deskmeter.models import Switch
from deskmeter.records import write_json
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.web import create_app

MONTH = 6
DAY = f"{LAST_DAY.year}-06-11"


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def p50(function: Callable[[], Any], runs: int) -> tuple[float, float]:
    """p50 of the wall time and of this process's CPU time (ms): on a busy machine the CPU
    time is the figure to compare (the wall time waits for other processes' turns)."""
    function()
    wall, cpu = [], []
    for _ in range(runs):
        began, cpu_began = time.perf_counter(), time.process_time()
        function()
        cpu.append((time.process_time() - cpu_began) * 1000)
        wall.append((time.perf_counter() - began) * 1000)
    return round(statistics.median(wall), 3), round(statistics.median(cpu), 3)


def history(years: int) -> list[Switch]:
    days = 365 * years
    return list(generate_many(LAST_DAY - timedelta(days=days - 1), days, TZ))


# -- writes -----------------------------------------------------------------------------------


def writes(folder: Path, counts: list[int], runs: int = 3) -> dict[str, Any]:
    """Switches per second (wall, and per CPU second) written with the kept day totals, p50
    of ``runs`` fresh stores each:

    * ``import N``: the path ``deskmeter import FILE`` takes, in process: a JSON export file
      (as ``deskmeter export --format json`` writes it) read, its format detected, every
      record checked and written into a new SQLite store (``formats.open_import`` then
      ``importing.import_switches``, as ``cli/import_cmd.py`` calls them);
    * ``store.add_switches N``: the store's own bulk write of ``Switch`` values (no file,
      no records), the floor under the import.

    ``versus_aw`` compares the first with ActivityWatch's import (``import_bucket`` of its
    parsed file) and the second with its ``Bucket.insert`` (events built beforehand).
    """
    out: dict[str, Any] = {}
    for count in counts:
        switches = history(max(1, round(count / 33_000)))[:count]
        export = folder / f"export-{count}.json"
        with export.open("w", encoding="utf-8") as handle:
            write_json(switches, handle)

        for name in ("store.add_switches", "import"):
            walls, cpus = [], []
            for run in range(runs):
                path = folder / f"{name}-{count}-{run}.db"
                with SQLiteStore(path) as store:  # a new store, its tasks (as AW's bucket)
                    store.upsert_tasks(many_tasks())
                    began, cpu = time.perf_counter(), time.process_time()
                    if name == "import":
                        _, source = open_import(str(export), ImportContext(tz=TZ))
                        written = import_switches(source, store).written
                    else:
                        written = store.add_switches(switches)
                    walls.append(time.perf_counter() - began)
                    cpus.append(time.process_time() - cpu)
                    assert written == count, (name, written, count)
                path.unlink()
            out[f"{name} {count}"] = round(count / statistics.median(walls))
            out[f"{name} {count} per CPU s"] = round(count / statistics.median(cpus))
        say(
            f"writes {count}: {out[f'store.add_switches {count}']:,}/s bulk, "
            f"{out[f'import {count}']:,}/s import"
        )
    wall, cpu, own = sink_writes(history(1)[:33_000])
    out["mongomock sink 33000"], out["mongomock sink 33000 per CPU s"] = wall, cpu
    out["mongomock sink 33000 per CPU s, sink's own"] = own
    return out


def sink_writes(switches: list[Switch]) -> tuple[int, int, int]:
    """The MongoDB sink's batch path (documents to the remote, its kept totals): on mongomock,
    an in-memory imitation of MongoDB, NOT a server. Switches per second wall and per CPU
    second, and per CPU second of the sink's own side: the CPU time mongomock spends in
    ``bulk_write`` (its emulation of the server's upserts, most of the figure) left out."""
    import mongomock

    from benchmarks.sync_common import mongomock_sink
    from deskmeter.store.documents import switch_to_doc
    from deskmeter.sync.changes import DocChange

    sink = mongomock_sink()
    changes = [DocChange("switch", s.id, switch_to_doc(s)) for s in switches]
    in_mongomock = [0.0]
    real_bulk_write = mongomock.Collection.bulk_write

    def bulk_write(self: Any, *args: Any, **kwargs: Any) -> Any:
        began = time.process_time()
        try:
            return real_bulk_write(self, *args, **kwargs)
        finally:
            in_mongomock[0] += time.process_time() - began

    mongomock.Collection.bulk_write = bulk_write  # type: ignore[method-assign]
    try:
        began, cpu = time.perf_counter(), time.process_time()
        for first in range(0, len(changes), 500):
            sink.apply(changes[first : first + 500])
        wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    finally:
        mongomock.Collection.bulk_write = real_bulk_write  # type: ignore[method-assign]
    own = max(cpu - in_mongomock[0], 1e-9)
    return round(len(changes) / wall), round(len(changes) / cpu), round(len(changes) / own)


# -- reads ------------------------------------------------------------------------------------


def reads(store: Any, folder: Path, host: str | None, runs: int) -> dict[str, Any]:
    settings = Settings(store=str(folder / "x.db"), timezone=TZ_NAME, task_file=folder / "t.txt")
    client = create_app(settings, store=store, clock=lambda: CLOCK).test_client()
    year = LAST_DAY.year
    query = f"&host={host}" if host else ""
    urls = {
        "month page": f"/calendar/{year}/{MONTH}?{query.lstrip('&')}",
        "month totals API": f"/api/v1/totals?start={year}-06-01&end={year}-06-30{query}",
        "year totals API": f"/api/v1/totals?start={year}-01-01&end={year}-12-31&by=month{query}",
        "one day of switches API": f"/api/v1/switches?start={DAY}&end={DAY}&per_page=500{query}",
    }
    out: dict[str, Any] = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        out[name], out[f"{name} CPU"] = p50(lambda u=url: client.get(u), runs)
        if name == "month page":
            out["month page bytes"] = len(response.data)
    return out


def checkpointed_size(path: Path) -> int:
    """The store file's bytes with its WAL checkpointed into it (as ActivityWatch's side
    measures its own): the switches, their id index and the kept day and month totals."""
    import sqlite3

    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return path.stat().st_size


def all_reads(folder: Path, runs: int, quick: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    path = folder / "many.db"
    with SQLiteStore(path) as store:
        store.upsert_tasks(many_tasks())
        store.add_switches(history(1))
        store.day_totals(CLOCK - timedelta(days=1), CLOCK, TZ)
    out["store bytes"] = checkpointed_size(path)
    out["store switches"] = len(history(1))
    store = SQLiteStore(path)
    out["many tasks, 1 year"] = reads(store, folder, None, runs)
    store.close()
    say(f"reads, many tasks: {out['many tasks, 1 year']}")
    if not quick:
        db, count, _ = build_store(folder, 10, 2)
        store = SQLiteStore(db)
        out["ten years, 2 hosts, one host"] = reads(store, folder, "bench", runs)
        out["ten years, 2 hosts, all hosts"] = reads(store, folder, None, runs)
        out["ten years switches"] = count
        store.close()
        say(f"reads, ten years: {out['ten years, 2 hosts, all hosts']}")
    return out


# -- sync -------------------------------------------------------------------------------------

WRITER = """
import json, random, sys, time
from deskmeter.store.sqlite import SQLiteStore
from tests.sync.support import switch
store = SQLiteStore(sys.argv[1])
rng = random.Random(7)
out = {}
for n in range(int(sys.argv[2])):
    time.sleep(rng.uniform(0.02, 0.25))
    s = switch(20_000_000 + n)
    store.add_switch(s)
    out[s.id] = time.monotonic()
store.close()
print(json.dumps(out))
"""


def voluntary_switches(pid: int) -> int:
    """Voluntary context switches of every thread of ``pid`` (each is a wake-up from sleep)."""
    total = 0
    for status in Path(f"/proc/{pid}/task").glob("*/status"):
        try:
            for line in status.read_text().splitlines():
                if line.startswith("voluntary_ctxt_switches"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def sync(folder: Path, writes_count: int, idle: float) -> dict[str, Any]:
    """The engine as the daemon runs it (the factory's source, default settings), the real
    MongoSink on mongomock (in-process: the engine's delay, not a network's); a second
    process commits switches as the tracker does."""
    from tests.sync.support import seed

    from benchmarks.sync_common import mongomock_sink
    from deskmeter.sync.engine import SyncEngine
    from deskmeter.sync.factory import make_source

    store = SQLiteStore(folder / "sync.db")
    seed(store, 1000)
    acked: dict[str, float] = {}
    sink = mongomock_sink()
    real_apply = sink.apply

    def apply(changes: Any) -> int:
        written = real_apply(changes)
        now = time.monotonic()
        for change in changes:
            acked.setdefault(str(change.doc_id), now)
        return written

    sink.apply = apply  # type: ignore[method-assign]
    settings = SyncSettings()
    try:  # the daemon's source: it watches the file (``watch`` is newer than issue 25)
        source = make_source(store, settings, watch=True)  # type: ignore[call-arg,unused-ignore]
    except TypeError:
        source = make_source(store, settings)
    reads_done = [0]
    real_read = source.read

    def read(position: Any, limit: int) -> Any:
        reads_done[0] += 1
        return real_read(position, limit)

    source.read = read  # type: ignore[method-assign]
    engine = SyncEngine(source, sink, store, settings)
    thread = threading.Thread(target=engine.run, daemon=True)
    thread.start()
    while engine.copies == 0 or engine.checkpoint is None:
        time.sleep(0.05)
    time.sleep(1.0)
    reads_before, switches_before = reads_done[0], voluntary_switches(os.getpid())
    time.sleep(idle)
    idle_reads = reads_done[0] - reads_before
    idle_switches = voluntary_switches(os.getpid()) - switches_before
    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ)
    done = subprocess.run(
        [sys.executable, "-c", WRITER, str(store.path), str(writes_count)],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    committed: dict[str, float] = json.loads(done.stdout)
    deadline = time.monotonic() + 30
    while not all(k in acked for k in committed) and time.monotonic() < deadline:
        time.sleep(0.05)
    engine.request_stop()
    thread.join(40)
    store.close()
    lags = [(acked[k] - t) * 1000 for k, t in committed.items() if k in acked]

    def pct(q: float) -> float:
        return round(percentile(lags, q * 100), 1) if lags else float("nan")

    return {
        "sink": "MongoSink on mongomock (in-process imitation, not a server)",
        "source": type(source).__name__,
        "watching": bool(getattr(source, "watching", False)),
        "writes": len(committed),
        "arrived": len(lags),
        "lag_p50_ms": pct(0.5),
        "lag_p99_ms": pct(0.99),
        "lag_max_ms": round(max(lags), 1) if lags else None,
        "lag_measured": "CLOCK_MONOTONIC read in the writer process right after its commit "
        "returned, to the same clock read right after the sink's apply returned",
        "idle_seconds": idle,
        "idle_loop_wakeups": idle_reads,
        "idle_process_context_switches": idle_switches,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--quick", action="store_true", help="small sizes (the smoke test)")
    parser.add_argument("--runs", type=int, default=10)
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--writes-only", action="store_true", help="only the write figures")
    only.add_argument("--reads-only", action="store_true", help="the reads and sync only")
    args = parser.parse_args(argv)
    args.folder.mkdir(parents=True, exist_ok=True)
    counts = [3_300] if args.quick else [33_000, 330_000]
    result: dict[str, Any] = {"load_average_before": os.getloadavg()[0]}
    if not args.reads_only:
        result["writes"] = writes(args.folder, counts)
    if not args.writes_only:
        result["reads"] = all_reads(args.folder, args.runs, args.quick)
        result["sync"] = sync(args.folder, 20 if args.quick else 200, 2.0 if args.quick else 6.0)
    result["load_average_after"] = os.getloadavg()[0]
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    random.seed(7)
    main()
