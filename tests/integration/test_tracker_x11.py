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

#: How long each workspace stays active: the point of the sleep is an interval of known length.
DWELL = 0.4
#: Dates are kept to the microsecond and durations to the millisecond.
ROUNDING = 0.002
#: The heartbeat the fixture configures, and how late a loaded 2-core machine may run it.
HEARTBEAT = 1.0
LOAD_SLACK = 1.0


def on_workspace(index: int):  # type: ignore[no-untyped-def]
    return lambda state: state is not None and state.workspace_index == index


@pytest.mark.parametrize("source", ["x11", "wmctrl"])
def test_workspace_switches_become_exact_switch_records(
    source: str, xserver: XServer, tracker_run: TrackerRun
) -> None:
    xserver.switch(0)
    tracker_run.start("--source", source)
    tracker_run.wait_state(on_workspace(0))
    asked: list[float] = []  # just before each ``wmctrl -s``
    seen: list[float] = []  # once the store showed that switch
    for index in (1, 2, 3):
        time.sleep(DWELL)  # the point: the interval before this switch lasts at least DWELL
        asked.append(time.time())
        xserver.switch(index)
        tracker_run.wait_state(on_workspace(index), timeout=15)  # wmctrl polls once a second
        seen.append(time.time())
    assert tracker_run.stop() == 0
    store = tracker_run.store()
    switches = store.switches()
    assert [s.workspace_index for s in switches] == [0, 1, 2, 3]
    assert [s.workspace for s in switches] == ["desktop 1", "desktop 2", "desktop 3", "desktop 4"]
    assert {s.task for s in switches} == {"work/alpha"}
    for before, after in itertools.pairwise(switches):
        # contiguous (to the millisecond deltas are kept at): nothing lost, nothing twice
        assert abs((after.date - before.end).total_seconds()) < 0.001
    # Each switch is recorded between the moment it was asked for and the moment the store
    # showed it, however loaded the machine: bounds the test observed, not a guessed latency.
    for k, recorded in enumerate(switches[1:]):
        assert asked[k] - ROUNDING <= recorded.date.timestamp() <= seen[k] + ROUNDING
    for k, middle in enumerate(switches[1:3]):
        assert DWELL - ROUNDING <= middle.delta <= seen[k + 1] - asked[k] + ROUNDING
    assert store.get_state() is None  # SIGTERM closed the open interval
    assert "closed the open interval" in tracker_run.log()


def test_task_set_switches_task_without_a_restart(
    xserver: XServer, tracker_run: TrackerRun
) -> None:
    xserver.switch(1)
    tracker_run.start("--source", "x11")
    tracker_run.wait_state(on_workspace(1))  # the task-file watcher runs before any state
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
    beats = [started.heartbeat]

    def a_new_heartbeat() -> bool:
        state = store.get_state()
        if state is None or state.heartbeat <= beats[-1]:
            return False
        beats.append(state.heartbeat)
        return True

    for _ in range(2):  # the tracker beats on its own (every second here), twice
        wait_for(a_new_heartbeat, timeout=10)
    first.kill()
    first.wait()
    killed_at = time.time()
    left = store.get_state()
    assert left is not None and left.interval_id == started.interval_id
    assert left.heartbeat >= beats[-1]
    assert killed_at - left.heartbeat.timestamp() <= HEARTBEAT + LOAD_SLACK  # one heartbeat
    for before, after in itertools.pairwise(beats):
        assert (after - before).total_seconds() <= HEARTBEAT + LOAD_SLACK

    time.sleep(1.0)  # the point: time after the kill that must not be counted
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
    time.sleep(1.5)  # the point: three retry periods (0.5 s) in which nothing may change
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
    """The real entry point once (a process), then every command in this process (fast)."""
    import sys

    from typer.testing import CliRunner

    from deskmeter.cli.main import app

    result = subprocess.run(
        [sys.executable, "-m", "deskmeter", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout
    runner = CliRunner()
    for args in (
        [],
        ["track"],
        ["status"],
        ["export"],
        ["task"],
        ["task", "list"],
        ["task", "set"],
        ["task", "current"],
        ["sync"],
        ["sync", "status"],
    ):
        invoked = runner.invoke(app, [*args, "--help"])
        assert invoked.exit_code == 0, (args, invoked.output)
        assert "Usage" in invoked.output
