"""Deskmeter beside ActivityWatch on the same generated data, in one run (issue 25's table).

One command (``make bench``):

1. generates the "many tasks" year (``benchmarks/many_tasks.py``: ~33,000 switches, 64 tasks
   that are each their own area) and hands it to ActivityWatch's aw-server (PyPI, in its own
   virtual environment ``benchmarks/.aw-venv``: its pins are not ours), which takes it in its
   two ways (its import: ``import_bucket`` of its parsed file; its store's ``Bucket.insert``
   of events built beforehand) and answers a month's and a year's time per task and one
   day's events (``benchmarks/aw_side.py``);
2. runs Deskmeter's side (``benchmarks/deskmeter_side.py``) in a process of its own: bulk
   import at 33k and 330k switches (SQLite, with the kept totals), the MongoDB sink's batch
   path on mongomock (labelled), the month page, the month and year totals API and one day
   of switches on the many-tasks year and on the ten-year two-host store of
   ``benchmarks/web_bench.py`` (one host and all hosts), the sync's lag from another
   process's commit to the sink's acknowledgement and its wake-ups over 6 idle seconds;
   with ``--before DIR`` the same side again on another checkout's ``src`` (the "before");
3. runs ``deskmeter track`` (x11 source, under Xvfb + openbox) and counts its wake-ups over
   6 idle seconds (voluntary context switches of all its threads);
4. prints the table with the ratios and the goals (writes against AW's ingest, its import:
   Deskmeter's import and the sink's batches; ``store.add_switches`` against
   ``Bucket.insert``; each row followed by its ratio against AW's other way in; the
   import's rate against the issue's ≈ 150k switches/s wall) and writes
   ``$DESKMETER_ARTIFACTS/benchmarks/versus_aw.json``.

    python -m benchmarks.versus_aw [--before /tmp/old] [--quick]

Wall-clock figures on a shared machine move with its load: the load average is recorded, and
both sides run in the same minutes so their ratio is what to read.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.deskmeter_side import DAY, MONTH, history
from benchmarks.stats import write_json
from benchmarks.web_bench import LAST_DAY

ROOT = Path(__file__).resolve().parents[1]
AW_PYTHON = ROOT / "benchmarks" / ".aw-venv" / "bin" / "python"

#: Issue 25's goals: Deskmeter's figure over ActivityWatch's (reads: AW's time over ours).
#: Writes (switches/s, with the kept day totals) are compared like for like:
#:
#: * "import": the path ``deskmeter import FILE`` takes, in process (a JSON export read,
#:   detected, each record checked once, one store write, the touched days recomputed once)
#:   against AW's own import (``ServerAPI.import_bucket``, what ``POST /api/0/import`` runs:
#:   its file parsed, an ``Event`` built and checked per record, one insert): both read
#:   their own file and build and check their records;
#: * the MongoDB sink's batches against the same figure (issue 25 names one: "ActivityWatch's
#:   ingest", its table's "bulk import, in process"). They run on mongomock, an in-process
#:   imitation of MongoDB (labelled): most of their CPU time is mongomock's own upserts in
#:   Python, which no server spends, so the goal is read on the sink's own side (that time
#:   left out); the whole is shown beside it;
#: * "store.add_switches": the store's bulk write of ``Switch`` values built beforehand
#:   against ``Bucket.insert`` of ``Event`` values built beforehand (floor against floor,
#:   no goal of its own).
#:
#: Each row is followed by its ratio against AW's other way in ("· vs …", no goal), so the
#: choice of baseline is there to see; and the import's absolute rate is printed against
#: issue 25's "≈ 150k switches/s wall on this machine".
GOALS = {
    "import 33k": 7.0,
    "import 330k": 7.0,
    "MongoDB sink batches": 7.0,
    "month page": 30.0,
    "month totals API": 50.0,
    "year totals API": 100.0,
    "one day of switches API": 4.0,
    "store size": 2.5,
}
#: AW's two ways in: its import (file parsed, an Event per record) and its store's insert.
AW_IMPORT = ("import_bucket", ("import_events_per_s", "import_events_per_cpu_s"))
AW_INSERT = ("Bucket.insert", ("ingest_events_per_s", "ingest_events_per_cpu_s"))
#: Issue 25's absolute figure for the import: switches per second, wall, on this machine.
IMPORT_WALL_GOAL = 150_000
PAGE_LIMIT = 60_000
LAG_P99_GOAL_MS = 20.0
IDLE_WAKEUPS_GOAL = 1


def aw_events(path: Path, quick: bool) -> int:
    switches = history(1)[: 3_300 if quick else None]
    with path.open("w", encoding="utf-8") as out:
        for s in switches:
            data = {"task": s.task or "", "workspace": s.workspace, "host": s.host}
            row = {"timestamp": s.date.isoformat(), "duration": s.delta, "data": data}
            out.write(json.dumps(row) + "\n")
    return len(switches)


def run_aw(folder: Path, quick: bool) -> dict[str, Any]:
    if not AW_PYTHON.exists():
        return {"skipped": f"no {AW_PYTHON}: run `make bench` (it installs aw-server there)"}
    events = folder / "aw-events.jsonl"
    aw_events(events, quick)
    year = LAST_DAY.year
    month_first = f"{year}-{MONTH:02d}-01"
    done = subprocess.run(
        [
            str(AW_PYTHON),
            str(ROOT / "benchmarks" / "aw_side.py"),
            str(events),
            str(folder),
            month_first,
            f"{year}-01-01",
            DAY,
            "3" if quick else "10",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "HOME": str(folder)},  # aw-server's data dir: not the user's
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    records = folder / "aw-same-records.jsonl"
    same_records_events(records)
    size_folder = _mk(folder / "size")
    sized = subprocess.run(
        [
            str(AW_PYTHON),
            str(ROOT / "benchmarks" / "aw_side.py"),
            "--size",
            str(records),
            str(size_folder),
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "HOME": str(folder)},
    )
    result["same_records_store_bytes"] = json.loads(sized.stdout.strip().splitlines()[-1])[
        "store_bytes"
    ]
    return result


def same_records_events(path: Path) -> int:
    """The many-tasks year with every field Deskmeter keeps of a switch in each event's data
    (its id, task, task id, workspace, workspace index, host, away): ActivityWatch's store for
    the store-size row holds the same records as Deskmeter's. The timed runs keep the smaller
    data of ``aw_events`` (task, workspace, host), so their queries decode no more than they
    need."""
    switches = history(1)
    with path.open("w", encoding="utf-8") as out:
        for s in switches:
            data = {
                "id": s.id,
                "task": s.task or "",
                "task_id": s.task_id,
                "workspace": s.workspace,
                "workspace_index": s.workspace_index,
                "host": s.host,
                "away": s.away,
            }
            row = {"timestamp": s.date.isoformat(), "duration": s.delta, "data": data}
            out.write(json.dumps(row) + "\n")
    return len(switches)


def run_deskmeter(
    src: Path, folder: Path, quick: bool, runs: int, writes_only: bool = False
) -> dict[str, Any]:
    """Deskmeter's side on ``src``: the writes in a process, the reads and sync in another
    (as the CLI and the dashboard run apart: reads timed in the process that had just
    imported 330k switches ran about 30% slower on the many-tasks year, before and after
    alike, with nothing of the import left but the heap it grew)."""
    env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{ROOT}"}
    result: dict[str, Any] = {}
    for part in ["--writes-only"] + ([] if writes_only else ["--reads-only"]):
        output = folder / f"deskmeter{part}.json"
        command = [sys.executable, "-m", "benchmarks.deskmeter_side", "--folder", str(folder)]
        command += ["--output", str(output), "--runs", str(runs), part]
        command += ["--quick"] if quick else []
        subprocess.run(command, cwd=ROOT, env=env, check=True)
        found: dict[str, Any] = json.loads(output.read_text(encoding="utf-8"))
        before = result.get("load_average_before", found["load_average_before"])
        result.update(found, load_average_before=before)
    return result


def tracker_wakeups(idle: float) -> dict[str, Any]:
    """``deskmeter track --source x11`` under Xvfb: wake-ups over ``idle`` quiet seconds."""
    try:
        from tests.support.xvfb import free_display, start_x, wait_for

        from benchmarks.deskmeter_side import voluntary_switches
    except ImportError as exc:
        return {"skipped": f"cannot start an X server here: {exc}"}
    home = Path(tempfile.mkdtemp(prefix="deskmeter-bench-tracker-"))
    (home / "tasks.txt").write_text("* bench/task\n")
    try:
        x = start_x(free_display())
    except Exception as exc:  # an X server that will not start must not lose the rest
        return {"skipped": f"tracker not measured: no X server: {type(exc).__name__}: {exc}"}
    try:
        env = {
            **x.env(),
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home),
            "DESKMETER_STORE": str(home / "bench.db"),
            "DESKMETER_TASK_FILE": str(home / "tasks.txt"),
            "DESKMETER_TIMEZONE": "UTC",
            "PYTHONPATH": str(ROOT / "src"),
        }
        with (home / "track.log").open("w") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "deskmeter", "track", "--source", "x11"],
                env=env,
                stdout=log,
                stderr=log,
            )
            try:
                wait_for((home / "bench.db").exists, timeout=20)
                time.sleep(3.0)  # started, first interval written
                before = voluntary_switches(proc.pid)
                time.sleep(idle)
                woke = voluntary_switches(proc.pid) - before
            finally:
                proc.terminate()
                proc.wait(15)
    except Exception as exc:  # an X server that will not start must not lose the rest
        return {"skipped": f"tracker not measured: {type(exc).__name__}: {exc}"}
    finally:
        x.stop()
    return {"source": "x11", "idle_seconds": idle, "idle_context_switches": woke}


def ratios(aw: dict[str, Any], side: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every row of the table for one Deskmeter side."""
    rows: dict[str, dict[str, Any]] = {}
    for key, value in side["writes"].items():
        cpu = "per CPU s" in key
        unit = "switches/CPU s" if cpu else "switches/s"
        if key.startswith(("store.add_switches", "import ")):
            name, size = key.split()[0], int(key.split()[1])
            label = f"{name} {size // 1000}k" + (" per CPU s" if cpu else "")
        elif key.startswith("mongomock sink"):
            name = "sink"
            label = "MongoDB sink batches (mongomock)" + (key.split("33000")[1] if cpu else "")
        else:
            continue
        # the goal's baseline first (AW's ingest), then against AW's other way in
        ways = [AW_INSERT, AW_IMPORT] if name == "store.add_switches" else [AW_IMPORT, AW_INSERT]
        for number, (way, keys) in enumerate(ways):
            theirs = aw.get(keys[1] if cpu else keys[0])
            shown = label if number == 0 else f"{label} · vs AW {way}"
            ratio = round(value / theirs, 2) if theirs else None
            rows[shown] = {"deskmeter": value, "aw": theirs, "unit": unit, "ratio": ratio}
            rows[shown]["baseline"] = f"AW {way}"
    sources = {
        "month page": "month_query",
        "month totals API": "month_query",
        "year totals API": "year_query",
        "one day of switches API": "day_events",
    }
    for shape, figures in side.get("reads", {}).items():
        if not isinstance(figures, dict):
            continue
        for name, theirs_key in sources.items():
            for cpu in (False, True):
                theirs = aw.get(theirs_key, {}).get("cpu_p50_ms" if cpu else "p50_ms")
                ours = figures.get(f"{name} CPU" if cpu else name)
                rows[f"{name} · {shape}" + (" · CPU" if cpu else "")] = {
                    "deskmeter": ours,
                    "aw": theirs,
                    "unit": "ms p50 CPU" if cpu else "ms p50",
                    "ratio": round(theirs / ours, 1) if theirs and ours else None,
                    "bytes": figures["month page bytes"] if name == "month page" else None,
                }
    size_rows(aw, side, rows)
    for row_name, row in rows.items():
        goal = next((g for k, g in GOALS.items() if row_name.startswith(k)), None)
        if " · vs AW " in row_name:
            goal = None  # the other baseline: shown, not the goal's
        if row_name.startswith("MongoDB sink") and "sink's own" not in row_name:
            goal = None  # mostly mongomock's own Python upserts: the stand-in, shown
        row["goal"] = goal
        met = None if goal is None or row["ratio"] is None else row["ratio"] >= goal
        if met is not None and row.get("bytes") is not None:
            met = met and row["bytes"] <= PAGE_LIMIT
        row["met"] = met
    return rows


def size_rows(aw: dict[str, Any], side: dict[str, Any], rows: dict[str, Any]) -> None:
    """Store size: ActivityWatch's bytes over Deskmeter's for the many-tasks year (Deskmeter's
    with its kept day and month totals), both with the WAL checkpointed. The goal's row holds
    the same records on both sides; the row after it is AW's timed store, whose events carry
    only task, workspace and host (no goal: it holds less than Deskmeter's)."""
    ours = side.get("reads", {}).get("store bytes")
    if not ours:
        return
    sizes = [("store size (same records)", aw.get("same_records_store_bytes"))]
    if aw.get("events") == side["reads"].get("store switches"):  # not with --quick's sample
        sizes.append(
            ("store size · vs AW store of task, workspace, host only", aw.get("store_bytes"))
        )
    for label, theirs in sizes:
        rows[label] = {
            "deskmeter": ours,
            "aw": theirs,
            "unit": "bytes",
            "ratio": round(theirs / ours, 2) if theirs else None,
        }


def print_table(
    aw: dict[str, Any], after: dict[str, Any], before: dict[str, Any] | None
) -> dict[str, Any]:
    after_rows = ratios(aw, after)
    before_rows = ratios(aw, before) if before else {}
    width = max(len(name) for name in after_rows) + 2
    head = f"{'figure':<{width}} {'AW':>10} │ {'before':>10} {'ratio':>7} │ "
    print(head + f"{'after':>10} {'ratio':>7} {'goal':>6}  met")
    for name, row in after_rows.items():
        old = before_rows.get(name, {})
        extra = f" {row['bytes'] / 1000:.1f} KB" if row.get("bytes") else ""
        old_extra = f" ({old['bytes'] / 1000:.0f} KB)" if old.get("bytes") else ""
        goal = f"{row['goal']:g}×" if row["goal"] else "-"
        met = {True: "yes", False: "NO", None: "-"}[row["met"]]
        print(
            f"{name:<{width}} {_fmt(row['aw']):>10} │ {_fmt(old.get('deskmeter')):>10} "
            f"{_fmt(old.get('ratio'), '×'):>7} │ {_fmt(row['deskmeter']):>10} "
            f"{_fmt(row['ratio'], '×'):>7} {goal:>6}  {met}{extra}{old_extra}"
        )
    for size in sorted({k.split()[1] for k in after["writes"] if k.startswith("import ")}):
        for label, side in (("before", before), ("after", after)):
            rate = (side or {}).get("writes", {}).get(f"import {size}")
            if rate is not None:
                met = "yes" if rate >= IMPORT_WALL_GOAL else "NO"
                print(
                    f"import {int(size) // 1000}k, {label}: {rate:,} switches/s wall "
                    f"(issue 25: ≈ {IMPORT_WALL_GOAL:,}/s on this machine): {met}"
                )
    if "sync" not in after:  # --writes-only
        return {"after": after_rows, "before": before_rows}
    sync = after["sync"]
    print(
        f"sync (SQLite source, {sync['sink']}): {sync['writes']} commits by another process, "
        f"lag p50 {sync['lag_p50_ms']} ms, p99 {sync['lag_p99_ms']} ms (goal ≤ "
        f"{LAG_P99_GOAL_MS:g}), max {sync.get('lag_max_ms')} ms; idle {sync['idle_seconds']:g} s: "
        f"{sync['idle_loop_wakeups']} loop wake-ups (goal ≤ {IDLE_WAKEUPS_GOAL}), "
        f"{sync['idle_process_context_switches']} context switches of the process"
    )
    if before and "sync" in before:
        old = before["sync"]
        print(
            f"  before: lag p50 {old['lag_p50_ms']} ms, p99 {old['lag_p99_ms']} ms; "
            f"{old['idle_loop_wakeups']} loop wake-ups, "
            f"{old['idle_process_context_switches']} context switches"
        )
    return {"after": after_rows, "before": before_rows}


def _fmt(value: Any, suffix: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and value < 100:
        return f"{value:.2f}{suffix}" if value < 10 else f"{value:.1f}{suffix}"
    return f"{value:,.0f}{suffix}"


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, help="another checkout to measure as 'before'")
    parser.add_argument("--quick", action="store_true", help="small sizes (the smoke test)")
    parser.add_argument("--runs", type=int, default=10, help="timed runs per read (p50)")
    parser.add_argument("--no-tracker", action="store_true", help="skip the tracker's wake-ups")
    parser.add_argument("--output", default="versus_aw.json")
    parser.add_argument(
        "--writes-only", action="store_true", help="only the write figures (and AW's ingest)"
    )
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="deskmeter-versus-aw-"))
    result: dict[str, Any] = {"load_average_before": os.getloadavg()[0], "cpus": os.cpu_count()}
    print("ActivityWatch (aw-server from PyPI, in-process in its own venv) …", flush=True)
    result["activitywatch"] = aw = run_aw(_mk(folder / "aw"), quick=args.quick)
    print("Deskmeter (this checkout) …", flush=True)
    result["after"] = run_deskmeter(
        ROOT / "src", _mk(folder / "after"), args.quick, args.runs, args.writes_only
    )
    if args.before:
        print(f"Deskmeter (before: {args.before}) …", flush=True)
        result["before"] = run_deskmeter(
            args.before / "src", _mk(folder / "before"), args.quick, args.runs, args.writes_only
        )
    if not args.no_tracker and not args.writes_only:
        result["tracker"] = tracker_wakeups(2.0 if args.quick else 6.0)
    result["load_average_after"] = os.getloadavg()[0]
    if "skipped" in aw:
        print(f"ActivityWatch skipped: {aw['skipped']}")
        aw = {}
    result["table"] = print_table(aw, result["after"], result.get("before"))
    tracker = result.get("tracker", {})
    if "idle_context_switches" in tracker:
        print(
            f"tracker (x11, Xvfb): {tracker['idle_context_switches']} wake-ups in "
            f"{tracker['idle_seconds']:g} idle seconds (context switches of all its threads)"
        )
    elif tracker:
        print(tracker["skipped"])
    print(
        f"load average {result['load_average_before']:.1f} → {result['load_average_after']:.1f}"
        f" on {result['cpus']} CPUs"
    )
    target = write_json(args.output, result)
    print(f"wrote {target}")
    return result


def _mk(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


if __name__ == "__main__":
    main()
