"""A ``com.canonical.dbusmenu`` menu (the menu protocol of StatusNotifierItems).

The host asks for the tree (``GetLayout``) and sends clicks (``Event``); a new tree is announced
with ``LayoutUpdated``. Items here are one level deep under the root (id 0).
"""

# No ``from __future__ import annotations``: dbus-fast reads the annotations at class creation.
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Annotated

from dbus_fast import DBusError, ErrorType, Variant
from dbus_fast.annotations import (
    DBusBool,
    DBusInt32,
    DBusSignature,
    DBusStr,
    DBusUInt32,
    DBusVariant,
)
from dbus_fast.constants import PropertyAccess
from dbus_fast.service import ServiceInterface, dbus_method, dbus_property, dbus_signal

log = logging.getLogger(__name__)

MENU_INTERFACE = "com.canonical.dbusmenu"
MENU_PATH = "/MenuBar"
ROOT_ID = 0

Node = tuple[int, dict[str, Variant], list[Variant]]
Layout = Annotated[tuple[int, Node], DBusSignature("u(ia{sv}av)")]
GroupProps = Annotated[list[tuple[int, dict[str, Variant]]], DBusSignature("a(ia{sv})")]
StrList = Annotated[list[str], DBusSignature("as")]
IntList = Annotated[list[int], DBusSignature("ai")]
Events = Annotated[list[tuple[int, str, Variant, int]], DBusSignature("a(isvu)")]
AboutToShowGroupReply = Annotated[tuple[list[int], list[int]], DBusSignature("aiai")]
UpdatedProps = Annotated[
    tuple[list[tuple[int, dict[str, Variant]]], list[tuple[int, list[str]]]],
    DBusSignature("a(ia{sv})a(ias)"),
]
LayoutUpdatedArgs = Annotated[tuple[int, int], DBusSignature("ui")]


@dataclass(frozen=True, slots=True)
class MenuItem:
    """One entry: ``action`` is what a click does (None: not clickable)."""

    label: str = ""
    action: Callable[[], None] | None = field(default=None, compare=False)
    separator: bool = False
    #: ``True``/``False``: a radio item, on or off; None: a plain item.
    radio: bool | None = None

    @property
    def shown(self) -> tuple[str, bool, bool | None, bool]:
        """What the host sees of the item (actions are closures: compared by this)."""
        return (self.label, self.separator, self.radio, self.action is not None)

    def properties(self) -> dict[str, Variant]:
        if self.separator:
            return {"type": Variant("s", "separator")}
        props = {
            "label": Variant("s", self.label.replace("_", "__")),  # "_" marks a mnemonic
            "enabled": Variant("b", self.action is not None),
            "visible": Variant("b", True),
        }
        if self.radio is not None:
            props["toggle-type"] = Variant("s", "radio")
            props["toggle-state"] = Variant("i", 1 if self.radio else 0)
        return props


class DBusMenu(ServiceInterface):
    """The menu; ``set_items`` replaces its entries (ids 1..n) and tells the host."""

    def __init__(self) -> None:
        super().__init__(MENU_INTERFACE)
        self.revision = 1
        self.items: tuple[MenuItem, ...] = ()

    def set_items(self, items: Sequence[MenuItem]) -> None:
        """New entries; the host is told only when they look different."""
        same = [i.shown for i in items] == [i.shown for i in self.items]
        self.items = tuple(items)  # the new actions, even when they look the same
        if not same:
            self.revision += 1
            self.LayoutUpdated()

    def _props(self, item_id: int, names: Sequence[str] = ()) -> dict[str, Variant]:
        if item_id == ROOT_ID:
            props = {"children-display": Variant("s", "submenu")}
        elif 1 <= item_id <= len(self.items):
            props = self.items[item_id - 1].properties()
        else:
            raise DBusError(ErrorType.INVALID_ARGS, f"no menu item {item_id}")
        return {k: v for k, v in props.items() if not names or k in names}

    def _node(self, item_id: int, depth: int, names: Sequence[str]) -> Node:
        children: list[Variant] = []
        if item_id == ROOT_ID and depth != 0:
            children = [
                Variant("(ia{sv}av)", list(self._node(i, depth - 1, names)))
                for i in range(1, len(self.items) + 1)
            ]
        return (item_id, self._props(item_id, names), children)

    # -- methods ----------------------------------------------------------------------------

    @dbus_method()
    def GetLayout(  # noqa: N802 - D-Bus names are CamelCase
        self,
        parent_id: DBusInt32,
        recursion_depth: DBusInt32,
        property_names: StrList,
    ) -> Layout:
        return (self.revision, self._node(parent_id, recursion_depth, property_names))

    @dbus_method()
    def GetGroupProperties(self, ids: IntList, property_names: StrList) -> GroupProps:  # noqa: N802
        wanted = ids or [ROOT_ID, *range(1, len(self.items) + 1)]
        return [(i, self._props(i, property_names)) for i in wanted if 0 <= i <= len(self.items)]

    @dbus_method()
    def GetProperty(self, id: DBusInt32, name: DBusStr) -> DBusVariant:  # noqa: N802
        props = self._props(id)
        if name not in props:
            raise DBusError(ErrorType.INVALID_ARGS, f"menu item {id} has no property {name}")
        return props[name]

    @dbus_method()
    def Event(  # noqa: N802
        self,
        id: DBusInt32,
        event_id: DBusStr,
        data: DBusVariant,
        timestamp: DBusUInt32,
    ) -> None:
        self._event(id, event_id)

    @dbus_method()
    def EventGroup(self, events: Events) -> IntList:  # noqa: N802
        errors = []
        for item_id, event_id, _data, _time in events:
            if not 0 <= item_id <= len(self.items):
                errors.append(item_id)
                continue
            self._event(item_id, event_id)
        return errors

    @dbus_method()
    def AboutToShow(self, id: DBusInt32) -> DBusBool:  # noqa: N802
        return False

    @dbus_method()
    def AboutToShowGroup(self, ids: IntList) -> AboutToShowGroupReply:  # noqa: N802
        return ([], [])

    def _event(self, item_id: int, event_id: str) -> None:
        if event_id != "clicked" or not 1 <= item_id <= len(self.items):
            return
        action = self.items[item_id - 1].action
        if action is not None:
            log.info("tray menu: %s", self.items[item_id - 1].label)
            action()

    # -- properties and signals ---------------------------------------------------------------

    @dbus_property(access=PropertyAccess.READ)
    def Version(self) -> DBusUInt32:  # noqa: N802
        return 3

    @dbus_property(access=PropertyAccess.READ)
    def TextDirection(self) -> DBusStr:  # noqa: N802
        return "ltr"

    @dbus_property(access=PropertyAccess.READ)
    def Status(self) -> DBusStr:  # noqa: N802
        return "normal"

    @dbus_property(access=PropertyAccess.READ)
    def IconThemePath(self) -> StrList:  # noqa: N802
        return []

    @dbus_signal()
    def LayoutUpdated(self) -> LayoutUpdatedArgs:  # noqa: N802
        return (self.revision, ROOT_ID)

    @dbus_signal()
    def ItemsPropertiesUpdated(self) -> UpdatedProps:  # noqa: N802
        return ([], [])
