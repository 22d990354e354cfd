"""Latency from a tracker change to the indicators, p50/p99, and their wake-ups while idle.

A real private session bus (dbus-daemon), the tracker's real D-Bus service fed by an in-process
tracker, and in this process: ``deskmeter status --follow --format waybar``'s loop (a thread)
and ``deskmeter tray`` (a thread), with this process also playing the tray host. Each change is
a task switch (``tracker.step(SetTask)``, what the tracker does on ``SetTask``), timed from just
before the step (so the tracker's own store write is included) to:

``change -> waybar line``   the follower writes its new line
``change -> tray NewTitle`` the tray host receives the item's ``NewTitle`` signal

Wake-ups while idle: the follower and the tray run for ``--idle`` seconds with the tracker
running but without a workspace; every loop pass and every timer asked for is counted (goal: 0).

    python -m benchmarks.indicator_latency [--changes 100] [--idle 10]

Prints a table and writes JSON to $DESKMETER_ARTIFACTS/benchmarks/indicator_latency.json.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from tests.gnome.shell import BusClient, PrivateBus
from tests.indicator.harness import Follower, LiveTracker, TrayRunner, wait_until
from tests.unit.test_tracker_intervals import T0

from benchmarks.stats import percentile, write_json
from deskmeter.indicator.bar_formats import BarFormat
from deskmeter.tracker.clock import FakeClock
from deskmeter.tracker.events import SetTask, WorkspaceChanged


def summary(values: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in values]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "max_ms": round(max(ms), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--idle", type=float, default=10.0)
    args = parser.parse_args()
    bus = PrivateBus.start()
    with tempfile.TemporaryDirectory() as tmp:
        clock = FakeClock(T0)
        live = LiveTracker(Path(tmp), clock, bus.address)
        tracker = live.start()
        follower = Follower(BarFormat("waybar"), clock, bus.address).start()
        tray = TrayRunner(clock, bus.address).start()
        host = BusClient(bus.address)
        try:
            follower.wait_for(lambda s: "idle" in s)
            wait_until(lambda: tray.tray.item.look.label.endswith("idle"))
            lines_before, ticks_before = len(follower.lines), len(follower.tick.requested)
            tray_ticks_before = len(tray.tick.requested)
            time.sleep(args.idle)
            idle = {
                "seconds": args.idle,
                "follower_lines": len(follower.lines) - lines_before,
                "follower_timers": len(follower.tick.requested) - ticks_before,
                "tray_timers": len(tray.tick.requested) - tray_ticks_before,
            }
            host.add_match(f"type='signal',sender='{tray.tray.name}',member='NewTitle'")
            tracker.step(WorkspaceChanged(0))  # counting from now on: each change is a task
            follower.wait_for(lambda s: '"tracking"' in s)
            to_line: list[float] = []
            to_title: list[float] = []
            for i in range(args.changes):
                host.signals.clear()
                seen = len(follower.lines)
                started = time.perf_counter()
                path = ("work/b", "work/a")[i % 2]
                tracker.step(SetTask(path))
                follower.wait_for(lambda s, p=path: f'"text":"{p} ' in s)
                to_line.append(time.perf_counter() - started)
                host.wait_for_signals(lambda s: any(m.member == "NewTitle" for m in s), 10)
                to_title.append(time.perf_counter() - started)
                assert len(follower.lines) == seen + 1  # one line per change, not more
        finally:
            host.close()
            tray.stop()
            follower.stop()
            live.close()
            bus.stop()
    result = {
        "change_to_waybar_line": summary(to_line),
        "change_to_tray_new_title": summary(to_title),
        "idle": idle,
    }
    for name, row in result.items():
        print(f"{name:28} {row}")
    print(write_json("indicator_latency.json", result))


if __name__ == "__main__":
    main()
