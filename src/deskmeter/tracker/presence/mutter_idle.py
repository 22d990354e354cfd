"""Away detection under GNOME (X11 and Wayland alike) with Mutter's idle monitor.

``org.gnome.Mutter.IdleMonitor`` on the session bus (object
``/org/gnome/Mutter/IdleMonitor/Core``): ``AddIdleWatch(threshold ms)`` fires ``WatchFired``
each time the idle time reaches the threshold, ``AddUserActiveWatch()`` fires once at the
next input. The screen lock comes from ``org.gnome.ScreenSaver`` ``ActiveChanged``. The
thread sleeps in the bus's event loop between signals: no polling.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from dbus_fast import Message, MessageType
from dbus_fast.aio import MessageBus

from deskmeter.tracker.events import Away, Back
from deskmeter.tracker.presence.base import Emit
from deskmeter.tracker.presence.dbus_call import call
from deskmeter.tracker.presence.dbus_source import DBusSignalSource, add_match

log = logging.getLogger(__name__)

MUTTER = "org.gnome.Mutter.IdleMonitor"
MUTTER_PATH = "/org/gnome/Mutter/IdleMonitor/Core"
SCREENSAVER = "org.gnome.ScreenSaver"
SCREENSAVER_PATH = "/org/gnome/ScreenSaver"


class MutterPresence(DBusSignalSource):
    name = "mutter"

    def __init__(self, threshold_seconds: float, bus_address: str | None = None) -> None:
        super().__init__(bus_address)
        self.threshold = threshold_seconds

    def unavailable(self, exc: Exception) -> None:
        log.warning("no away detection from Mutter's idle monitor: %s", exc)

    async def subscribe(self, bus: MessageBus, emit: Emit) -> None:
        for rule in (
            f"type='signal',interface='{MUTTER}',member='WatchFired',path='{MUTTER_PATH}'",
            f"type='signal',interface='{SCREENSAVER}',member='ActiveChanged'",
        ):
            await add_match(bus, rule)
        watches: dict[str, int] = {}
        pending: set[asyncio.Future[None]] = set()

        async def add_active_watch() -> None:
            (watch,) = await call(bus, MUTTER, MUTTER_PATH, MUTTER, "AddUserActiveWatch")
            watches["active"] = int(watch)  # type: ignore[call-overload]

        async def on_idle() -> None:
            await add_active_watch()
            (idle_ms,) = await call(bus, MUTTER, MUTTER_PATH, MUTTER, "GetIdletime")
            idle = max(float(idle_ms) / 1000.0, self.threshold)  # type: ignore[arg-type]
            emit(Away(datetime.now(UTC) - timedelta(seconds=idle), "idle", self.name))

        def on_message(msg: Message) -> None:
            if msg.message_type != MessageType.SIGNAL:
                return
            self.wakeups += 1
            now = datetime.now(UTC)
            if msg.member == "WatchFired" and msg.body:
                fired = int(msg.body[0])
                if fired == watches.get("idle"):
                    task = asyncio.ensure_future(on_idle())
                    pending.add(task)
                    task.add_done_callback(pending.discard)
                elif fired == watches.get("active"):
                    watches.pop("active", None)
                    emit(Back(now, "idle", self.name))
            elif msg.member == "ActiveChanged" and msg.interface == SCREENSAVER and msg.body:
                if bool(msg.body[0]):
                    emit(Away(now, "lock", self.name))
                else:
                    emit(Back(now, "lock", self.name))

        bus.add_message_handler(on_message)
        threshold_ms = max(1, int(self.threshold * 1000))
        (watch,) = await call(bus, MUTTER, MUTTER_PATH, MUTTER, "AddIdleWatch", "t", [threshold_ms])
        watches["idle"] = int(watch)  # type: ignore[call-overload]
        # An idle watch fires when idle time *reaches* its interval: already past it, it would
        # wait for the next input. Away now, then.
        (idle_ms,) = await call(bus, MUTTER, MUTTER_PATH, MUTTER, "GetIdletime")
        if int(idle_ms) >= threshold_ms:  # type: ignore[call-overload]
            await on_idle()
        log.info("away detection: Mutter idle watch %d ms, GNOME screen lock", threshold_ms)
