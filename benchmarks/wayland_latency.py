"""Switch -> store latency and idle wake-ups of a real tracker on Debian 13 / unstable compositors.

Sway 1.10 and KWin 6.3 (the Debian 13 tree) and labwc 0.20 (the unstable tree) run headless as
the test user, in a chroot (tests/desktops_chroot); a plain ``deskmeter track`` runs inside the
chroot in the session's environment (sources: sway IPC, KWin D-Bus, ext-workspace-v1; presence:
ext-idle-notify-v1 with the default threshold). Switches come at random moments (0.2-0.6 s
apart). Latency: from just before the switch request (Sway IPC ``workspace``, KWin's D-Bus
``current``, the ext-workspace ``activate`` + ``commit``) to the moment the new interval is
committed (read back from the store by this process, polling every 0.5 ms); "after": from the
moment the request returned (for KWin, once the ``gdbus`` run in the chroot has exited, which
costs tens of ms of process start-up that is not the tracker's).

Idle wake-ups: voluntary context switches of all the tracker's threads
(/proc/PID/task/*/status) over a stretch where nothing changes, with the default 30 s
heartbeat: the goal is none beyond the heartbeat's.

    python -m benchmarks.wayland_latency [--switches 100] [--idle 60] [--only sway,kwin,labwc]

Prints a table and writes JSON to $DESKMETER_ARTIFACTS/benchmarks/wayland.json. Needs root.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tests.desktops import compositors
from tests.desktops.compositors import Session, UserTracker, user_tracker
from tests.desktops_chroot.chroot import (
    chroot_start,
    kwin_bin_in,
    make_venv,
    mounted_tree,
    rootfs,
    start_labwc,
)
from tests.desktops_chroot.workspace_client import activate

from benchmarks.stats import percentile, write_json


def context_switches(pid: int) -> int:
    total = 0
    for status in Path(f"/proc/{pid}/task").glob("*/status"):
        with contextlib.suppress(OSError):
            for line in status.read_text().splitlines():
                if line.startswith("voluntary_ctxt_switches:"):
                    total += int(line.split()[1])
    return total


def current(db: sqlite3.Connection) -> str | None:
    try:
        row = db.execute("SELECT workspace FROM state").fetchone()
    except sqlite3.OperationalError:
        return None
    return None if row is None else str(row[0])


@contextlib.contextmanager
def session_for(
    kind: str, tree: Path
) -> Iterator[tuple[Session, Callable[[str], None], list[str]]]:
    """The compositor, a switch function and the workspace names to switch between."""
    if kind == "sway":
        sway = compositors.start_sway(root=tree)
        try:
            yield sway, lambda name: sway.command(f"workspace {name}") and None, ["1", "2", "3"]
        finally:
            sway.stop()
    elif kind == "kwin":
        plain_user_dir = compositors.user_dir
        compositors.user_dir = kwin_bin_in(tree)  # type: ignore[assignment]
        try:
            kwin = compositors.start_kwin(root=tree)
            for position, name in enumerate(["two", "three"], start=1):
                kwin.create(position, name)
            deadline = time.monotonic() + 10
            while len(kwin.desktops()) < 3 and time.monotonic() < deadline:
                time.sleep(0.05)
            try:
                yield kwin, kwin.switch, ["Desktop 1", "two", "three"]
            finally:
                kwin.stop()
        finally:
            compositors.user_dir = plain_user_dir
    else:
        labwc = start_labwc(tree, ["one", "two", "three"])
        try:
            yield labwc, lambda name: activate(labwc.display, name), ["one", "two", "three"]
        finally:
            labwc.stop()


def measure(kind: str, tree: Path, venv: Path, switches: int, idle: float) -> dict[str, Any]:
    plain_start = UserTracker.start
    UserTracker.start = chroot_start(venv)  # type: ignore[method-assign]
    try:
        with session_for(kind, tree) as (session, switch, names), user_tracker(session) as run:
            run.env = lambda base=run.env: {  # type: ignore[method-assign]
                **{k: v for k, v in base().items() if "HEARTBEAT" not in k},
            }
            run.start()
            deadline = time.monotonic() + 30
            while not run.store_path.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            db = sqlite3.connect(run.store_path)
            while current(db) != names[0] and time.monotonic() < deadline:
                time.sleep(0.01)
            latencies: list[float] = []
            after: list[float] = []  # from the request's return (KWin: gdbus has exited)
            at = 0
            for _ in range(switches):
                at = (at + random.randint(1, len(names) - 1)) % len(names)
                time.sleep(random.uniform(0.2, 0.6))
                start = time.perf_counter()
                switch(names[at])
                returned = time.perf_counter()
                while current(db) != names[at]:
                    time.sleep(0.0005)
                latencies.append((time.perf_counter() - start) * 1000)
                after.append((time.perf_counter() - returned) * 1000)
            pid = run.pid()
            before = context_switches(pid)
            time.sleep(idle)
            wakeups = context_switches(pid) - before
            db.close()
            run.stop()
            log = run.log()
    finally:
        UserTracker.start = plain_start  # type: ignore[method-assign]
    source = next(
        (w for w in ("sway", "kwin", "wayland") if f"tracking with the {w} source" in log), "?"
    )
    return {
        "compositor": kind,
        "source": source,
        "switches": switches,
        "p50_ms": round(percentile(latencies, 50), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "max_ms": round(max(latencies), 2),
        "after_request_p50_ms": round(percentile(after, 50), 2),
        "after_request_p99_ms": round(percentile(after, 99), 2),
        "idle_seconds": idle,
        "idle_wakeups": wakeups,
        "idle_wakeups_per_hour": round(wakeups * 3600 / idle),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--switches", type=int, default=100)
    parser.add_argument("--idle", type=float, default=60.0)
    parser.add_argument("--only", default="sway,kwin,labwc")
    args = parser.parse_args()
    wanted = args.only.split(",")
    rows: list[dict[str, Any]] = []
    for suite, in_tree in (("trixie", ["sway", "kwin"]), ("sid", ["labwc"])):
        kinds = [k for k in in_tree if k in wanted]
        if not kinds:
            continue
        with mounted_tree(rootfs(suite)) as tree:
            venv = make_venv(tree)
            try:
                for kind in kinds:
                    rows.append(measure(kind, tree, venv, args.switches, args.idle))
            finally:
                shutil.rmtree(venv.parent, ignore_errors=True)
    print(
        f"{'compositor':<10} {'source':<8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} "
        f"{'after p50':>10} {'after p99':>10} {'idle wake-ups/h':>16}"
    )
    for row in rows:
        print(
            f"{row['compositor']:<10} {row['source']:<8} {row['p50_ms']:>8} {row['p99_ms']:>8} "
            f"{row['max_ms']:>8} {row['after_request_p50_ms']:>10} "
            f"{row['after_request_p99_ms']:>10} {row['idle_wakeups_per_hour']:>16}"
        )
    print(write_json("wayland.json", {"rows": rows}))


if __name__ == "__main__":
    main()
