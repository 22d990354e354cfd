"""What the D-Bus presence sources (logind, Mutter) share: a thread that runs an asyncio loop
on one bus, subscribes to signals, and sleeps in the loop until it is stopped."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading

from dbus_fast import BusType
from dbus_fast.aio import MessageBus

from deskmeter.tracker.presence.base import Emit
from deskmeter.tracker.presence.dbus_call import call

log = logging.getLogger(__name__)


async def add_match(bus: MessageBus, rule: str) -> None:
    """Ask the bus to deliver the signals ``rule`` matches."""
    bus_name = "org.freedesktop.DBus"
    await call(bus, bus_name, "/org/freedesktop/DBus", bus_name, "AddMatch", "s", [rule])


class DBusSignalSource:
    """A presence source fed by D-Bus signals; subclasses say what to subscribe to."""

    name = ""
    #: The bus the source listens on unless given an address.
    bus_type = BusType.SESSION

    def __init__(self, bus_address: str | None = None) -> None:
        self.bus_address = bus_address
        #: How many signals woke the thread (the away benchmark counts them).
        self.wakeups = 0
        self.ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped: asyncio.Event | None = None

    def wake(self) -> None:
        loop, stopped = self._loop, self._stopped
        if loop is not None and stopped is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stopped.set)

    def run(self, emit: Emit, stop: threading.Event) -> None:
        try:
            asyncio.run(self._main(emit, stop))
        except Exception as exc:
            self.unavailable(exc)

    def unavailable(self, exc: Exception) -> None:
        """The source could not start (no bus, no service): say so; the tracker goes on."""
        log.warning("no away detection from %s: %s", self.name, exc)

    async def subscribe(self, bus: MessageBus, emit: Emit) -> None:
        """Add the match rules and the message handler on ``bus``."""
        raise NotImplementedError

    async def _main(self, emit: Emit, stop: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopped = asyncio.Event()
        if self.bus_address:
            bus = await MessageBus(bus_address=self.bus_address).connect()
        else:
            bus = await MessageBus(bus_type=self.bus_type).connect()
        try:
            await self.subscribe(bus, emit)
            self.ready.set()
            while not stop.is_set():
                await self._stopped.wait()
        finally:
            bus.disconnect()
