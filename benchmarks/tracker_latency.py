"""Switch latency and idle CPU of the tracker, x11 (event-driven) beside wmctrl (polling).

For each source a real ``deskmeter track`` runs under Xvfb + openbox with its own SQLite store.
Switches come at random moments (0-1 s apart), so the polling source is not measured in phase
with its own poll. Latency: from just before ``wmctrl -s N`` is run to the moment the new
interval is committed (read back from the store by this process, polling every 0.5 ms).
Idle CPU: CPU time of all the tracker's threads over a stretch with no switching
(/proc/PID/task/*/schedstat, nanoseconds).

    python -m benchmarks.tracker_latency [--switches 200] [--idle 60]

Prints a table and writes JSON to $DESKMETER_ARTIFACTS/benchmarks/tracker.json.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.support.xvfb import XServer, free_display, start_x, wait_for

from benchmarks.stats import percentile, write_json


def cpu_seconds(pid: int) -> float:
    """CPU time of every thread of ``pid``, in ns resolution (/proc/PID/task/*/schedstat)."""
    total = 0
    for stat in Path(f"/proc/{pid}/task").glob("*/schedstat"):
        try:
            total += int(stat.read_text().split()[0])
        except (OSError, IndexError, ValueError):  # a thread ended meanwhile
            continue
    return total / 1e9


def current_workspace(db: sqlite3.Connection) -> int | None:
    try:
        row = db.execute("SELECT workspace_index FROM state").fetchone()
    except sqlite3.OperationalError:  # the tracker is still creating the schema
        return None
    return None if row is None else int(row[0])


def run_source(source: str, x: XServer, switches: int, idle: float) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix=f"deskmeter-bench-{source}-"))
    (home / "tasks.txt").write_text("* bench/task\n")
    env = {
        **x.env(),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home),
        "DESKMETER_STORE": str(home / "bench.db"),
        "DESKMETER_TASK_FILE": str(home / "tasks.txt"),
        "DESKMETER_TIMEZONE": "UTC",
    }
    x.switch(0)
    log = (home / "track.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "deskmeter", "track", "--source", source],
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        wait_for((home / "bench.db").exists, timeout=20)
        db = sqlite3.connect(home / "bench.db", timeout=5)
        wait_for(lambda: current_workspace(db) == 0, timeout=20)
        latencies = []
        rng = random.Random(switches)
        for i in range(switches):
            target = (i % 3) + 1 if current_workspace(db) == 0 else 0
            time.sleep(rng.uniform(0, 1.0))  # people switch at random moments, not in phase
            started = time.perf_counter()
            subprocess.run(["wmctrl", "-s", str(target)], env=x.env(), check=True)
            while current_workspace(db) != target:
                time.sleep(0.0005)
            latencies.append((time.perf_counter() - started) * 1000)
        time.sleep(1.0)  # let the last write settle
        cpu_before = cpu_seconds(proc.pid)
        time.sleep(idle)
        idle_cpu = cpu_seconds(proc.pid) - cpu_before
        recorded = db.execute("SELECT COUNT(*) FROM switch").fetchone()[0]
    finally:
        proc.terminate()
        proc.wait(15)
    return {
        "source": source,
        "switches": switches,
        "recorded_switches": recorded,
        "latency_ms_p50": round(percentile(latencies, 50), 2),
        "latency_ms_p99": round(percentile(latencies, 99), 2),
        "latency_ms_mean": round(statistics.fmean(latencies), 2),
        "idle_seconds": idle,
        "idle_cpu_seconds": round(idle_cpu, 5),
        "idle_cpu_percent": round(100 * idle_cpu / idle, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--switches", type=int, default=200)
    parser.add_argument("--idle", type=float, default=60.0)
    args = parser.parse_args()
    x = start_x(free_display())
    try:
        results = [run_source(s, x, args.switches, args.idle) for s in ("x11", "wmctrl")]
    finally:
        x.stop()
    by = {r["source"]: r for r in results}
    ratios = {
        "p50_wmctrl_over_x11": round(
            by["wmctrl"]["latency_ms_p50"] / by["x11"]["latency_ms_p50"], 1
        ),
        "p99_wmctrl_over_x11": round(
            by["wmctrl"]["latency_ms_p99"] / by["x11"]["latency_ms_p99"], 1
        ),
        "idle_cpu_wmctrl_over_x11": (
            round(by["wmctrl"]["idle_cpu_seconds"] / by["x11"]["idle_cpu_seconds"], 1)
            if by["x11"]["idle_cpu_seconds"]
            else None
        ),
    }
    print(
        f"{'source':8} {'switches':>8} {'p50 ms':>8} {'p99 ms':>8} {'idle CPU s':>10} {'idle %':>7}"
    )
    for r in results:
        print(
            f"{r['source']:8} {r['recorded_switches']:>8} {r['latency_ms_p50']:>8} "
            f"{r['latency_ms_p99']:>8} {r['idle_cpu_seconds']:>10} {r['idle_cpu_percent']:>7}"
        )
    print("ratios (wmctrl / x11):", ratios)
    target = write_json("tracker.json", {"results": results, "ratios": ratios})
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
