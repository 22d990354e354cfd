"""The logind presence client against a real dbus-daemon and a STAND-IN logind.

This is not systemd-logind: the service on the bus is a stand-in object, written here, that
exports the part of logind's interface the client uses (``Manager.GetSession``,
``Manager.PrepareForSleep``, ``Session.Lock``/``Unlock``) under logind's bus name and object
paths. It is here for ``PrepareForSleep`` (a container cannot really suspend); the real
logind's lock and unlock are tested in test_logind_container.py. What is real: the
dbus-daemon, the D-Bus messages, the client's code, and the tracker that turns the signals
into an away interval.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from dbus_fast.aio import MessageBus
from dbus_fast.service import ServiceInterface, method, signal

from deskmeter.tracker.events import Away, Back, Event
from deskmeter.tracker.presence.logind import LogindPresence
from tests.gnome.shell import PrivateBus
from tests.support.waiting import wait_for

SESSION_PATH = "/org/freedesktop/login1/session/_31"


class StandInManager(ServiceInterface):
    def __init__(self) -> None:
        super().__init__("org.freedesktop.login1.Manager")

    @method()
    def GetSession(self, session_id: s) -> o:  # type: ignore[name-defined]  # noqa: F821, N802
        if session_id != "1":
            raise ValueError("no such session")
        return SESSION_PATH

    @signal()
    def PrepareForSleep(self, start: bool) -> b:  # type: ignore[name-defined]  # noqa: F821, N802
        return start


class StandInSession(ServiceInterface):
    def __init__(self) -> None:
        super().__init__("org.freedesktop.login1.Session")

    @signal()
    def Lock(self) -> None:  # noqa: N802
        return None

    @signal()
    def Unlock(self) -> None:  # noqa: N802
        return None


class StandIn:
    """The stand-in logind on its own event loop thread."""

    def __init__(self, address: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.manager = StandInManager()
        self.session = StandInSession()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.bus = self.call(self._connect(address))

    async def _connect(self, address: str) -> MessageBus:
        bus = await MessageBus(bus_address=address).connect()
        bus.export("/org/freedesktop/login1", self.manager)
        bus.export(SESSION_PATH, self.session)
        await bus.request_name("org.freedesktop.login1")
        return bus

    def call(self, coro):  # type: ignore[no-untyped-def]
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(10)

    def emit(self, signal_fn) -> None:  # type: ignore[no-untyped-def]
        async def go() -> None:
            signal_fn()

        self.call(go())

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.bus.disconnect)
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture
def bus() -> Iterator[PrivateBus]:
    if shutil.which("dbus-daemon") is None:
        pytest.skip("dbus-daemon is not installed (apt: dbus)")
    private = PrivateBus.start()
    yield private
    private.stop()


def test_lock_unlock_and_sleep_signals_become_away_and_back(
    bus: PrivateBus, tmp_path: Path
) -> None:
    stand_in = StandIn(bus.address)
    events: list[Event] = []
    client = LogindPresence(bus_address=bus.address, session_id="1")
    stop = threading.Event()
    thread = threading.Thread(target=client.run, args=(events.append, stop), daemon=True)
    thread.start()
    try:
        assert client.ready.wait(10)
        stand_in.emit(stand_in.session.Lock)
        wait_for(lambda: len(events) == 1)
        stand_in.emit(stand_in.session.Unlock)
        stand_in.emit(lambda: stand_in.manager.PrepareForSleep(True))
        stand_in.emit(lambda: stand_in.manager.PrepareForSleep(False))
        wait_for(lambda: len(events) == 4)
        assert [(type(e).__name__, e.reason) for e in events] == [
            ("Away", "lock"),
            ("Back", "lock"),
            ("Away", "sleep"),
            ("Back", "sleep"),
        ]
        assert all(e.source == "logind" for e in events)  # type: ignore[union-attr]
        assert client.wakeups == 4  # one per signal, nothing else
    finally:
        stop.set()
        client.wake()
        thread.join(5)
        stand_in.close()
    assert not thread.is_alive()


def test_the_tracker_counts_a_locked_screen_as_away(tmp_path: Path) -> None:
    """The events the client emits, through the tracker: the lock is an away interval."""
    from deskmeter.tracker.clock import FakeClock
    from deskmeter.tracker.events import WorkspaceChanged
    from tests.unit.test_tracker_intervals import T0, make_tracker

    clock = FakeClock(T0)
    tracker = make_tracker(tmp_path, clock)
    tracker.step(WorkspaceChanged(0))
    clock.advance(120)
    tracker.step(Away(clock.now(), "lock", "logind"))
    clock.advance(1800)
    tracker.step(Back(clock.now(), "lock", "logind"))
    lo = T0.replace(hour=0)
    totals = tracker.store.totals(lo, lo + timedelta(days=1), tracker.settings.tz, by=None)
    assert [(t.key, t.seconds) for t in totals] == [("work/a", 120.0)]
