"""Issue 12, case 5: the task file cannot stall or exhaust the tracker, and a file missing
for a moment is not "no tasks"."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from deskmeter.store.sqlite import SQLiteStore
from deskmeter.tasks.registry import TaskRegistry
from deskmeter.tasks.taskfile import TaskFileError
from tests.support.waiting import wait_for

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
GOOD = "* work/a\nwork/b\n"


@pytest.fixture
def registry(tmp_path: Path) -> TaskRegistry:
    path = tmp_path / "tasks.txt"
    path.write_text(GOOD)
    registry = TaskRegistry(SQLiteStore(tmp_path / "t.db"), path)
    assert registry.reload(NOW)
    return registry


def active(registry: TaskRegistry) -> list[str]:
    return [t.path for t in registry.store.tasks()]


def reload_in_thread(registry: TaskRegistry) -> bool:
    """Reload, failing (instead of hanging the test) if it blocks."""
    done: list[bool] = []
    thread = threading.Thread(target=lambda: done.append(registry.reload(NOW)), daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "reading the task file blocked"
    return done[0]


def test_a_fifo_is_refused_without_blocking_and_the_last_tasks_kept(
    registry: TaskRegistry,
) -> None:
    registry.path.unlink()
    os.mkfifo(registry.path)
    assert reload_in_thread(registry) is False
    assert "FIFO" in (registry.last_error or "")
    assert active(registry) == ["work/a", "work/b"]
    assert registry.current is not None and registry.current.path == "work/a"


# (/dev/zero is tried in a memory-limited child below: the old code read it until it died)
@pytest.mark.parametrize("target", ["directory", "symlink-to-fifo", "socket"])
def test_not_a_regular_file_is_refused(registry: TaskRegistry, target: str) -> None:
    registry.path.unlink()
    if target == "directory":
        registry.path.mkdir()
    elif target == "socket":
        import socket

        server = socket.socket(socket.AF_UNIX)
        server.bind(str(registry.path))
    else:
        fifo = registry.path.with_name("fifo")
        os.mkfifo(fifo)
        registry.path.symlink_to(fifo)
    assert reload_in_thread(registry) is False
    assert "not a regular file" in (registry.last_error or "")
    assert active(registry) == ["work/a", "work/b"]


def test_dev_zero_does_not_exhaust_memory(tmp_path: Path) -> None:
    # in a child with 1 GiB of address space: the old code read /dev/zero until it died
    path = tmp_path / "tasks.txt"
    path.symlink_to("/dev/zero")
    code = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from deskmeter.tasks.taskfile import read_task_file, TaskFileError\n"
        "try:\n"
        f"    read_task_file(Path({str(path)!r}))\n"
        "except TaskFileError as exc:\n"
        "    print('refused:', exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0 and "refused:" in done.stdout, done.stderr[-500:]


def test_a_file_over_the_size_limit_is_refused_with_a_clear_error(
    registry: TaskRegistry,
) -> None:
    registry.path.write_text("work/x\n" * 200_000)  # 1.4 MB
    assert registry.reload(NOW) is False
    assert "more than the 1048576" in (registry.last_error or "")
    assert active(registry) == ["work/a", "work/b"]


def test_a_deleted_file_keeps_the_last_tasks(registry: TaskRegistry) -> None:
    registry.path.unlink()
    assert registry.reload(NOW) is False
    assert active(registry) == ["work/a", "work/b"]
    assert registry.current is not None


def test_the_loop_only_receives_parsed_results(tmp_path: Path) -> None:
    """The watcher's thread reads; the tracker's step never touches the file."""
    from deskmeter.config import Settings
    from deskmeter.tracker.clock import FakeClock
    from deskmeter.tracker.daemon import Tracker
    from deskmeter.tracker.events import TaskFileChanged, WorkspaceChanged
    from deskmeter.tracker.taskwatch import TaskFileWatcher

    path = tmp_path / "tasks.txt"
    path.write_text(GOOD)
    settings = Settings(store=str(tmp_path / "t.db"), task_file=path, host="h", timezone="UTC")
    store = SQLiteStore(tmp_path / "t.db")
    clock = FakeClock(NOW)
    tracker = Tracker(store, settings, TaskRegistry(store, path), clock)
    tracker.start()
    tracker.step(WorkspaceChanged(0))
    events: queue.Queue[TaskFileChanged] = queue.Queue()
    watcher = TaskFileWatcher(path, events.put, grace_seconds=0.5)  # type: ignore[arg-type]
    watcher.start()
    try:
        tmp = path.with_name(".tasks.new")
        tmp.write_text("work/a\n* work/b\n")
        os.replace(tmp, path)  # an editor's rename-and-write save
        event = events.get(timeout=10)
        assert event.tasks is not None and event.tasks.current is not None
        assert event.tasks.current.path == "work/b"
        # the file is now a FIFO: were the loop to read it, this step would block forever
        path.unlink()
        os.mkfifo(path)
        refused = events.get(timeout=10)
        assert refused.error is not None and "FIFO" in refused.error
        clock.advance(5)
        stepped = threading.Thread(target=lambda: tracker.step(event), daemon=True)
        stepped.start()
        stepped.join(10)
        assert not stepped.is_alive()
        assert tracker.state is not None and tracker.state.task == "work/b"
        tracker.step(refused)
        assert tracker.state.task == "work/b" and tracker.tasks.last_error is not None
    finally:
        watcher.stop()
        store.close()


def test_a_file_missing_for_a_moment_is_not_no_tasks(tmp_path: Path) -> None:
    from deskmeter.tracker.events import TaskFileChanged
    from deskmeter.tracker.taskwatch import TaskFileWatcher

    path = tmp_path / "tasks.txt"
    path.write_text(GOOD)
    events: queue.Queue[TaskFileChanged] = queue.Queue()
    watcher = TaskFileWatcher(path, events.put, grace_seconds=1.5)  # type: ignore[arg-type]
    watcher.start()
    try:
        path.unlink()  # delete ...
        path.write_text("* work/a\nwork/b\nwork/c\n")  # ... and recreate
        event = wait_for(lambda: events.get(timeout=10), timeout=10)
        assert event.tasks is not None and [t.path for t in event.tasks.tasks] == [
            "work/a",
            "work/b",
            "work/c",
        ]
        path.unlink()  # gone for good: after the grace period, no tasks
        gone = events.get(timeout=10)
        assert gone.tasks is not None and gone.tasks.tasks == ()
    finally:
        watcher.stop()


def test_set_current_refuses_a_fifo_instead_of_blocking(registry: TaskRegistry) -> None:
    registry.path.unlink()
    os.mkfifo(registry.path)
    errors: list[Exception] = []

    def attempt() -> None:
        try:
            registry.set_current("work/b")
        except TaskFileError as exc:
            errors.append(exc)

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive() and errors
