"""SQLite store size and bulk-import speed at one and ten years of synthetic switches.

For each size (33,000 switches ≈ one year of the seed's user, 330,000 ≈ ten years) it writes
the history of ``benchmarks/synthetic.py`` into a fresh SQLite store in one ``add_switches``
call (the import path: one transaction), then checkpoints the WAL and VACUUMs, and reports

* the file size and bytes per switch (ActivityWatch's aw-server 0.12 on the same switches:
  8.2 MB at one year, 54.7 MB at ten; the goal is half of that or less: ≤ 4 MB and ≤ 27 MB);
* bulk import in switches per second of wall time (ActivityWatch: 20–23k events/s; goal
  ≥ 100k/s) and per second of this process's CPU time (the figure to read on a busy machine:
  the load average is printed and saved with the results).

    python -m benchmarks.store_size                  # 33k and 330k
    python -m benchmarks.store_size --switches 33000

Prints a table and writes JSON to $DESKMETER_ARTIFACTS/benchmarks/store_size.json.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from benchmarks.stats import write_json
from benchmarks.synthetic import PER_DAY, generate, tasks
from deskmeter.store.sqlite import SQLiteStore

TZ = ZoneInfo("Europe/Madrid")
LAST_DAY = date(2025, 12, 31)
#: The goals: half of ActivityWatch's size at the same number of switches.
GOAL_BYTES = {33_000: 4_000_000, 330_000: 27_000_000}
GOAL_SWITCHES_PER_S = 100_000
AW_BYTES = {33_000: 8_200_000, 330_000: 54_700_000}


def synthetic(count: int) -> list[Any]:
    """At least ``count`` switches (whole days), cut to exactly ``count``."""
    days = int(count / PER_DAY * 1.15) + 2
    out = []
    for switch in generate(LAST_DAY - timedelta(days=days - 1), days, TZ):
        out.append(switch)
        if len(out) == count:
            break
    if len(out) < count:
        raise RuntimeError(f"the generator gave only {len(out)} switches")
    return out


def measure(count: int, folder: Path) -> dict[str, Any]:
    switches = synthetic(count)
    path = folder / f"size-{count}.db"
    with SQLiteStore(path) as store:
        store.upsert_tasks(tasks())
        began, cpu_began = time.perf_counter(), time.process_time()
        written = store.add_switches(switches)
        seconds = time.perf_counter() - began
        cpu_seconds = time.process_time() - cpu_began
        version = store.schema_version()
        assert written == count, (written, count)
        assert store.count_switches() == count
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("VACUUM")
    size = path.stat().st_size
    goal = GOAL_BYTES.get(count)
    return {
        "switches": count,
        "schema_version": version,
        "bytes": size,
        "mb": round(size / 1e6, 2),
        "bytes_per_switch": round(size / count, 1),
        "activitywatch_mb": round(AW_BYTES[count] / 1e6, 1) if count in AW_BYTES else None,
        "goal_mb": None if goal is None else goal / 1e6,
        "size_goal_met": None if goal is None else size <= goal,
        "import_seconds": round(seconds, 3),
        "import_switches_per_s": round(count / seconds),
        "import_cpu_seconds": round(cpu_seconds, 3),
        "import_switches_per_cpu_s": round(count / cpu_seconds),
        "import_goal_met": count / seconds >= GOAL_SWITCHES_PER_S,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--switches", type=int, nargs="+", default=[33_000, 330_000])
    parser.add_argument("--output", default="store_size.json")
    args = parser.parse_args(argv)
    rows = []
    print(
        f"{'switches':>9} {'schema':>6} {'MB':>8} {'B/switch':>9} {'AW MB':>6} "
        f"{'import/s':>10} {'per CPU s':>10}"
    )
    with tempfile.TemporaryDirectory(prefix="deskmeter-store-size-") as tmp:
        for count in args.switches:
            row = measure(count, Path(tmp))
            rows.append(row)
            aw = row["activitywatch_mb"]
            print(
                f"{count:>9,} {row['schema_version']:>6} {row['mb']:>8.2f} "
                f"{row['bytes_per_switch']:>9.1f} {aw if aw is not None else '-':>6} "
                f"{row['import_switches_per_s']:>10,} {row['import_switches_per_cpu_s']:>10,}",
                flush=True,
            )
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} on {os.cpu_count()} CPUs")
    result = {
        "goal_switches_per_s": GOAL_SWITCHES_PER_S,
        "load_average": round(load[0], 2),
        "cpus": os.cpu_count(),
        "sizes": rows,
    }
    target = write_json(args.output, result)
    print(f"wrote {target}")
    return result


if __name__ == "__main__":
    main()
