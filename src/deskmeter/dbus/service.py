"""The ``dev.deskmeter.Tracker1`` service (see ``deskmeter.dbus`` for the interface).

Library: ``dbus-fast`` (asyncio, pure Python with optional Cython speed-ups, typed, actively
maintained; a fork of the unmaintained ``dbus-next``). ``jeepney`` is lower level (no service
objects or introspection), ``sdbus`` needs libsystemd bindings, ``dbus-python`` needs a GLib main
loop and system headers.

Threads: the tracker loop owns the store and the interval; the service runs its own asyncio loop
in a daemon thread. The tracker calls its listener after every change; the listener takes a
``Snapshot`` in the tracker thread (it may read the store there) and hands it to the service
loop with ``call_soon_threadsafe``. Method calls go the other way as events on the tracker's
queue. Nothing blocks either side.
"""

# No ``from __future__ import annotations``: dbus-fast reads the annotations at class creation
# and takes a deferred ``-> None`` for the string "None".
import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import fields
from typing import Annotated, Protocol, runtime_checkable

from dbus_fast import BusType, DBusError, ErrorType, Message, MessageType, NameFlag
from dbus_fast import RequestNameReply as Reply
from dbus_fast.aio import MessageBus
from dbus_fast.annotations import DBusBool, DBusInt32, DBusInt64, DBusSignature, DBusStr
from dbus_fast.constants import PropertyAccess
from dbus_fast.service import ServiceInterface, dbus_method, dbus_property, dbus_signal

from deskmeter.dbus import BUS_NAME, INTERFACE, OBJECT_PATH
from deskmeter.dbus.snapshot import Snapshot, take_snapshot
from deskmeter.models import State
from deskmeter.tasks.taskfile import validate_path
from deskmeter.tracker.daemon import Tracker
from deskmeter.tracker.events import SetTask

log = logging.getLogger(__name__)

DBusStrList = Annotated[list[str], DBusSignature("as")]
StateArgs = Annotated[tuple[str, str, int, int], DBusSignature("ssix")]
PendingArgs = Annotated[tuple[int, int], DBusSignature("(xx)")]

#: Snapshot field -> D-Bus property name.
PROPERTY_OF_FIELD = {
    "tracking": "Tracking",
    "task": "CurrentTask",
    "task_id": "CurrentTaskId",
    "workspace": "CurrentWorkspace",
    "workspace_index": "CurrentWorkspaceIndex",
    "since": "Since",
    "recent_tasks": "RecentTasks",
    "dashboard_url": "DashboardUrl",
    "source": "WorkspaceSource",
    "away": "Away",
    "pending_away": "PendingAway",
}
STATE_FIELDS = frozenset({"tracking", "task", "task_id", "workspace", "workspace_index", "since"})


class BusServiceError(RuntimeError):
    """The service could not start (no session bus, or another tracker owns the name)."""


@runtime_checkable
class WorkspaceReporter(Protocol):
    """Where ``ReportWorkspace`` calls go: a source fed over D-Bus (``gnome``)."""

    def report(self, index: int, name: str) -> bool: ...

    def lost(self, reason: str) -> bool: ...


class TrackerInterface(ServiceInterface):
    """``dev.deskmeter.Tracker1``. Runs on the service loop only."""

    def __init__(
        self,
        snapshot: Snapshot,
        set_task: Callable[[str], None],
        reporter: WorkspaceReporter | None,
        resolve_away: Callable[[str], str] | None = None,
    ) -> None:
        super().__init__(INTERFACE)
        self.snapshot = snapshot
        self._set_task = set_task
        self._reporter = reporter
        self._resolve_away = resolve_away

    def apply(self, snapshot: Snapshot) -> None:
        """Publish ``snapshot``: PropertiesChanged for what changed, StateChanged if it did."""
        old, self.snapshot = self.snapshot, snapshot
        changed = {
            f.name: getattr(snapshot, f.name)
            for f in fields(Snapshot)
            if getattr(old, f.name) != getattr(snapshot, f.name)
        }
        if not changed:
            return
        self.emit_properties_changed(
            {
                PROPERTY_OF_FIELD[name]: list(value) if isinstance(value, tuple) else value
                for name, value in changed.items()
            }
        )
        if STATE_FIELDS & changed.keys():
            self.StateChanged()

    # -- properties -------------------------------------------------------------------------

    @dbus_property(access=PropertyAccess.READ)
    def Tracking(self) -> DBusBool:  # noqa: N802 - D-Bus names are CamelCase
        return self.snapshot.tracking

    @dbus_property(access=PropertyAccess.READ)
    def CurrentTask(self) -> DBusStr:  # noqa: N802
        return self.snapshot.task

    @dbus_property(access=PropertyAccess.READ)
    def CurrentTaskId(self) -> DBusStr:  # noqa: N802
        return self.snapshot.task_id

    @dbus_property(access=PropertyAccess.READ)
    def CurrentWorkspace(self) -> DBusStr:  # noqa: N802
        return self.snapshot.workspace

    @dbus_property(access=PropertyAccess.READ)
    def CurrentWorkspaceIndex(self) -> DBusInt32:  # noqa: N802
        return self.snapshot.workspace_index

    @dbus_property(access=PropertyAccess.READ)
    def Since(self) -> DBusInt64:  # noqa: N802
        return self.snapshot.since

    @dbus_property(access=PropertyAccess.READ)
    def RecentTasks(self) -> DBusStrList:  # noqa: N802
        return list(self.snapshot.recent_tasks)

    @dbus_property(access=PropertyAccess.READ)
    def DashboardUrl(self) -> DBusStr:  # noqa: N802
        return self.snapshot.dashboard_url

    @dbus_property(access=PropertyAccess.READ)
    def WorkspaceSource(self) -> DBusStr:  # noqa: N802
        return self.snapshot.source

    @dbus_property(access=PropertyAccess.READ)
    def Away(self) -> DBusBool:  # noqa: N802
        return self.snapshot.away

    @dbus_property(access=PropertyAccess.READ)
    def PendingAway(self) -> PendingArgs:  # noqa: N802
        return self.snapshot.pending_away

    # -- signal -----------------------------------------------------------------------------

    @dbus_signal()
    def StateChanged(self) -> StateArgs:  # noqa: N802
        return self.snapshot.signal_args

    # -- methods ----------------------------------------------------------------------------

    @dbus_method()
    def SetTask(self, path: DBusStr) -> None:  # noqa: N802
        try:
            validate_path(path)
        except ValueError as exc:
            raise DBusError(ErrorType.INVALID_ARGS, str(exc)) from exc
        log.info("D-Bus: set task %s", path)
        self._set_task(path)

    @dbus_method()
    def ReportWorkspace(self, index: DBusInt32, name: DBusStr) -> DBusBool:  # noqa: N802
        if index < 0:
            raise DBusError(ErrorType.INVALID_ARGS, f"workspace index must be >= 0, not {index}")
        if self._reporter is None:
            return False
        return self._reporter.report(index, name)

    @dbus_method()
    def ResolveAway(self, path: DBusStr) -> DBusStr:  # noqa: N802
        """Keep the pending away stretch as away (``""``) or give it to task ``path``."""
        if self._resolve_away is None:
            raise DBusError(ErrorType.NOT_SUPPORTED, "no store to resolve away time in")
        try:
            return self._resolve_away(path)
        except ValueError as exc:  # EditError
            raise DBusError(ErrorType.INVALID_ARGS, str(exc)) from exc

    @dbus_method()
    def ReportWorkspaceLost(self, reason: DBusStr) -> DBusBool:  # noqa: N802
        if self._reporter is None:
            return False
        return self._reporter.lost(reason or "the GNOME Shell extension stopped reporting")


class BusService:
    """Owns ``dev.deskmeter.Tracker`` on the session bus from its own thread and loop."""

    def __init__(
        self,
        snapshot: Snapshot,
        *,
        set_task: Callable[[str], None],
        reporter: WorkspaceReporter | None = None,
        bus_address: str | None = None,
        resolve_away: Callable[[str], str] | None = None,
    ) -> None:
        self.interface = TrackerInterface(snapshot, set_task, reporter, resolve_away)
        self._reporter = reporter
        self._bus_address = bus_address
        self._loop = asyncio.new_event_loop()
        self._bus: MessageBus | None = None
        self._thread = threading.Thread(target=self._run, name="dbus-service", daemon=True)
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._reporters: set[str] = set()
        self.unique_name = ""

    # -- from any thread --------------------------------------------------------------------

    def start(self, timeout: float = 10.0) -> None:
        """Connect, export and own the name; raise ``BusServiceError`` when that fails."""
        self._thread.start()
        if not self._ready.wait(timeout):
            raise BusServiceError(f"no answer from the session bus within {timeout:.0f} s")
        if self._error is not None:
            self._thread.join(timeout)
            raise BusServiceError(str(self._error)) from self._error

    def publish(self, snapshot: Snapshot) -> None:
        """Publish a new snapshot (thread-safe, never blocks)."""
        if self._loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop stopped meanwhile
            self._loop.call_soon_threadsafe(self.interface.apply, snapshot)

    def stop(self, timeout: float = 5.0) -> None:
        """Release the name and disconnect."""
        if self._thread.is_alive():
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout)

    # -- the service thread -----------------------------------------------------------------

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._connect())
        except Exception as exc:
            self._error = exc
            self._ready.set()
            self._loop.close()
            return
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            if self._bus is not None:
                self._bus.disconnect()
                with contextlib.suppress(Exception):
                    waiter = self._bus.wait_for_disconnect()  # type: ignore[no-untyped-call]
                    self._loop.run_until_complete(asyncio.wait_for(waiter, 2))
            self._loop.close()

    async def _connect(self) -> None:
        try:
            bus = MessageBus(bus_address=self._bus_address, bus_type=BusType.SESSION)
            await bus.connect()
        except Exception as exc:
            raise BusServiceError(f"cannot connect to the session bus: {exc}") from exc
        self._bus = bus
        self.unique_name = bus.unique_name or ""
        bus.export(OBJECT_PATH, self.interface)
        if self._reporter is not None:
            bus.add_message_handler(self._watch_reporters)
        reply = await bus.request_name(BUS_NAME, NameFlag.DO_NOT_QUEUE)
        if reply not in (Reply.PRIMARY_OWNER, Reply.ALREADY_OWNER):
            bus.disconnect()
            raise BusServiceError(
                f"{BUS_NAME} is already owned on this session bus: is another "
                "`deskmeter track` running?"
            )
        log.info("D-Bus service %s at %s (%s) on the session bus", BUS_NAME, OBJECT_PATH, INTERFACE)

    def _watch_reporters(self, msg: Message) -> None:
        """Remember who reports workspaces; when that client leaves the bus, stop counting."""
        if (
            msg.message_type is MessageType.METHOD_CALL
            and msg.interface == INTERFACE
            and msg.member == "ReportWorkspace"
            and msg.sender
            and msg.sender not in self._reporters
        ):
            self._reporters.add(msg.sender)
            self._add_match(
                "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',"
                f"member='NameOwnerChanged',arg0='{msg.sender}'"
            )
        elif (
            msg.message_type is MessageType.SIGNAL
            and msg.member == "NameOwnerChanged"
            and msg.sender == "org.freedesktop.DBus"
            and len(msg.body) == 3
            and msg.body[0] in self._reporters
            and not msg.body[2]
        ):
            self._reporters.discard(msg.body[0])
            assert self._reporter is not None
            log.warning("the workspace reporter %s left the session bus", msg.body[0])
            self._reporter.lost("GNOME Shell (the extension) left the session bus")

    def _add_match(self, rule: str) -> None:
        assert self._bus is not None
        self._bus.send(
            Message(
                destination="org.freedesktop.DBus",
                path="/org/freedesktop/DBus",
                interface="org.freedesktop.DBus",
                member="AddMatch",
                signature="s",
                body=[rule],
            )
        )


def serve_tracker(
    tracker: Tracker,
    source_name: str,
    reporter: WorkspaceReporter | None = None,
    bus_address: str | None = None,
) -> BusService:
    """Start the service for ``tracker`` and keep it published after every change.

    Call it in the tracker's thread (it reads the store for the first snapshot). Raises
    ``BusServiceError`` when the service cannot start.
    """

    def snapshot(state: State | None) -> Snapshot:
        current = tracker.tasks.current
        return take_snapshot(
            state,
            store=tracker.store,
            settings=tracker.settings,
            listed=[line.path for line in tracker.tasks.good.tasks],
            current_task=current.path if current else None,
            source=source_name,
        )

    def resolve(path: str) -> str:
        from deskmeter.edits.pending import resolve_away

        edit = resolve_away(
            tracker.store, path or None, who="panel", now=tracker.clock.now(),
            host=tracker.settings.host,
        )  # fmt: skip
        service.interface.apply(snapshot(tracker.state))  # on the service loop: publish now
        return edit.id if edit is not None else ""

    service = BusService(
        snapshot(tracker.state),
        set_task=lambda path: tracker.events.put(SetTask(path)),
        reporter=reporter,
        bus_address=bus_address,
        resolve_away=resolve,
    )
    service.start()
    tracker.listeners.append(lambda state: service.publish(snapshot(state)))
    return service
