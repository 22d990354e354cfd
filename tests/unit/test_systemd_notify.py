"""sd_notify over a real AF_UNIX datagram socket (paths, abstract names) and the daemons' hooks."""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from deskmeter import systemd_notify
from deskmeter.systemd_notify import Notifier


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[tuple[socket.socket, str]]:
    """A bound datagram socket at a file-system path: what systemd listens on."""
    path = str(tmp_path / "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(2.0)
    yield sock, path
    sock.close()


def received(sock: socket.socket) -> list[str]:
    """Every datagram waiting on ``sock``, decoded."""
    messages = []
    sock.settimeout(0.2)
    try:
        while True:
            messages.append(sock.recv(4096).decode())
    except TimeoutError:
        return messages


def test_ready_status_stopping_reach_the_socket(receiver: tuple[socket.socket, str]) -> None:
    sock, path = receiver
    notifier = Notifier({"NOTIFY_SOCKET": path})
    assert notifier.enabled
    assert notifier.ready("tracking")
    assert notifier.status("3 switches")
    assert notifier.stopping()
    assert received(sock) == ["READY=1\nSTATUS=tracking", "STATUS=3 switches", "STOPPING=1"]


def test_abstract_socket_name() -> None:
    name = f"deskmeter-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        notifier = Notifier({"NOTIFY_SOCKET": "@" + name})
        assert notifier.notify("READY=1")
        sock.settimeout(2.0)
        assert sock.recv(4096) == b"READY=1"


def test_no_socket_is_a_no_op() -> None:
    notifier = Notifier({"WATCHDOG_USEC": "10000000"})
    assert not notifier.enabled
    assert notifier.interval is None
    assert not notifier.ready()
    assert not notifier.watchdog()
    assert not notifier.stopping()


@pytest.mark.parametrize("value", ["", "relative/path", "@"])
def test_unusable_socket_values_are_ignored(value: str) -> None:
    assert not Notifier({"NOTIFY_SOCKET": value}).enabled


def test_a_missing_socket_is_logged_once_and_never_raises(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    notifier = Notifier({"NOTIFY_SOCKET": str(tmp_path / "gone")})
    assert not notifier.notify("READY=1")
    assert not notifier.notify("STATUS=x")
    warnings = [r for r in caplog.records if "cannot notify systemd" in r.getMessage()]
    assert len(warnings) == 1


def test_watchdog_interval_is_half_the_timeout(receiver: tuple[socket.socket, str]) -> None:
    _, path = receiver
    notifier = Notifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "60000000"})
    assert notifier.watchdog_seconds == 60.0
    assert notifier.interval == 30.0


def test_watchdog_of_another_process_is_not_ours(receiver: tuple[socket.socket, str]) -> None:
    sock, path = receiver
    env = {"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "60000000", "WATCHDOG_PID": "1"}
    notifier = Notifier(env)
    assert notifier.interval is None
    assert not notifier.watchdog()
    mine = Notifier({**env, "WATCHDOG_PID": str(os.getpid())})
    assert mine.interval == 30.0
    assert mine.watchdog()
    assert received(sock) == ["WATCHDOG=1"]


def test_watchdog_pings_are_rate_limited(receiver: tuple[socket.socket, str]) -> None:
    sock, path = receiver
    clock = FakeClock()
    notifier = Notifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "8000000"}, monotonic=clock)
    assert notifier.ready()  # READY=1 carries the first ping
    for _ in range(50):
        notifier.watchdog()  # a busy loop: no flood
    clock.now += 2.0  # interval 4 s: a ping is due after half of it
    assert notifier.watchdog()
    assert not notifier.watchdog()
    clock.now += 1.0
    assert not notifier.watchdog()
    clock.now += 1.0
    assert notifier.watchdog()
    assert received(sock) == ["READY=1\nWATCHDOG=1", "WATCHDOG=1", "WATCHDOG=1"]


def test_watchdog_without_timeout_sends_nothing(receiver: tuple[socket.socket, str]) -> None:
    sock, path = receiver
    notifier = Notifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "not-a-number"})
    assert not notifier.watchdog()
    assert notifier.ready()
    assert received(sock) == ["READY=1"]


def test_wait_feeds_the_watchdog_and_ends_on_the_event(
    receiver: tuple[socket.socket, str],
) -> None:
    sock, path = receiver
    notifier = Notifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "400000"})  # 0.4 s
    event = threading.Event()
    assert notifier.wait(event, 0.6) is False
    pings = received(sock)
    assert len(pings) >= 3, pings  # one at least every 0.2 s for 0.6 s
    assert set(pings) == {"WATCHDOG=1"}
    threading.Timer(0.1, event.set).start()
    assert notifier.wait(event, 30.0) is True


def test_module_functions_read_the_environment(
    receiver: tuple[socket.socket, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sock, path = receiver
    monkeypatch.setenv("NOTIFY_SOCKET", path)
    monkeypatch.setenv("WATCHDOG_USEC", "10000000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    systemd_notify.reset()
    try:
        assert systemd_notify.ready("up")
        assert systemd_notify.status("busy")
        assert not systemd_notify.watchdog()  # READY=1 just pinged
        assert systemd_notify.stopping()
    finally:
        systemd_notify.reset()
    assert received(sock) == ["READY=1\nWATCHDOG=1\nSTATUS=up", "STATUS=busy", "STOPPING=1"]


# -- the daemons' hooks ---------------------------------------------------------------------


@pytest.fixture
def systemd_env(
    receiver: tuple[socket.socket, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[socket.socket]:
    """The environment systemd gives a Type=notify unit with a (tiny) watchdog timeout."""
    sock, path = receiver
    monkeypatch.setenv("NOTIFY_SOCKET", path)
    monkeypatch.setenv("WATCHDOG_USEC", "2")  # every ping is due: each iteration shows
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    systemd_notify.reset()
    yield sock
    systemd_notify.reset()


def test_tracker_loop_is_ready_pings_and_says_stopping(
    systemd_env: socket.socket, tmp_path: Path
) -> None:
    from deskmeter.tracker.clock import FakeClock as TrackerClock
    from deskmeter.tracker.events import Stop, WorkspaceChanged
    from tests.unit.test_tracker_intervals import T0, make_tracker

    tracker = make_tracker(tmp_path, TrackerClock(T0))
    tracker.events.put(WorkspaceChanged(0))
    tracker.events.put(WorkspaceChanged(1))
    tracker.events.put(Stop())
    tracker.run()
    assert received(systemd_env) == [
        "READY=1\nWATCHDOG=1\nSTATUS=tracking",
        "WATCHDOG=1",  # one per loop iteration: the three events
        "WATCHDOG=1",
        "WATCHDOG=1",
        "STOPPING=1",
    ]


def test_sync_loop_is_ready_pings_during_the_copy_and_says_stopping(
    systemd_env: socket.socket, tmp_path: Path
) -> None:
    import mongomock

    from deskmeter.store.sqlite import SQLiteStore
    from deskmeter.sync.engine import SyncEngine
    from deskmeter.sync.sink import MongoSink
    from deskmeter.sync.source import SQLiteSource
    from tests.sync.support import FAST, seed

    store = SQLiteStore(tmp_path / "local.db")
    seed(store, 350)  # the first copy: four chunks of FAST.batch_size (100)
    sink = MongoSink("mongodb://remote.invalid/dm", client=mongomock.MongoClient(tz_aware=True))
    engine = SyncEngine(SQLiteSource(store, poll_seconds=FAST.poll_seconds), sink, store, FAST)
    messages: list[str] = []
    draining = threading.Event()

    def drain() -> None:  # like systemd: read as they come (the socket's queue is short)
        systemd_env.settimeout(0.1)
        while not draining.is_set():
            try:
                messages.append(systemd_env.recv(4096).decode())
            except TimeoutError:
                continue

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        engine.run(until_caught_up=True)
    finally:
        store.close()
        # the last datagrams may still be in flight (a loaded machine): wait for the goodbye
        deadline = time.monotonic() + 10
        while "STOPPING=1" not in messages and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.1)  # and for anything (wrongly) sent after it
        draining.set()
        reader.join()
    assert messages[0] == "READY=1\nWATCHDOG=1\nSTATUS=syncing"
    assert messages[-1] == "STOPPING=1"
    assert messages[1:-1].count("WATCHDOG=1") >= 4 + 1, messages  # chunks + loop iterations
    assert set(messages[1:-1]) == {"WATCHDOG=1"}


def test_sync_backoff_keeps_feeding_the_watchdog(
    receiver: tuple[socket.socket, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A remote that is down makes the engine wait (up to minutes): the pings go on meanwhile."""
    from deskmeter.config import SyncSettings
    from deskmeter.store.sqlite import SQLiteStore
    from deskmeter.sync.changes import RemoteUnavailableError
    from deskmeter.sync.engine import SyncEngine
    from deskmeter.sync.source import SQLiteSource

    sock, path = receiver
    monkeypatch.setenv("NOTIFY_SOCKET", path)
    monkeypatch.setenv("WATCHDOG_USEC", "200000")  # 0.2 s: a ping at least every 0.1 s
    systemd_notify.reset()

    class DownSink:
        def describe(self) -> str:
            return "mongodb://down.invalid/dm"

        def check(self) -> None:
            raise RemoteUnavailableError("the remote is down")

    store = SQLiteStore(tmp_path / "local.db")
    settings = SyncSettings(backoff_initial_seconds=30, backoff_max_seconds=30)
    engine = SyncEngine(SQLiteSource(store), DownSink(), store, settings)  # type: ignore[arg-type]
    worker = threading.Thread(target=engine.run)
    worker.start()
    try:
        sock.settimeout(5.0)
        assert sock.recv(4096).startswith(b"READY=1")
        pings = [sock.recv(4096) for _ in range(5)]  # within the first 30 s back-off
        assert set(pings) == {b"WATCHDOG=1"}
    finally:
        engine.request_stop()
        worker.join(10)
        store.close()
        systemd_notify.reset()
    assert not worker.is_alive(), "the back-off wait must end on stop"


def test_a_full_notify_queue_never_blocks_the_daemon(receiver: tuple[socket.socket, str]) -> None:
    """Nobody reads the socket: sends fail fast (dropped) instead of hanging the loop."""
    _, path = receiver
    notifier = Notifier({"NOTIFY_SOCKET": path})
    sent = [notifier.notify(f"STATUS={i}") for i in range(5000)]
    assert sent[0] and not sent[-1]  # the queue filled up, and the call still returned


def test_an_away_tracker_still_feeds_the_watchdog(
    receiver: tuple[socket.socket, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Away, the loop sleeps until input, but under a watchdog it must wake to feed it."""
    from deskmeter.tracker.clock import FakeClock as TrackerClock
    from deskmeter.tracker.events import Away, Stop, WorkspaceChanged
    from tests.unit.test_tracker_intervals import T0, make_tracker

    sock, path = receiver
    monkeypatch.setenv("NOTIFY_SOCKET", path)
    monkeypatch.setenv("WATCHDOG_USEC", "1000000")  # 1 s: a ping every 0.5 s
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    systemd_notify.reset()
    try:
        tracker = make_tracker(tmp_path, TrackerClock(T0))
        tracker.events.put(WorkspaceChanged(0))
        tracker.events.put(Away(T0))
        loop = threading.Thread(target=tracker.run)
        loop.start()
        pings: list[str] = []
        sock.settimeout(5.0)
        while len(pings) < 4:  # READY, the two events, then pings from the idle loop
            pings.append(sock.recv(4096).decode())
        assert tracker.state is not None and tracker.state.away
        tracker.events.put(Stop())
        loop.join(timeout=10)
        assert not loop.is_alive()
    finally:
        systemd_notify.reset()
    assert all("WATCHDOG=1" in p for p in pings), pings
