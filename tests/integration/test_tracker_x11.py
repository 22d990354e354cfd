"""The real tracker under a real X server: switches made with ``wmctrl -s`` are recorded."""

from __future__ import annotations

import itertools
import signal
import subprocess
import time

import pytest

from tests.integration.conftest import TrackerRun
from tests.support.xvfb import XServer, free_display, start_x, wait_for

pytestmark = [pytest.mark.x11]

DWELL = 0.4


def on_workspace(index: int):  # type: ignore[no-untyped-def]
    return lambda state: state is not None and state.workspace_index == index


@pytest.mark.parametrize("source", ["x11", "wmctrl"])
def test_workspace_switches_become_exact_switch_records(
    source: str, xserver: XServer, tracker_run: TrackerRun
) -> None:
    xserver.switch(0)
    tracker_run.start("--source", source)
    tracker_run.wait_state(on_workspace(0))
    for index in (1, 2, 3):
        time.sleep(DWELL if source == "x11" else 1.5)
        xserver.switch(index)
        tracker_run.wait_state(on_workspace(index), timeout=5)
    time.sleep(0.3)
    assert tracker_run.stop() == 0
    store = tracker_run.store()
    switches = store.switches()
    assert [s.workspace_index for s in switches] == [0, 1, 2, 3]
    assert [s.workspace for s in switches] == ["desktop 1", "desktop 2", "desktop 3", "desktop 4"]
    assert {s.task for s in switches} == {"work/alpha"}
    for before, after in itertools.pairwise(switches):
        # contiguous (to the millisecond deltas are kept at): nothing lost, nothing twice
        assert abs((after.date - before.end).total_seconds()) < 0.001
    if source == "x11":
        for middle in switches[1:3]:
            assert middle.delta == pytest.approx(DWELL, abs=0.25)
    assert store.get_state() is None  # SIGTERM closed the open interval
    assert "closed the open interval" in tracker_run.log()


def test_task_set_switches_task_without_a_restart(
    xserver: XServer, tracker_run: TrackerRun
) -> None:
    xserver.switch(1)
    tracker_run.start("--source", "x11")
    tracker_run.wait_state(on_workspace(1))
    time.sleep(0.3)
    result = tracker_run.cli("task", "set", "work/beta")
    assert result.returncode == 0, result.stderr
    tracker_run.wait_state(lambda s: s is not None and s.task == "work/beta")
    status = tracker_run.cli("status", "--json")
    assert '"task": "work/beta"' in status.stdout
    assert '"tracking": true' in status.stdout
    tracker_run.stop()
    switches = tracker_run.store().switches()
    assert [(s.workspace_index, s.task) for s in switches] == [(1, "work/alpha"), (1, "work/beta")]


def test_a_malformed_task_file_is_reported_and_the_last_good_task_stays(
    xserver: XServer, tracker_run: TrackerRun
) -> None:
    xserver.switch(0)
    tracker_run.start("--source", "x11")
    tracker_run.wait_state(on_workspace(0))
    tracker_run.task_file.write_text("* work/alpha\n* work/beta\n")
    wait_for(lambda: "two tasks marked current" in tracker_run.log(), timeout=5)
    assert "keeping the last good tasks" in tracker_run.log()
    xserver.switch(2)
    tracker_run.wait_state(on_workspace(2))
    tracker_run.task_file.write_text("work/alpha\n* work/gamma\n")
    tracker_run.wait_state(lambda s: s is not None and s.task == "work/gamma")
    tracker_run.stop()
    tasks = [(s.workspace_index, s.task) for s in tracker_run.store().switches()]
    assert tasks == [(0, "work/alpha"), (2, "work/alpha"), (2, "work/gamma")]


def test_kill_9_loses_at_most_one_heartbeat_and_counts_nothing_twice(
    xserver: XServer, tracker_run: TrackerRun
) -> None:
    xserver.switch(3)
    first = tracker_run.start("--source", "x11")
    tracker_run.wait_state(on_workspace(3))
    store = tracker_run.store()
    started = store.get_state()
    assert started is not None
    wait_for(lambda: (s := store.get_state()) is not None and s.heartbeat > started.since)
    time.sleep(1.6)
    first.kill()
    first.wait()
    killed_at = time.time()
    left = store.get_state()
    assert left is not None and left.interval_id == started.interval_id
    assert killed_at - left.heartbeat.timestamp() <= 1.0 + 0.5  # one heartbeat (+ slack)

    time.sleep(1.0)
    tracker_run.start("--source", "x11")
    tracker_run.wait_state(lambda s: s is not None and s.interval_id != started.interval_id)
    tracker_run.stop()
    switches = store.switches()
    recovered = [s for s in switches if s.id == started.interval_id]
    assert len(recovered) == 1
    assert abs((recovered[0].end - left.heartbeat).total_seconds()) < 0.001  # at the heartbeat
    assert len({s.id for s in switches}) == len(switches)
    assert "recovered an interval left open" in tracker_run.log()


def test_the_tracker_waits_for_a_missing_x_server_then_connects(tracker_run: TrackerRun) -> None:
    number = free_display()
    tracker_run.env["DISPLAY"] = f":{number}"
    proc = tracker_run.start("--source", "x11")
    wait_for(lambda: "waiting for the X server" in tracker_run.log(), timeout=10)
    time.sleep(1.5)
    assert proc.poll() is None  # still alive: no crash loop
    assert tracker_run.log().count("waiting for the X server") == 1  # one clear line
    late = start_x(number)
    try:
        tracker_run.wait_state(lambda s: s is not None, timeout=15)
        assert "connected to the X server" in tracker_run.log()
        late.stop()
        wait_for(lambda: "lost the X server" in tracker_run.log(), timeout=10)
        tracker_run.wait_state(lambda s: s is None, timeout=10)
    finally:
        late.stop()
    assert tracker_run.stop(signal.SIGTERM) == 0


def test_logs_under_systemd_carry_syslog_priorities(
    xserver: XServer, tracker_run: TrackerRun
) -> None:
    tracker_run.env["JOURNAL_STREAM"] = "8:12345"
    tracker_run.start("--source", "x11")
    tracker_run.wait_state(lambda s: s is not None)
    tracker_run.stop()
    lines = [line for line in tracker_run.log().splitlines() if line]
    assert lines and all(line.startswith(("<6>", "<4>", "<3>")) for line in lines), lines
    assert any(line.startswith("<6>deskmeter.tracker.daemon: closed the open") for line in lines)


def test_help_is_available_on_every_command() -> None:
    import sys

    for args in (
        [],
        ["track"],
        ["status"],
        ["export"],
        ["task"],
        ["task", "list"],
        ["task", "set"],
        ["task", "current"],
    ):
        result = subprocess.run(
            [sys.executable, "-m", "deskmeter", *args, "--help"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, (args, result.stderr)
        assert "Usage" in result.stdout
