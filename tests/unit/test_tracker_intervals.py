"""The tracker loop, driven with an injected clock: no sleeping, exact numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import mongomock
import pytest

from deskmeter.config import Settings
from deskmeter.store import Store
from deskmeter.store.mongo import MongoStore
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.tasks.registry import TaskRegistry
from deskmeter.tracker.clock import FakeClock
from deskmeter.tracker.daemon import Tracker
from deskmeter.tracker.events import (
    SetTask,
    Stop,
    TaskFileChanged,
    WorkspaceChanged,
    WorkspaceLost,
    WorkspaceNames,
)

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


_MONGOMOCK = mongomock.MongoClient(tz_aware=True)


def open_backend(kind: str, tmp_path: Path) -> Store:
    if kind == "sqlite":
        return SQLiteStore(tmp_path / "t.db")
    # The MongoDB backend's code on mongomock (an in-memory imitation of the server).
    return MongoStore("mongodb://mongomock.invalid", client=_MONGOMOCK, database=tmp_path.name)


def make_tracker(
    tmp_path: Path,
    clock: FakeClock,
    tasks: str = "* work/a\nwork/b\n",
    backend: str = "sqlite",
) -> Tracker:
    (tmp_path / "tasks.txt").write_text(tasks)
    settings = Settings(
        store=str(tmp_path / "t.db"),
        task_file=tmp_path / "tasks.txt",
        host="box",
        timezone="UTC",
        tracker={"heartbeat_seconds": 30, "suspend_threshold_seconds": 5},
        workspaces={"labels": ["Code"]},
    )
    store = open_backend(backend, tmp_path)
    tracker = Tracker(store, settings, TaskRegistry(store, settings.task_file), clock)
    tracker.start()
    return tracker


def deltas(tracker: Tracker) -> list[tuple[int, str | None, float]]:
    return [(s.workspace_index, s.task, s.delta) for s in tracker.store.switches()]


@pytest.mark.parametrize("backend", ["sqlite", "mongomock"])
def test_each_workspace_change_closes_the_open_interval(
    tmp_path: Path, clock: FakeClock, backend: str
) -> None:
    tracker = make_tracker(tmp_path, clock, backend=backend)
    tracker.step(WorkspaceNames(("one", "two", "three")))
    tracker.step(WorkspaceChanged(0))
    clock.advance(10)
    tracker.step(WorkspaceChanged(2))
    clock.advance(5)
    tracker.step(WorkspaceChanged(2))  # same workspace again: not a switch
    clock.advance(20)
    tracker.step(WorkspaceChanged(1, "two"))
    assert deltas(tracker) == [(0, "work/a", 10.0), (2, "work/a", 25.0)]
    switches = tracker.store.switches()
    assert [s.workspace for s in switches] == ["Code", "three"]  # config label wins over X name
    assert switches[1].date == switches[0].end  # no gap, no overlap
    state = tracker.store.get_state()
    assert state is not None and state.workspace == "two" and state.since == clock.now()


def test_a_task_change_closes_the_interval_on_the_same_workspace(
    tmp_path: Path, clock: FakeClock
) -> None:
    tracker = make_tracker(tmp_path, clock)
    tracker.step(WorkspaceChanged(1))
    clock.advance(60)
    tracker.step(SetTask("work/b"))
    clock.advance(30)
    tracker.step(Stop())
    tracker.shutdown()
    assert deltas(tracker) == [(1, "work/a", 60.0), (1, "work/b", 30.0)]
    assert "* work/b" in tracker.tasks.path.read_text()
    assert tracker.store.get_state() is None


def test_a_malformed_task_file_keeps_the_current_task(tmp_path: Path, clock: FakeClock) -> None:
    tracker = make_tracker(tmp_path, clock)
    tracker.step(WorkspaceChanged(0))
    tracker.tasks.path.write_text("* work/a\n* work/b\n")
    clock.advance(10)
    tracker.step(TaskFileChanged())
    assert tracker.store.count_switches() == 0
    assert tracker.state is not None and tracker.state.task == "work/a"
    assert tracker.tasks.last_error is not None


@pytest.mark.parametrize("backend", ["sqlite", "mongomock"])
def test_heartbeat_is_saved_and_a_crash_loses_at_most_one_heartbeat(
    tmp_path: Path, clock: FakeClock, backend: str
) -> None:
    tracker = make_tracker(tmp_path, clock, backend=backend)
    tracker.step(WorkspaceChanged(0))
    for _ in range(4):
        clock.advance(30)
        tracker.step(None)  # heartbeat due
    clock.advance(17)  # then the process is killed: no shutdown()
    saved = tracker.store.get_state()
    assert saved is not None and saved.heartbeat == T0 + timedelta(seconds=120)

    clock.advance(600)  # restarted ten minutes later
    again = make_tracker(tmp_path, clock, backend=backend)
    assert deltas(again) == [(0, "work/a", 120.0)]
    assert again.store.get_state() is None
    again.step(WorkspaceChanged(0))
    clock.advance(5)
    again.step(Stop())
    again.shutdown()
    assert deltas(again) == [(0, "work/a", 120.0), (0, "work/a", 5.0)]


def test_recovery_twice_counts_the_interval_once(tmp_path: Path, clock: FakeClock) -> None:
    tracker = make_tracker(tmp_path, clock)
    tracker.step(WorkspaceChanged(0))
    clock.advance(30)
    tracker.step(None)
    make_tracker(tmp_path, clock)
    again = make_tracker(tmp_path, clock)
    assert deltas(again) == [(0, "work/a", 30.0)]


def test_a_suspend_is_never_counted(tmp_path: Path, clock: FakeClock) -> None:
    tracker = make_tracker(tmp_path, clock)
    tracker.step(WorkspaceChanged(0))
    clock.advance(20)
    tracker.step(None)
    clock.advance(4)  # awake 4 s more, then the lid closes
    clock.suspend(3 * 3600)  # wall clock jumps three hours, monotonic does not
    tracker.step(None)  # first wake-up after resume
    clock.advance(10)
    tracker.step(WorkspaceChanged(1))
    assert deltas(tracker) == [(0, "work/a", 24.0), (0, "work/a", 10.0)]
    first, second = tracker.store.switches()
    assert second.date - first.end == timedelta(hours=3)


def test_losing_the_x_server_stops_counting(tmp_path: Path, clock: FakeClock) -> None:
    tracker = make_tracker(tmp_path, clock)
    tracker.step(WorkspaceChanged(0))
    clock.advance(8)
    tracker.step(WorkspaceLost("X server gone"))
    clock.advance(100)
    tracker.step(None)
    tracker.step(WorkspaceChanged(3))
    clock.advance(2)
    tracker.shutdown()
    assert deltas(tracker) == [(0, "work/a", 8.0), (3, "work/a", 2.0)]


def test_listeners_hear_every_state_change(tmp_path: Path, clock: FakeClock) -> None:
    tracker = make_tracker(tmp_path, clock)
    heard: list[str | None] = []
    tracker.listeners.append(lambda state: heard.append(state.task if state else None))
    tracker.step(WorkspaceChanged(0))
    tracker.step(SetTask("work/b"))
    tracker.shutdown()
    assert heard == ["work/a", "work/b", None]
