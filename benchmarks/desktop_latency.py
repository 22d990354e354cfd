"""Switch -> store latency and idle wake-ups of ``deskmeter track`` on real compositors.

Each compositor runs headless as a test user (tests/desktops/compositors.py): Sway 1.7, KWin
5.27 (``kwin_wayland --virtual``) and i3 under Xvfb, and a plain ``deskmeter track`` (auto)
runs as that user in the session. Under i3 a second tracker with ``--source wmctrl`` (the
seed's polling, once a second) runs at the same time on the same switches: the comparison is
in the same run, on the same X server.

Latency: from just before the switch request (Sway/i3: IPC ``RUN_COMMAND`` ``workspace NAME``
from this process; KWin: ``Properties.Set`` of ``current`` from a helper running as the user
on KWin's bus, which prints its wall-clock start) to the moment this process reads the new
interval in the tracker's SQLite store (polling the store every 0.5 ms). It includes the
compositor's own switch. Switches come at random moments (0-0.5 s apart), out of phase with any
poll.

Wake-ups: voluntary + involuntary context switches of all the tracker's threads
(/proc/PID/task/*/status) over an idle stretch, the heartbeat set to an hour so that every
wake-up counted is one beyond the heartbeat; scaled to one hour.

    python -m benchmarks.desktop_latency [--switches 100] [--idle 30]

Run as root (the compositors run as a test user). Prints a table and writes JSON to
$DESKMETER_ARTIFACTS/benchmarks/desktop_latency.json.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import subprocess
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from tests.desktops.compositors import (
    KWin,
    Session,
    Sway,
    UserTracker,
    as_user,
    start_i3,
    start_kwin,
    start_sway,
    user_python,
    user_tracker,
)
from tests.support.waiting import wait_for
from tests.support.xvfb import free_display

from benchmarks.stats import percentile, write_json


def context_switches(pid: int) -> int:
    total = 0
    for status in Path(f"/proc/{pid}/task").glob("*/status"):
        try:
            for line in status.read_text().splitlines():
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    total += int(line.split()[1])
        except (OSError, ValueError):  # a thread ended meanwhile
            continue
    return total


def current(db: sqlite3.Connection) -> str | None:
    """The open interval's id and workspace name: a switch opens a new interval; under i3,
    ``wmctrl`` sees one desktop whose name changes (i3 drops empty workspaces), a rename."""
    try:
        row = db.execute("SELECT interval_id, workspace FROM state").fetchone()
    except sqlite3.OperationalError:
        return None
    return None if row is None else f"{row[0]} {row[1]}"


def open_db(run: UserTracker) -> sqlite3.Connection:
    wait_for(run.store_path.exists, timeout=120)
    return sqlite3.connect(f"file:{run.store_path}?mode=ro", uri=True, timeout=5)


def measure(
    session: Session,
    switch: Callable[[str], float],
    names: list[str],
    switches: int,
    idle: float,
    wmctrl: bool = False,
) -> list[dict[str, Any]]:
    hour = {"DESKMETER_TRACKER__HEARTBEAT_SECONDS": "3600"}
    print(f"{session.kind}: {switches} switches, then {idle:.0f} s idle", flush=True)
    with user_tracker(session) as run, user_tracker(session) as polled:
        run.extra_env = dict(hour)
        run.start()
        trackers = [("auto", run)]
        if wmctrl:
            polled.extra_env = {**hour, "DESKMETER_TRACKER__POLL_SECONDS": "1"}
            polled.start("--source", "wmctrl")
            trackers.append(("wmctrl", polled))
        dbs = {label: open_db(t) for label, t in trackers}
        for db in dbs.values():
            wait_for(partial(current, db), timeout=120)
        latencies: dict[str, list[float]] = {label: [] for label in dbs}
        rng = random.Random(switches)
        here = names[0]
        for i in range(switches):
            target = names[i % len(names)]
            if target == here:
                target = names[(i + 1) % len(names)]
            time.sleep(rng.uniform(0, 0.5))
            opened = {label: current(db) for label, db in dbs.items()}
            started = switch(target)
            pending = set(dbs)
            deadline = started + 60
            while pending:
                if time.time() > deadline:
                    raise RuntimeError(f"{sorted(pending)} never showed {target!r}")
                for label in list(pending):
                    if current(dbs[label]) not in (opened[label], None):
                        latencies[label].append((time.time() - started) * 1000)
                        pending.discard(label)
                time.sleep(0.0005)
            here = target
        time.sleep(1.0)
        before = {label: context_switches(t.pid()) for label, t in trackers}
        time.sleep(idle)
        after = {label: context_switches(t.pid()) for label, t in trackers}
        results = []
        for label, tracker in trackers:
            recorded = dbs[label].execute("SELECT COUNT(*) FROM switch").fetchone()[0]
            results.append(
                {
                    "compositor": session.kind,
                    "source": tracker.log().split("tracking with the ", 1)[-1].split(" ", 1)[0],
                    "switches": switches,
                    "recorded": recorded,
                    "latency_ms_p50": round(percentile(latencies[label], 50), 2),
                    "latency_ms_p99": round(percentile(latencies[label], 99), 2),
                    "idle_seconds": idle,
                    "idle_wakeups": after[label] - before[label],
                    "idle_wakeups_per_hour": round((after[label] - before[label]) * 3600 / idle),
                }
            )
            tracker.stop()
        return results


def ipc_switch(session: Sway) -> Callable[[str], float]:
    def switch(name: str) -> float:
        started = time.time()
        session.command(f"workspace {name}")
        return started

    return switch


#: Runs as the test user on KWin's session bus (root may not connect to a user's bus): reads
#: a desktop id per line, prints the wall-clock time just before setting ``current``.
KWIN_SWITCHER = """
import asyncio, sys, time
from dbus_fast import Variant
from dbus_fast.aio import MessageBus
from deskmeter.tracker.presence.dbus_call import call

async def main():
    bus = await MessageBus().connect()
    for line in sys.stdin:
        started = time.time()
        await call(bus, "org.kde.KWin", "/VirtualDesktopManager",
                   "org.freedesktop.DBus.Properties", "Set", "ssv",
                   ["org.kde.KWin.VirtualDesktopManager", "current", Variant("s", line.strip())])
        print(started, flush=True)

asyncio.run(main())
"""


def kwin_switch(kwin: KWin) -> tuple[Callable[[str], float], subprocess.Popen[str]]:
    python = user_python(kwin.user)
    helper = subprocess.Popen(
        as_user(kwin.user, kwin.env, [str(python), "-c", KWIN_SWITCHER]),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    ids = {name: ident for _, ident, name in kwin.desktops()}

    def switch(name: str) -> float:
        assert helper.stdin is not None and helper.stdout is not None
        helper.stdin.write(ids[name] + "\n")
        helper.stdin.flush()
        return float(helper.stdout.readline())

    return switch, helper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--switches", type=int, default=100)
    parser.add_argument("--idle", type=float, default=30.0)
    args = parser.parse_args()
    results: list[dict[str, Any]] = []

    sway: Sway = start_sway()
    try:
        results += measure(
            sway,
            ipc_switch(sway),
            ["1", "mail", "code", "3"],
            args.switches,
            args.idle,
        )
    finally:
        sway.stop()

    kwin: KWin = start_kwin()
    try:
        for position, name in enumerate(["Mail", "Code", "Web"], start=1):
            kwin.create(position, name)
        switch, helper = kwin_switch(kwin)
        results += measure(
            kwin, switch, ["Desktop 1", "Mail", "Code", "Web"], args.switches, args.idle
        )
        helper.terminate()
    finally:
        kwin.stop()

    i3 = start_i3(free_display())
    i3.env["SWAYSOCK"] = i3.env["I3SOCK_FOR_TESTS"]  # for this process's IPC only
    try:
        results += measure(
            i3,
            ipc_switch(i3),
            ["1", "2", "3", "4"],
            args.switches,
            args.idle,
            wmctrl=True,
        )
    finally:
        i3.stop()

    print(
        f"{'compositor':10} {'source':8} {'recorded':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'idle wake-ups/h':>16}"
    )
    for r in results:
        print(
            f"{r['compositor']:10} {r['source']:8} {r['recorded']:>8} {r['latency_ms_p50']:>8} "
            f"{r['latency_ms_p99']:>8} {r['idle_wakeups_per_hour']:>16}"
        )
    target = write_json("desktop_latency.json", {"results": results})
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
