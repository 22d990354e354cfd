"""Source ``kwin``: KDE Plasma (5.27 and 6.x, Wayland and X11) through KWin's D-Bus interface.

KWin publishes its virtual desktops on the session bus: ``org.kde.KWin``
``/VirtualDesktopManager``, interface ``org.kde.KWin.VirtualDesktopManager``, with the
properties ``current`` (the desktop's id) and ``desktops`` (``a(uss)``: position, id, name) and
the signals ``currentChanged``, ``desktopCreated``, ``desktopRemoved``, ``desktopDataChanged``.
The source subscribes to those signals and, on each one, reads the two properties again (two
calls, about a millisecond) and emits the current desktop: index = its position (when the switch
happened), name = its name. A rename keeps the position, so the tracker records it as a rename,
not a switch; a desktop added or removed in front of the current one moves its position
without a switch (nothing is emitted until the next switch or rename).

KWin leaving the bus (``NameOwnerChanged`` to nobody) is a ``WorkspaceLost``: nothing is counted
until it is back. Between signals the thread sleeps in the event loop: no polling.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from typing import Any

from dbus_fast import Message, MessageType
from dbus_fast.aio import MessageBus

from deskmeter.registry.workspace_sources import SourceOptions
from deskmeter.tracker.events import WorkspaceChanged, WorkspaceLost
from deskmeter.tracker.presence.dbus_call import call
from deskmeter.tracker.sources import Emit

log = logging.getLogger(__name__)

KWIN = "org.kde.KWin"
VDM_PATH = "/VirtualDesktopManager"
VDM = "org.kde.KWin.VirtualDesktopManager"
PROPS = "org.freedesktop.DBus.Properties"
DBUS = "org.freedesktop.DBus"
SIGNALS = ("currentChanged", "desktopCreated", "desktopRemoved", "desktopDataChanged")


async def _connect(address: str | None) -> MessageBus:
    if address:
        return await MessageBus(bus_address=address).connect()
    return await MessageBus().connect()


async def _has_kwin(address: str | None) -> bool:
    bus = await _connect(address)
    try:
        (owned,) = await call(bus, DBUS, "/org/freedesktop/DBus", DBUS, "NameHasOwner", "s", [KWIN])
        return bool(owned)
    finally:
        bus.disconnect()


def kwin_on_session_bus(address: str | None, timeout: float = 2.0) -> bool:
    """True when ``org.kde.KWin`` has an owner on the session bus (False: no bus, no KWin)."""
    try:
        return asyncio.run(asyncio.wait_for(_has_kwin(address), timeout))
    except Exception:  # no bus, a refused connection, a timeout: no KWin to use
        return False


def parse_desktops(value: Any) -> list[tuple[int, str, str]]:
    """``desktops`` as (position, id, name) triples, by position."""
    rows = [(int(row[0]), str(row[1]), str(row[2])) for row in value or []]
    return sorted(rows)


class KWinSource:
    name = "kwin"

    def __init__(self, bus_address: str | None = None, retry_seconds: float = 5.0) -> None:
        self.bus_address = bus_address
        self.retry_seconds = retry_seconds
        #: How many signals woke the thread (the latency benchmark reads it).
        self.wakeups = 0
        self._last: tuple[int, str, str] | None = None

    @classmethod
    def from_options(cls, options: SourceOptions) -> KWinSource:
        return cls(retry_seconds=options.retry_seconds)

    def run(self, emit: Emit, stop: threading.Event) -> None:
        waiting_logged = False
        while not stop.is_set():
            try:
                asyncio.run(self._session(emit, stop))
            except (OSError, RuntimeError, ValueError) as exc:
                if not waiting_logged:
                    log.warning(
                        "cannot reach KWin on the session bus (%s); retrying every %.0f s",
                        exc,
                        self.retry_seconds,
                    )
                    waiting_logged = True
            if self._last is not None:
                emit(WorkspaceLost("the session bus is gone"))
                self._last = None
            stop.wait(self.retry_seconds)

    def changed(self, current: tuple[int, str, str]) -> bool:
        """Another desktop, or this one renamed. A desktop added or removed before the current
        one moves its position but is no switch: the next switch records the new position."""
        last = self._last
        return last is None or last[1] != current[1] or last[2] != current[2]

    async def _read(self, bus: MessageBus) -> tuple[int, str, str] | None:
        """The current desktop: (position, id, name)."""
        (current,) = await call(bus, KWIN, VDM_PATH, PROPS, "Get", "ss", [VDM, "current"])
        (desktops,) = await call(bus, KWIN, VDM_PATH, PROPS, "Get", "ss", [VDM, "desktops"])
        current_id = str(current.value)  # type: ignore[attr-defined]
        for row in parse_desktops(desktops.value):  # type: ignore[attr-defined]
            if row[1] == current_id:
                return row
        return None

    async def _session(self, emit: Emit, stop: threading.Event) -> None:
        bus = await _connect(self.bus_address)
        changed = asyncio.Event()
        try:
            for member in SIGNALS:
                rule = f"type='signal',interface='{VDM}',path='{VDM_PATH}',member='{member}'"
                await call(bus, DBUS, "/org/freedesktop/DBus", DBUS, "AddMatch", "s", [rule])
            rule = f"type='signal',interface='{DBUS}',member='NameOwnerChanged',arg0='{KWIN}'"
            await call(bus, DBUS, "/org/freedesktop/DBus", DBUS, "AddMatch", "s", [rule])

            def on_message(msg: Message) -> None:
                if msg.message_type != MessageType.SIGNAL:
                    return
                if msg.interface == VDM or msg.member == "NameOwnerChanged":
                    self.wakeups += 1
                    changed.set()

            bus.add_message_handler(on_message)
            disconnected = asyncio.ensure_future(bus.wait_for_disconnect())  # type: ignore[no-untyped-call]
            waiting_logged = False
            while not stop.is_set():
                changed.clear()
                try:
                    current = await self._read(bus)
                except RuntimeError as exc:  # KWin not (yet, any more) on the bus
                    if self._last is not None:
                        log.warning("KWin left the session bus (%s)", exc)
                        emit(WorkspaceLost("KWin left the session bus"))
                        self._last = None
                    elif not waiting_logged:
                        log.warning("waiting for KWin (%s) on the session bus", KWIN)
                        waiting_logged = True
                else:
                    if waiting_logged or self._last is None:
                        log.info("reading KWin's virtual desktops on the session bus")
                        waiting_logged = False
                    if current is not None and self.changed(current):
                        last = self._last
                        if last is not None and last[1] == current[1]:  # renamed in place
                            current = (last[0], current[1], current[2])
                        self._last = current
                        emit(WorkspaceChanged(current[0], current[2], source=self.name))
                woke = asyncio.ensure_future(changed.wait())
                await asyncio.wait({woke, disconnected}, return_when=asyncio.FIRST_COMPLETED)
                if disconnected.done():
                    woke.cancel()
                    raise OSError("the session bus closed the connection")
        finally:
            with contextlib.suppress(Exception):
                bus.disconnect()
