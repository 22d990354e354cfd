"""``deskmeter tray``: the StatusNotifierItem and its menu, following the tracker over D-Bus.

Like ``status --follow``: it wakes for the tracker's signals and, while an interval is open,
when the minute shown changes; nothing else. Menu clicks go back to the tracker (``SetTask``,
``ResolveAway``). The watcher (the tray) may come later or restart (Plasma does): the item
registers again whenever ``org.kde.StatusNotifierWatcher`` gets a new owner.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import subprocess
from collections.abc import Awaitable, Callable
from typing import Any

from dbus_fast import BusType, Message, MessageType, NameFlag
from dbus_fast import RequestNameReply as Reply
from dbus_fast.aio import MessageBus

from deskmeter.indicator.dbusmenu import MENU_PATH, DBusMenu, MenuItem
from deskmeter.indicator.follow import Sleep
from deskmeter.indicator.sni import (
    ITEM_PATH,
    WATCHER_INTERFACE,
    WATCHER_NAME,
    WATCHER_PATH,
    ItemLook,
    StatusNotifierItem,
)
from deskmeter.indicator.tracker_bus import TrackerBus, TrackerBusError
from deskmeter.indicator.view import AWAY_CHOICES, View, away_title, shorten_task, view_of
from deskmeter.tracker.clock import Clock

log = logging.getLogger(__name__)

DBUS = "org.freedesktop.DBus"
_ITEM_NUMBERS = itertools.count(1)


def look_of(view: View) -> ItemLook:
    attention = bool(view.pending_away_seconds)
    return ItemLook(
        title=f"Deskmeter: {view.label}",
        label=view.label,
        tooltip=view.tooltip,
        status="NeedsAttention" if attention else "Active",
        color="attention" if attention else ("tracking" if view.state == "tracking" else "dim"),
    )


def menu_of(
    view: View,
    set_task: Callable[[str], None],
    resolve_away: Callable[[str], None],
    open_url: Callable[[str], None],
) -> list[MenuItem]:
    """The GNOME extension's menu: header, recent tasks, the away decision, the dashboard."""

    def doing(action: Callable[[str], None], path: str) -> Callable[[], None]:
        return lambda: action(path)

    items = [MenuItem(view.header), MenuItem(separator=True)]
    if view.state == "not-running":
        return items[:1]
    items.append(MenuItem("Switch task"))
    items.extend(
        MenuItem(shorten_task(path, 60), doing(set_task, path), radio=path == view.task)
        for path in view.recent
    )
    if view.pending_away_seconds:
        items += [MenuItem(separator=True), MenuItem(away_title(view.pending_away_seconds))]
        items.append(MenuItem("Keep as away", lambda: resolve_away("")))
        items.extend(
            MenuItem(f"Assign to {path}", doing(resolve_away, path))
            for path in view.recent[:AWAY_CHOICES]
        )
    if view.dashboard_url:
        url = view.dashboard_url
        items += [MenuItem(separator=True), MenuItem("Open dashboard", lambda: open_url(url))]
    return items


def open_in_browser(url: str) -> None:
    with contextlib.suppress(OSError):
        subprocess.Popen(
            ["xdg-open", url], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip


class Tray:
    """The tray item of one session bus; ``run`` until that bus goes away."""

    def __init__(
        self,
        clock: Clock,
        *,
        bus_address: str | None = None,
        sleep: Sleep = asyncio.sleep,
        open_url: Callable[[str], None] = open_in_browser,
    ) -> None:
        self.clock = clock
        self.bus_address = bus_address
        self.sleep = sleep
        self.open_url = open_url
        self.item = StatusNotifierItem()
        self.menu = DBusMenu()
        self.name = f"org.kde.StatusNotifierItem-{os.getpid()}-{next(_ITEM_NUMBERS)}"
        self.registered_with = ""
        self._bus: MessageBus | None = None
        self._tracker: TrackerBus | None = None
        self._changed = asyncio.Event()
        self._background: set[asyncio.Task[Any]] = set()

    async def run(self, ready: Callable[[Tray], None] | None = None) -> None:
        self._changed = asyncio.Event()
        tracker = self._tracker = TrackerBus(self._changed.set, self.bus_address)
        await tracker.connect()
        try:
            bus = MessageBus(bus_address=self.bus_address, bus_type=BusType.SESSION)
            self._bus = await bus.connect()
        except Exception as exc:
            tracker.close()
            raise TrackerBusError(f"cannot connect to the session bus: {exc}") from exc
        try:
            await self._serve(tracker, self._bus, ready)
        finally:
            for task in self._background:
                task.cancel()
            tracker.close()
            self._bus.disconnect()

    async def _serve(
        self, tracker: TrackerBus, bus: MessageBus, ready: Callable[[Tray], None] | None
    ) -> None:
        bus.export(ITEM_PATH, self.item)
        bus.export(MENU_PATH, self.menu)
        self._render(tracker)
        reply = await bus.request_name(self.name, NameFlag.DO_NOT_QUEUE)
        if reply not in (Reply.PRIMARY_OWNER, Reply.ALREADY_OWNER):
            raise TrackerBusError(f"cannot own {self.name} on the session bus")
        bus.add_message_handler(self._on_message)
        await self._call(
            DBUS, "/org/freedesktop/DBus", DBUS, "AddMatch", "s",
            [f"type='signal',sender='{DBUS}',interface='{DBUS}',member='NameOwnerChanged',"
             f"arg0='{WATCHER_NAME}'"],
        )  # fmt: skip
        if not await self._register():
            log.warning(
                "no StatusNotifierWatcher on the session bus (no tray yet): the item "
                "registers when one appears"
            )
        if ready is not None:
            ready(self)
        gone = asyncio.ensure_future(tracker.wait_closed())
        bus_gone = asyncio.ensure_future(bus.wait_for_disconnect())  # type: ignore[no-untyped-call]
        waits: set[asyncio.Future[Any]] = set()
        try:
            while True:
                if gone.done() or bus_gone.done() or not bus.connected:
                    return
                self._changed.clear()
                try:
                    view = self._render(tracker)
                except Exception:
                    if bus.connected:
                        raise
                    return  # the session bus went away while the item was being redrawn
                waits = {gone, bus_gone, asyncio.ensure_future(self._changed.wait())}
                if view.tick_in > 0:
                    waits.add(asyncio.ensure_future(self.sleep(view.tick_in)))
                done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
                for task in waits - {gone, bus_gone}:
                    task.cancel()
                if gone in done or bus_gone in done:
                    return
        finally:
            for task in waits:
                task.cancel()

    def _render(self, tracker: TrackerBus) -> View:
        view = view_of(tracker.running, tracker.props, self.clock.now().timestamp())
        self.item.show(look_of(view))
        self.menu.set_items(menu_of(view, self._set_task, self._resolve_away, self.open_url))
        return view

    # -- menu actions (on the loop) ----------------------------------------------------------

    def _spawn(self, what: str, call: Awaitable[Any]) -> None:
        async def run() -> None:
            try:
                await call
            except TrackerBusError as exc:
                log.warning("%s: %s", what, exc)

        task = asyncio.ensure_future(run())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _set_task(self, path: str) -> None:
        assert self._tracker is not None
        self._spawn(f"set task {path}", self._tracker.set_task(path))

    def _resolve_away(self, path: str) -> None:
        assert self._tracker is not None
        self._spawn("resolve away", self._tracker.resolve_away(path))

    # -- the watcher --------------------------------------------------------------------------

    async def _register(self) -> bool:
        try:
            await self._call(
                WATCHER_NAME, WATCHER_PATH, WATCHER_INTERFACE, "RegisterStatusNotifierItem",
                "s", [self.name],
            )  # fmt: skip
        except TrackerBusError as exc:
            log.debug("not registered: %s", exc)
            return False
        self.registered_with = WATCHER_NAME
        log.info("tray item %s registered with the StatusNotifierWatcher", self.name)
        return True

    async def _register_soon(self) -> None:
        """Register with a watcher that just took its name (it may not answer at once)."""
        for delay in (0.0, 0.2, 0.5, 1.0, 2.0):
            await asyncio.sleep(delay)
            if await self._register():
                return
        log.warning("the new StatusNotifierWatcher did not accept the tray item")

    def _on_message(self, msg: Message) -> None:
        if (
            msg.message_type is MessageType.SIGNAL
            and msg.member == "NameOwnerChanged"
            and msg.sender == DBUS
            and msg.body[0] == WATCHER_NAME
        ):
            self.registered_with = ""
            if msg.body[2]:  # a (new) watcher: register with it
                task = asyncio.ensure_future(self._register_soon())
                self._background.add(task)
                task.add_done_callback(self._background.discard)

    async def _call(
        self, destination: str, path: str, interface: str, member: str, signature: str,
        body: list[Any],
    ) -> list[Any]:  # fmt: skip
        assert self._bus is not None
        message = Message(
            destination=destination, path=path, interface=interface, member=member,
            signature=signature, body=body,
        )  # fmt: skip
        reply = await asyncio.wait_for(self._bus.call(message), 10)
        if reply is None or reply.message_type is MessageType.ERROR:
            text = reply.body[0] if reply is not None and reply.body else "no reply"
            raise TrackerBusError(f"{member}: {text}")
        return list(reply.body)


def run_tray(clock: Clock | None = None) -> int:
    """The command: run until the session ends; the exit status."""
    import sys

    from deskmeter.tracker.clock import SystemClock

    try:
        asyncio.run(Tray(clock or SystemClock()).run())
    except TrackerBusError as exc:
        print(f"deskmeter: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0
