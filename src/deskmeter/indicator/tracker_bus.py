"""Follow the tracker on the session bus: its name's owner and its ``PropertiesChanged``.

No polling: the client asks the bus for ``NameOwnerChanged`` of ``dev.deskmeter.Tracker`` and for
the tracker's ``PropertiesChanged``, reads every property once (``GetAll``) when the tracker
appears, and merges each change into its copy. ``on_change`` is called after every change, on
the client's asyncio loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from typing import Any

from dbus_fast import BusType, Message, MessageType, Variant
from dbus_fast.aio import MessageBus

from deskmeter.dbus import BUS_NAME, INTERFACE, OBJECT_PATH
from deskmeter.indicator.view import TrackerProps

DBUS = "org.freedesktop.DBus"
PROPERTIES = "org.freedesktop.DBus.Properties"
CALL_TIMEOUT = 10.0


class TrackerBusError(RuntimeError):
    """No session bus, or the tracker answered a call with an error (one line, for the user)."""


def unpack(value: Any) -> Any:
    """A D-Bus value with its variants opened (structs stay lists)."""
    if isinstance(value, Variant):
        return unpack(value.value)
    if isinstance(value, list):
        return [unpack(v) for v in value]
    if isinstance(value, dict):
        return {k: unpack(v) for k, v in value.items()}
    return value


class TrackerBus:
    """A client of ``dev.deskmeter.Tracker1``: its state, ``set_task`` and ``resolve_away``."""

    def __init__(
        self,
        on_change: Callable[[], None] | None = None,
        bus_address: str | None = None,
    ) -> None:
        self._on_change = on_change
        self._bus_address = bus_address
        self._bus: MessageBus | None = None
        self._owner = ""
        self._values: dict[str, Any] = {}
        self._refreshing: asyncio.Task[None] | None = None

    # -- state ----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """The tracker owns its name and its properties have been read."""
        return bool(self._owner) and bool(self._values)

    @property
    def props(self) -> TrackerProps | None:
        return TrackerProps.from_dbus(self._values) if self.running else None

    # -- connection -----------------------------------------------------------------------

    async def connect(self) -> None:
        """Connect, subscribe, and read the tracker's properties if it is running."""
        try:
            bus = MessageBus(bus_address=self._bus_address, bus_type=BusType.SESSION)
            self._bus = await bus.connect()
        except Exception as exc:
            raise TrackerBusError(f"cannot connect to the session bus: {exc}") from exc
        self._bus.add_message_handler(self._on_message)
        await self._call(
            DBUS, "/org/freedesktop/DBus", DBUS, "AddMatch", "s",
            [f"type='signal',sender='{DBUS}',interface='{DBUS}',member='NameOwnerChanged',"
             f"arg0='{BUS_NAME}'"],
        )  # fmt: skip
        await self._call(
            DBUS, "/org/freedesktop/DBus", DBUS, "AddMatch", "s",
            [f"type='signal',sender='{BUS_NAME}',path='{OBJECT_PATH}',interface='{PROPERTIES}',"
             "member='PropertiesChanged'"],
        )  # fmt: skip
        try:
            (owner,) = await self._call(
                DBUS, "/org/freedesktop/DBus", DBUS, "GetNameOwner", "s", [BUS_NAME]
            )
        except TrackerBusError:  # NameHasNoOwner: the tracker is not running
            owner = ""
        self._owner = str(owner)
        if self._owner:
            await self._refresh()
        self._changed()

    def close(self) -> None:
        if self._bus is not None:
            self._bus.disconnect()

    async def wait_closed(self) -> None:
        """Return when the bus connection is gone."""
        assert self._bus is not None
        with contextlib.suppress(Exception):
            await self._bus.wait_for_disconnect()  # type: ignore[no-untyped-call]

    # -- calls ----------------------------------------------------------------------------

    async def set_task(self, path: str) -> None:
        await self._call(BUS_NAME, OBJECT_PATH, INTERFACE, "SetTask", "s", [path])

    async def resolve_away(self, path: str) -> str:
        """Give the pending away stretch to ``path`` (``""`` keeps it as away): the edit's id."""
        (edit,) = await self._call(BUS_NAME, OBJECT_PATH, INTERFACE, "ResolveAway", "s", [path])
        return str(edit)

    async def _call(
        self, destination: str, path: str, interface: str, member: str, signature: str,
        body: list[Any],
    ) -> list[Any]:  # fmt: skip
        assert self._bus is not None
        message = Message(
            destination=destination, path=path, interface=interface, member=member,
            signature=signature, body=body,
        )  # fmt: skip
        try:
            reply = await asyncio.wait_for(self._bus.call(message), CALL_TIMEOUT)
        except TimeoutError as exc:
            raise TrackerBusError(f"{member}: no answer within {CALL_TIMEOUT:.0f} s") from exc
        except (EOFError, OSError) as exc:  # the session bus went away meanwhile
            raise TrackerBusError(f"{member}: the session bus closed") from exc
        if reply is None:
            raise TrackerBusError(f"{member}: no reply")
        if reply.message_type is MessageType.ERROR:
            text = reply.body[0] if reply.body else reply.error_name
            raise TrackerBusError(str(text))
        return list(reply.body)

    # -- updates --------------------------------------------------------------------------

    async def _refresh(self) -> None:
        try:
            (values,) = await self._call(
                BUS_NAME, OBJECT_PATH, PROPERTIES, "GetAll", "s", [INTERFACE]
            )
        except TrackerBusError:  # it left meanwhile; NameOwnerChanged tells
            self._values = {}
            return
        self._values = unpack(values)

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change()

    def _on_message(self, msg: Message) -> None:
        if msg.message_type is not MessageType.SIGNAL:
            return
        if msg.member == "NameOwnerChanged" and msg.sender == DBUS and msg.body[0] == BUS_NAME:
            self._owner = str(msg.body[2])
            self._values = {}
            if self._owner:
                self._refreshing = asyncio.ensure_future(self._refresh_and_tell())
            self._changed()
        elif (
            msg.member == "PropertiesChanged"
            and msg.path == OBJECT_PATH
            and self._owner
            and msg.sender == self._owner
            and msg.body[0] == INTERFACE
        ):
            changed: Mapping[str, Any] = unpack(msg.body[1])
            if not self._values or msg.body[2]:  # not read yet, or invalidated: read all
                self._refreshing = asyncio.ensure_future(self._refresh_and_tell())
                return
            self._values.update(changed)
            self._changed()

    async def _refresh_and_tell(self) -> None:
        await self._refresh()
        self._changed()
