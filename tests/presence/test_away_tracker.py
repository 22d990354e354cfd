"""The tracker's away handling, driven with an injected clock: exact numbers, no sleeping."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from deskmeter.edits.pending_record import get_pending
from deskmeter.store.totals import AWAY_KEY
from deskmeter.tracker.clock import FakeClock
from deskmeter.tracker.events import Away, Back, SetTask, WorkspaceChanged
from tests.unit.test_tracker_intervals import T0, make_tracker


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


def rows(tracker) -> list[tuple[str | None, float, bool]]:  # type: ignore[no-untyped-def]
    return [(s.task, s.delta, s.away) for s in tracker.store.switches()]


@pytest.mark.parametrize("backend", ["sqlite", "mongomock"])
def test_away_cuts_work_back_to_the_last_input_and_back_reopens_work(
    tmp_path: Path, clock: FakeClock, backend: str
) -> None:
    tracker = make_tracker(tmp_path, clock, backend=backend)
    tracker.step(WorkspaceChanged(0))
    clock.advance(600)  # last input at +600, threshold 300 s passes at +900
    last_input = clock.now()
    clock.advance(300)
    tracker.step(Away(since=last_input, reason="idle"))
    state = tracker.state
    assert state is not None and state.away and state.since == last_input
    assert rows(tracker) == [("work/a", 600.0, False)]
    clock.advance(1200)
    tracker.step(Back(at=clock.now(), reason="idle"))
    assert rows(tracker) == [("work/a", 600.0, False), ("work/a", 1500.0, True)]
    assert tracker.state is not None and not tracker.state.away
    assert tracker.state.since == clock.now()
    day = T0.replace(hour=0)
    totals = tracker.store.totals(day, day + timedelta(days=1), tracker.settings.tz)
    assert [(t.key, t.seconds) for t in totals] == [("work/a", 600.0)]
    assert [
        t.seconds
        for t in tracker.store.day_totals(day, day + timedelta(days=1), tracker.settings.tz)
    ] == [600.0]
    away = tracker.store.away_totals(day, day + timedelta(days=1), tracker.settings.tz)
    assert [(t.key, t.seconds) for t in away] == [(AWAY_KEY, 1500.0)]
    # longer than ask_after_away_seconds (600): waiting for the user's decision
    pending = get_pending(tracker.store)
    assert pending is not None and pending.seconds == 1500.0


def test_input_on_a_locked_screen_is_not_being_back(tmp_path: Path, clock: FakeClock) -> None:
    tracker = make_tracker(tmp_path, clock)
    tracker.step(WorkspaceChanged(0))
    clock.advance(60)
    tracker.step(Away(since=clock.now(), reason="lock"))
    clock.advance(400)
    tracker.step(Away(since=clock.now() - timedelta(seconds=300), reason="idle"))
    clock.advance(100)
    tracker.step(Back(at=clock.now(), reason="idle"))  # typing the password
    assert tracker.state is not None and tracker.state.away
    clock.advance(5)
    tracker.step(Back(at=clock.now(), reason="lock"))
    assert rows(tracker) == [("work/a", 60.0, False), ("work/a", 505.0, True)]
    assert get_pending(tracker.store) is None  # 505 s < 600 s: nothing to ask


def test_workspace_and_task_changes_while_away_start_when_back(
    tmp_path: Path, clock: FakeClock
) -> None:
    tracker = make_tracker(tmp_path, clock)
    tracker.step(WorkspaceChanged(0))
    clock.advance(10)
    tracker.step(Away(since=clock.now(), reason="idle"))
    clock.advance(10)
    tracker.step(WorkspaceChanged(1))
    tracker.step(SetTask("work/b"))
    assert tracker.state is not None and tracker.state.away
    clock.advance(10)
    tracker.step(Back(at=clock.now(), reason="idle"))
    assert tracker.state is not None
    assert (tracker.state.workspace_index, tracker.state.task) == (1, "work/b")
    assert rows(tracker) == [("work/a", 10.0, False), ("work/a", 20.0, True)]


def test_a_suspend_while_away_stays_one_away_interval(tmp_path: Path, clock: FakeClock) -> None:
    tracker = make_tracker(tmp_path, clock)
    tracker.step(WorkspaceChanged(0))
    clock.advance(10)
    tracker.step(Away(since=clock.now(), reason="sleep"))
    clock.suspend(3600)
    tracker.step(Back(at=clock.now(), reason="sleep"))
    assert rows(tracker) == [("work/a", 10.0, False), ("work/a", 3600.0, True)]


def test_away_before_the_first_workspace_opens_an_away_interval(
    tmp_path: Path, clock: FakeClock
) -> None:
    tracker = make_tracker(tmp_path, clock)
    tracker.step(Back(at=clock.now(), reason="lock"))  # an unlock never seen locked: nothing
    tracker.step(Away(since=clock.now(), reason="idle"))
    assert tracker.state is None
    tracker.step(WorkspaceChanged(0))
    assert tracker.state is not None and tracker.state.away
    clock.advance(10)
    tracker.step(Back(at=clock.now(), reason="idle"))
    clock.advance(10)
    tracker.step(WorkspaceChanged(1))
    assert rows(tracker) == [("work/a", 10.0, True), ("work/a", 10.0, False)]


def test_status_says_away_and_still_tracking_without_heartbeats(tmp_path: Path) -> None:
    """While away the tracker sleeps (no heartbeat): that is not a stopped tracker."""
    import subprocess
    import sys

    from deskmeter.models import State, utcnow
    from deskmeter.store.sqlite import SQLiteStore

    since = utcnow() - timedelta(hours=1)
    store = SQLiteStore(tmp_path / "s.db")
    store.put_state(State(0, "Code", since, since, "open", "work/a", "work/a", "box", away=True))
    store.close()
    env = {**os.environ, "DESKMETER_HOST": "box"}  # status shows this machine's own state
    done = subprocess.run(
        [sys.executable, "-m", "deskmeter", "--store", str(tmp_path / "s.db"), "status", "--json"],
        capture_output=True, text=True, check=False, timeout=60, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert '"away": true' in done.stdout and '"tracking": true' in done.stdout
