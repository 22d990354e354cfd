"""Away detection: event-driven (MIT-SCREEN-SAVER + XInput2 raw events) beside 5 s polling.

Both run at once on the same real X server (Xvfb + openbox) and see the same input, made
with XTEST (relative pointer motion, what a mouse sends). The polling detector is what
ActivityWatch's aw-watcher-afk does: ask the idle time every 5 s. The event-driven one also
feeds a real ``Tracker`` on SQLite, so "recorded" means the away interval is in the store.

* wake-ups per hour of each detector's thread while active (input every 0.5 s) and while
  away (no input at all), counted in the loop (every return from ``select``/``sleep``);
  the tracker loop's own wake-ups while away are counted too (its heartbeat stops then);
* last input → away recorded (beyond the threshold itself: the ideal is 0);
* first input → active again (p50/p99 over ``--reps`` returns; after the first input the
  user goes on working, input every 0.2 s, so the poller sees it at its next poll).

    python -m benchmarks.presence_bench [--threshold 1] [--reps 12] [--phase 12]

Prints a table and writes JSON to $DESKMETER_ARTIFACTS/benchmarks/presence.json.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from tests.support.xvfb import free_display, start_x, wait_for
from Xlib import X, display
from Xlib.ext import xtest

from benchmarks.stats import percentile, write_json
from deskmeter.config import Settings
from deskmeter.models import State
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.tasks.registry import TaskRegistry
from deskmeter.tracker.daemon import Tracker
from deskmeter.tracker.events import Away, Back, Event, WorkspaceChanged
from deskmeter.tracker.presence.x11_idle import X11Presence

POLL_SECONDS = 5.0


class PollingPresence:
    """aw-watcher-afk's approach: poll the idle time every 5 s."""

    name = "poll-5s"

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.wakeups = 0

    def run(self, emit: Any, stop: threading.Event) -> None:
        dpy = display.Display()
        root = dpy.screen().root
        away = False
        while not stop.wait(POLL_SECONDS):
            self.wakeups += 1
            idle = root.screensaver_query_info().idle / 1000.0
            now = time.time()
            if not away and idle >= self.threshold:
                away = True
                emit(("away", time.monotonic(), now - idle))
            elif away and idle < self.threshold:
                away = False
                emit(("back", time.monotonic(), now - idle))
        dpy.close()


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, float]] = []
        self.lock = threading.Lock()

    def add(self, kind: str, mono: float) -> None:
        with self.lock:
            self.events.append((kind, mono))

    def last(self, kind: str, after: float) -> float | None:
        with self.lock:
            found = [m for k, m in self.events if k == kind and m >= after]
        return found[0] if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--threshold", type=float, default=1.0)
    parser.add_argument("--reps", type=int, default=12)
    parser.add_argument("--phase", type=float, default=12.0, help="seconds per phase")
    args = parser.parse_args()
    x = start_x(free_display())
    os.environ["DISPLAY"] = x.display
    try:
        result = run(args.threshold, args.reps, args.phase)
    finally:
        x.stop()
    print_table(result)
    print(f"wrote {write_json('presence.json', result)}")


def run(threshold: float, reps: int, phase: float) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="presence-bench-"))
    (tmp / "tasks.txt").write_text("* work/bench\n")
    settings = Settings(
        store=str(tmp / "b.db"),
        task_file=tmp / "tasks.txt",
        timezone="UTC",
        tracker={"away_after_seconds": threshold, "heartbeat_seconds": 30},
    )
    store = SQLiteStore(tmp / "b.db")
    tracker = Tracker(store, settings, TaskRegistry(store, settings.task_file))
    tracker.start()
    recorded = Recorder()
    loop_wakeups = [0]
    step = tracker.step

    def counting_step(event: Event | None) -> bool:
        loop_wakeups[0] += 1
        return step(event)

    tracker.step = counting_step  # type: ignore[method-assign]

    def listener(state: State | None) -> None:
        if state is not None:
            recorded.add("away" if state.away else "back", time.monotonic())

    tracker.listeners.append(listener)
    tracker.events.put(WorkspaceChanged(0))
    threading.Thread(target=tracker.run, daemon=True).start()

    event_seen = Recorder()
    poll_seen = Recorder()

    def emit_event(event: Event) -> None:
        if isinstance(event, Away | Back):
            event_seen.add("away" if isinstance(event, Away) else "back", time.monotonic())
        tracker.events.put(event)

    stop = threading.Event()
    event_driven = X11Presence(threshold)
    polling = PollingPresence(threshold)
    threading.Thread(target=event_driven.run, args=(emit_event, stop), daemon=True).start()
    threading.Thread(
        target=polling.run, args=(lambda e: poll_seen.add(e[0], e[1]), stop), daemon=True
    ).start()

    dpy = display.Display()

    def nudge() -> float:
        t = time.monotonic()
        xtest.fake_input(dpy, X.MotionNotify, detail=True, x=2, y=1)
        dpy.sync()
        return t

    # -- active: input every 0.5 s --------------------------------------------------------
    nudge()
    time.sleep(0.2)
    w0, p0 = event_driven.wakeups, polling.wakeups
    start = time.monotonic()
    while time.monotonic() - start < phase:
        nudge()
        time.sleep(0.5)
    active_hours = (time.monotonic() - start) / 3600
    active = {
        "event": (event_driven.wakeups - w0) / active_hours,
        "poll": (polling.wakeups - p0) / active_hours,
    }
    # -- away: no input -------------------------------------------------------------------
    last_input = nudge()
    wait_for(lambda: recorded.last("away", last_input), timeout=2 * threshold + 10)
    wait_for(lambda: poll_seen.last("away", last_input), timeout=threshold + 2 * POLL_SECONDS)
    away_event_delay = event_seen.last("away", last_input)
    away_recorded = recorded.last("away", last_input)
    away_poll = poll_seen.last("away", last_input)
    assert away_event_delay and away_recorded and away_poll
    w0, p0, l0 = event_driven.wakeups, polling.wakeups, loop_wakeups[0]
    start = time.monotonic()
    time.sleep(phase)
    away_hours = (time.monotonic() - start) / 3600
    away = {
        "event": (event_driven.wakeups - w0) / away_hours,
        "poll": (polling.wakeups - p0) / away_hours,
        "tracker_loop": (loop_wakeups[0] - l0) / away_hours,
    }
    # -- back: first input → active, over reps -------------------------------------------
    back_event: list[float] = []
    back_poll: list[float] = []
    away_delay_event: list[float] = [away_recorded - last_input - threshold]
    away_delay_poll: list[float] = [away_poll - last_input - threshold]
    for _ in range(reps):
        t = nudge()  # the first input; a returning user goes on working (input every 0.2 s)
        wait_for(lambda t=t: recorded.last("back", t), timeout=5)
        deadline = time.monotonic() + 2 * POLL_SECONDS
        while not poll_seen.last("back", t) and time.monotonic() < deadline:
            time.sleep(0.2)
            nudge()
        back_event.append(recorded.last("back", t) - t)  # type: ignore[operator]
        back_poll.append(poll_seen.last("back", t) - t)  # type: ignore[operator]
        last = nudge()
        wait_for(lambda last=last: recorded.last("away", last), timeout=2 * threshold + 5)
        wait_for(lambda last=last: poll_seen.last("away", last), timeout=2 * POLL_SECONDS + 2)
        away_delay_event.append(recorded.last("away", last) - last - threshold)  # type: ignore[operator]
        away_delay_poll.append(poll_seen.last("away", last) - last - threshold)  # type: ignore[operator]
    stop.set()
    event_driven.wake()

    def ms(values: list[float], pct: float) -> float:
        return round(percentile(values, pct) * 1000, 1)

    per_threshold = 3600 / threshold
    result = {
        "threshold_seconds": threshold,
        "phase_seconds": phase,
        "reps": reps,
        "wakeups_per_hour_active": {k: round(v, 1) for k, v in active.items()},
        "wakeups_per_hour_away": {k: round(v, 1) for k, v in away.items()},
        "threshold_periods_per_hour": round(per_threshold, 1),
        "away_recorded_beyond_threshold_ms": {
            "event_p50": ms(away_delay_event, 50),
            "event_p99": ms(away_delay_event, 99),
            "poll_p50": ms(away_delay_poll, 50),
            "poll_p99": ms(away_delay_poll, 99),
        },
        "first_input_to_active_ms": {
            "event_p50": ms(back_event, 50),
            "event_p99": ms(back_event, 99),
            "poll_p50": ms(back_poll, 50),
            "poll_p99": ms(back_poll, 99),
        },
    }
    result["ratios"] = {
        "back_p99_poll_over_event": round(
            percentile(back_poll, 99) / max(percentile(back_event, 99), 1e-6), 1
        ),
        "away_wakeups_poll_minus_event_per_hour": round(away["poll"] - away["event"], 1),
    }
    result["goals"] = {
        "0 wake-ups/h away": away["event"] == 0,
        "<= 1 wake-up per threshold period active": active["event"] <= per_threshold * 1.05,
        "first input -> active p99 < 100 ms": percentile(back_event, 99) < 0.1,
    }
    store.close()
    return result


def print_table(r: dict[str, Any]) -> None:
    a, w = r["wakeups_per_hour_active"], r["wakeups_per_hour_away"]
    d, b = r["away_recorded_beyond_threshold_ms"], r["first_input_to_active_ms"]
    print(
        f"threshold {r['threshold_seconds']} s, {r['reps']} returns, phases {r['phase_seconds']} s"
    )
    print(f"{'':26} {'event-driven':>14} {'poll 5 s':>10}")
    print(f"{'wake-ups/h active':26} {a['event']:>14} {a['poll']:>10}   "
          f"(threshold periods/h: {r['threshold_periods_per_hour']})")  # fmt: skip
    print(f"{'wake-ups/h away':26} {w['event']:>14} {w['poll']:>10}   "
          f"(tracker loop away: {w['tracker_loop']})")  # fmt: skip
    print(f"{'away recorded p50/p99 ms':26} {d['event_p50']:>6}/{d['event_p99']:<7} "
          f"{d['poll_p50']:>5}/{d['poll_p99']}   (beyond the threshold)")  # fmt: skip
    print(f"{'input -> active p50/p99 ms':26} {b['event_p50']:>6}/{b['event_p99']:<7} "
          f"{b['poll_p50']:>5}/{b['poll_p99']}")  # fmt: skip
    print("ratios:", r["ratios"])
    print("goals:", r["goals"])


if __name__ == "__main__":
    main()
