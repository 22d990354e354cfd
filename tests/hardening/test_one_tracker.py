"""Issue 12, case 1: one tracker per store.

Two real ``deskmeter track`` processes on one SQLite file: the second refuses with one line
naming the first (host, pid); once the first is killed with ``kill -9``, a new one starts at
once (the kernel dropped the lock). The lease logic itself on SQLite and mongomock.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import mongomock
import pytest

from deskmeter.store import Store
from deskmeter.store.mongo import MongoStore
from deskmeter.store.sqlite import SQLiteStore
from tests.support.waiting import wait_for


def tracker_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKMETER_")}
    env.update(
        DISPLAY=":69",  # nothing listens there: the x11 source waits, the tracker runs
        DBUS_SESSION_BUS_ADDRESS=f"unix:path={tmp_path}/no-bus",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        DESKMETER_STORE=str(tmp_path / "one.db"),
        DESKMETER_TASK_FILE=str(tmp_path / "tasks.txt"),
        DESKMETER_TIMEZONE="UTC",
    )
    return env


def start_tracker(tmp_path: Path, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "deskmeter", "track", "--source", "x11"],
        env=tracker_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )


@pytest.fixture
def first(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    log = tmp_path / "first.log"
    process = start_tracker(tmp_path, log)
    wait_for(lambda: b"tracking with" in log.read_bytes(), timeout=30)
    yield process
    if process.poll() is None:
        process.kill()
    process.wait()


@pytest.mark.slow
def test_a_second_tracker_on_the_same_sqlite_store_refuses_naming_the_first(
    tmp_path: Path, first: subprocess.Popen[bytes]
) -> None:
    second = subprocess.run(
        [sys.executable, "-m", "deskmeter", "track", "--source", "x11"],
        env=tracker_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert second.returncode == 1
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1, second.stderr
    assert lines[0].startswith("deskmeter: error: another tracker is running on this store")
    assert f"pid {first.pid}" in lines[0] and f"host {socket.gethostname()}" in lines[0]
    assert first.poll() is None  # the first one goes on

    # kill -9: no clean stop, no lease release; the kernel drops the lock at once
    first.send_signal(signal.SIGKILL)
    first.wait()
    log = tmp_path / "third.log"
    third = start_tracker(tmp_path, log)
    try:
        wait_for(lambda: b"tracking with" in log.read_bytes() or third.poll() is not None, 30)
        assert third.poll() is None, log.read_text()
        assert "stale tracker" in log.read_text()  # it took over the dead one's lease
    finally:
        third.send_signal(signal.SIGTERM)
        assert third.wait(timeout=30) in (0, -signal.SIGTERM)  # before or after its handler


def _mongo(name: str) -> Store:
    return MongoStore("mongodb://mongomock.invalid", client=_CLIENT, database=name)


_CLIENT = mongomock.MongoClient(tz_aware=True)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_the_lease_is_taken_over_only_when_the_holders_heartbeat_is_stale(
    tmp_path: Path, kind: str
) -> None:
    from deskmeter.tracker.lock import TrackerLease, TrackerLockError

    def store() -> Store:
        return SQLiteStore(tmp_path / "l.db") if kind == "sqlite" else _mongo(tmp_path.name)

    clock = Clock()
    # a tracker on another machine (MongoDB is shared between hosts)
    a = TrackerLease(store(), host="desk-a", stale_after=90, clock=clock, pid=4242)
    a.acquire()
    if kind == "sqlite":
        a._file.release()  # type: ignore[union-attr]  # as if the holder were on another host
    b = TrackerLease(store(), host="desk-b", stale_after=90, clock=clock)
    with pytest.raises(TrackerLockError, match="host desk-a, pid 4242"):
        b.acquire()
    clock.now += 60
    assert a.renew()  # a heartbeat: still fresh
    clock.now += 80
    with pytest.raises(TrackerLockError):
        b.acquire()  # 80 s since the last heartbeat < 90
    clock.now += 20
    b.acquire()  # 100 s: stale, taken over
    assert not a.renew() and a.lost  # the old holder learns it and stops
    assert b.renew()
    b.release()
    c = TrackerLease(store(), host="desk-c", stale_after=90, clock=clock)
    c.acquire()  # released: free at once
    c.release()


def test_a_dead_holder_on_this_host_is_taken_over_at_once(tmp_path: Path) -> None:
    from deskmeter.tracker.lock import TrackerLease

    clock = Clock()
    gone = TrackerLease(
        _mongo(tmp_path.name), host=socket.gethostname(), clock=clock, pid=2**22 + 7
    )
    gone.acquire()
    fresh = TrackerLease(_mongo(tmp_path.name), host=socket.gethostname(), clock=clock)
    fresh.acquire()  # same host and boot, no such process: not stale by time, but gone
    assert not gone.renew()


def test_a_live_holder_on_this_host_keeps_the_lease_however_old_its_heartbeat(
    tmp_path: Path,
) -> None:
    """An away tracker sleeps without heartbeats: on its own machine it is still alive."""
    from deskmeter.tracker.lock import TrackerLease, TrackerLockError

    clock = Clock()
    here = socket.gethostname()
    away = TrackerLease(_mongo(tmp_path.name), host=here, clock=clock, stale_after=90)
    away.acquire()  # this very process: alive
    clock.now += 3600  # an hour at lunch, no heartbeat
    second = TrackerLease(_mongo(tmp_path.name), host=here, clock=clock, stale_after=90)
    with pytest.raises(TrackerLockError):
        second.acquire()
    assert away.renew() and not away.lost  # back: the lease is still its own
