"""Issue 12, case 6: a full disk, a read-only store and a clock stepped back mid-run.

The disk is really full (a small tmpfs) and the store really read-only (its files made
immutable on a loop-mounted ext4; a read-only remount is refused with EBUSY while SQLite holds
the files open for writing): the tracker logs once, keeps the closed intervals in
memory, retries at each heartbeat and writes them when it can. A wall clock stepped back
closes the open interval at the last good time.
"""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deskmeter.config import Settings
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.tasks.registry import TaskRegistry
from deskmeter.tracker.clock import FakeClock
from deskmeter.tracker.daemon import Tracker
from deskmeter.tracker.events import WorkspaceChanged

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "fs"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def tracker_on(directory: Path, clock: FakeClock) -> Tracker:
    (directory / "tasks.txt").write_text("* work/a\n")
    settings = Settings(
        store=str(directory / "t.db"),
        task_file=directory / "tasks.txt",
        host="box",
        timezone="UTC",
        tracker={"heartbeat_seconds": 30},
    )
    store = SQLiteStore(directory / "t.db")
    tracker = Tracker(store, settings, TaskRegistry(store, settings.task_file), clock)
    tracker.start()
    return tracker


def fill(directory: Path) -> Path:
    filler = directory / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    return filler


def saved(path: Path) -> list[tuple[int, float]]:
    with SQLiteStore(path) as store:
        return [(s.workspace_index, s.delta) for s in store.switches()]


@needs_root
def test_disk_full_mid_run_keeps_the_intervals_and_writes_them_later(
    small_fs: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock(T0)
    tracker = tracker_on(small_fs, clock)
    tracker.step(WorkspaceChanged(0))
    # grow the database first, so the WAL needs new pages for every write
    filler = fill(small_fs)
    caplog.set_level(logging.ERROR, "deskmeter.tracker.daemon")
    for index in range(1, 40):
        clock.advance(10)
        tracker.step(WorkspaceChanged(index % 3))
        clock.advance(30)
        tracker.step(None)  # heartbeats retry
    failures = [r for r in caplog.records if "cannot write to the store" in r.getMessage()]
    assert len(failures) == 1, [r.getMessage() for r in caplog.records]  # logged once
    assert "full" in failures[0].getMessage()  # the real error, not a failed ROLLBACK
    assert len(tracker.unsaved) >= 1
    filler.unlink()
    clock.advance(30)
    tracker.step(None)
    assert tracker.unsaved == []
    found = saved(small_fs / "t.db")
    assert found[0] == (0, 10.0) and [d for _, d in found[1:]] == [40.0] * 38  # none lost
    tracker.store.close()


@pytest.fixture
def ext4(tmp_path: Path) -> Iterator[Path]:
    """A real ext4 file system on a loop device (it supports the immutable attribute)."""
    image = tmp_path / "ext4.img"
    with image.open("wb") as handle:
        handle.truncate(16 * 1024 * 1024)
    subprocess.run(["mkfs.ext4", "-q", "-F", str(image)], check=True)
    mount = tmp_path / "ext4"
    mount.mkdir()
    subprocess.run(["mount", "-o", "loop", str(image), str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _immutable(flag: str, *paths: Path) -> None:
    subprocess.run(["chattr", flag, *map(str, paths)], check=True)


@needs_root
def test_a_store_made_read_only_mid_run_loses_nothing_once_writable(
    ext4: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The read-only remount is refused (EBUSY) while SQLite has its files open for writing,
    # so the store's files themselves are made read-only (immutable) on a real ext4.
    clock = FakeClock(T0)
    tracker = tracker_on(ext4, clock)
    tracker.step(WorkspaceChanged(0))
    clock.advance(10)
    tracker.step(WorkspaceChanged(1))
    files = (ext4 / "t.db", ext4 / "t.db-wal")
    caplog.set_level(logging.ERROR, "deskmeter.tracker.daemon")
    _immutable("+i", *files)
    try:
        for index in (2, 0, 1):
            clock.advance(20)
            tracker.step(WorkspaceChanged(index))
            clock.advance(30)
            tracker.step(None)
        assert len(tracker.unsaved) == 3
    finally:
        _immutable("-i", *files)
    assert sum("cannot write to the store" in r.getMessage() for r in caplog.records) == 1
    clock.advance(30)
    tracker.step(None)
    assert tracker.unsaved == []
    assert saved(ext4 / "t.db") == [(0, 10.0), (1, 20.0), (2, 50.0), (0, 50.0)]
    tracker.store.close()


def test_a_wall_clock_stepped_back_closes_the_interval_at_the_last_good_time(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock(T0)
    tracker = tracker_on(tmp_path, clock)
    tracker.step(WorkspaceChanged(0))
    clock.advance(100)
    tracker.step(None)
    clock.advance(20)
    clock.suspend(-3600)  # the wall clock goes back an hour (NTP, by hand)
    caplog.set_level(logging.WARNING, "deskmeter.tracker.daemon")
    tracker.step(None)
    clock.advance(50)
    tracker.step(WorkspaceChanged(1))
    with SQLiteStore(tmp_path / "t.db") as store:
        found = [(s.workspace_index, s.delta, s.date) for s in store.switches()]
    assert found == [(0, 50.0, clock.now().replace(microsecond=0) - _s(50)), (0, 120.0, T0)]
    assert any("wall clock went back" in r.getMessage() for r in caplog.records)
    tracker.store.close()


def _s(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


def test_an_interval_longer_than_seven_days_rolls_over(tmp_path: Path) -> None:
    clock = FakeClock(T0)
    tracker = tracker_on(tmp_path, clock)
    tracker.step(WorkspaceChanged(0))
    for _ in range(8 * 24 * 2):  # eight days of heartbeats on one workspace
        clock.advance(1800)
        tracker.step(None)
    deltas = [s.delta for s in tracker.store.switches()]
    assert deltas == [7 * 86400.0]
    state = tracker.store.get_state()
    assert state is not None and (clock.now() - state.since).total_seconds() == 86400
    tracker.store.close()
