"""``org.kde.StatusNotifierItem``: the tray item (KDE Plasma, waybar's tray, Xfce, Cinnamon,
Budgie; GNOME with the AppIndicator extension).

The item owns ``org.kde.StatusNotifierItem-PID-1``, exports ``/StatusNotifierItem`` and its menu
at ``/MenuBar`` (``deskmeter.indicator.dbusmenu``), and registers with the session's
``org.kde.StatusNotifierWatcher``. Hosts show the icon (drawn here: no icon theme needed), the
tooltip (the task, its workspace and the time on it) and, where they show text (Ayatana's
``XAyatanaLabel``), the label ``work/deskmeter/sync · 1h 05m``.
"""

# No ``from __future__ import annotations``: dbus-fast reads the annotations at class creation.
import math
from dataclasses import dataclass
from typing import Annotated

from dbus_fast.annotations import (
    DBusBool,
    DBusInt32,
    DBusObjectPath,
    DBusSignature,
    DBusStr,
)
from dbus_fast.constants import PropertyAccess
from dbus_fast.service import ServiceInterface, dbus_method, dbus_property, dbus_signal

from deskmeter.indicator.dbusmenu import MENU_PATH

ITEM_INTERFACE = "org.kde.StatusNotifierItem"
ITEM_PATH = "/StatusNotifierItem"
WATCHER_NAME = "org.kde.StatusNotifierWatcher"
WATCHER_PATH = "/StatusNotifierWatcher"
WATCHER_INTERFACE = "org.kde.StatusNotifierWatcher"

Pixmaps = Annotated[list[tuple[int, int, bytes]], DBusSignature("a(iiay)")]
ToolTip = Annotated[
    tuple[str, list[tuple[int, int, bytes]], str, str], DBusSignature("(sa(iiay)ss)")
]
LabelArgs = Annotated[tuple[str, str], DBusSignature("ss")]

#: Icon colours (RGB) by what the item shows.
COLORS = {
    "tracking": (0x35, 0x84, 0xE4),
    "attention": (0xE5, 0xA5, 0x0A),
    "dim": (0x88, 0x88, 0x88),
}


def clock_icon(size: int, rgb: tuple[int, int, int]) -> tuple[int, int, bytes]:
    """A clock face (ring and two hands) as ARGB32 in network byte order, as SNI wants it."""
    center = (size - 1) / 2
    outer, inner = size / 2 - 0.5, size / 2 - max(1.5, size / 10)
    hand = max(1.0, size / 16)
    pixels = bytearray()
    for y in range(size):
        for x in range(size):
            dx, dy = x - center, y - center
            dist = math.hypot(dx, dy)
            on_ring = inner <= dist <= outer
            up_hand = abs(dx) <= hand / 2 + 0.25 and -inner * 0.75 <= dy <= 0
            right_hand = abs(dy) <= hand / 2 + 0.25 and 0 <= dx <= inner * 0.55
            alpha = 255 if on_ring or up_hand or right_hand else 0
            pixels += bytes((alpha, *rgb)) if alpha else b"\0\0\0\0"
    return (size, size, bytes(pixels))


@dataclass(frozen=True, slots=True)
class ItemLook:
    """What the item shows; ``status`` is SNI's: Active, Passive or NeedsAttention."""

    title: str = "Deskmeter"
    label: str = ""
    tooltip: str = ""
    status: str = "Active"
    color: str = "dim"


class StatusNotifierItem(ServiceInterface):
    """``org.kde.StatusNotifierItem``; ``show`` changes what it shows and tells the host."""

    def __init__(self) -> None:
        super().__init__(ITEM_INTERFACE)
        self.look = ItemLook()
        self._icons: dict[str, list[tuple[int, int, bytes]]] = {}

    def icon(self, color: str) -> list[tuple[int, int, bytes]]:
        if color not in self._icons:
            self._icons[color] = [clock_icon(s, COLORS[color]) for s in (22, 32, 48)]
        return self._icons[color]

    def show(self, look: ItemLook) -> None:
        old, self.look = self.look, look
        if old.title != look.title:
            self.NewTitle()
        if old.tooltip != look.tooltip or old.title != look.title:
            self.NewToolTip()
        if old.color != look.color:
            self.NewIcon()
        if old.status != look.status:
            self.NewStatus()
        if old.label != look.label:
            self.XAyatanaNewLabel()

    # -- properties -------------------------------------------------------------------------

    @dbus_property(access=PropertyAccess.READ)
    def Category(self) -> DBusStr:  # noqa: N802 - D-Bus names are CamelCase
        return "ApplicationStatus"

    @dbus_property(access=PropertyAccess.READ)
    def Id(self) -> DBusStr:  # noqa: N802
        return "deskmeter"

    @dbus_property(access=PropertyAccess.READ)
    def Title(self) -> DBusStr:  # noqa: N802
        return self.look.title

    @dbus_property(access=PropertyAccess.READ)
    def Status(self) -> DBusStr:  # noqa: N802
        return self.look.status

    @dbus_property(access=PropertyAccess.READ)
    def WindowId(self) -> DBusInt32:  # noqa: N802
        return 0

    @dbus_property(access=PropertyAccess.READ)
    def IconName(self) -> DBusStr:  # noqa: N802
        return ""

    @dbus_property(access=PropertyAccess.READ)
    def IconPixmap(self) -> Pixmaps:  # noqa: N802
        return self.icon(self.look.color)

    @dbus_property(access=PropertyAccess.READ)
    def OverlayIconName(self) -> DBusStr:  # noqa: N802
        return ""

    @dbus_property(access=PropertyAccess.READ)
    def OverlayIconPixmap(self) -> Pixmaps:  # noqa: N802
        return []

    @dbus_property(access=PropertyAccess.READ)
    def AttentionIconName(self) -> DBusStr:  # noqa: N802
        return ""

    @dbus_property(access=PropertyAccess.READ)
    def AttentionIconPixmap(self) -> Pixmaps:  # noqa: N802
        return self.icon("attention")

    @dbus_property(access=PropertyAccess.READ)
    def AttentionMovieName(self) -> DBusStr:  # noqa: N802
        return ""

    @dbus_property(access=PropertyAccess.READ)
    def IconThemePath(self) -> DBusStr:  # noqa: N802
        return ""

    @dbus_property(access=PropertyAccess.READ)
    def ToolTip(self) -> ToolTip:  # noqa: N802
        return ("", [], self.look.title, self.look.tooltip)

    @dbus_property(access=PropertyAccess.READ)
    def ItemIsMenu(self) -> DBusBool:  # noqa: N802
        return True  # a click opens the menu

    @dbus_property(access=PropertyAccess.READ)
    def Menu(self) -> DBusObjectPath:  # noqa: N802
        return MENU_PATH

    @dbus_property(access=PropertyAccess.READ)
    def XAyatanaLabel(self) -> DBusStr:  # noqa: N802
        return self.look.label

    @dbus_property(access=PropertyAccess.READ)
    def XAyatanaLabelGuide(self) -> DBusStr:  # noqa: N802
        return "work/deskmeter/sync \u00b7 10h 00m"

    # -- methods: clicks go to the menu (ItemIsMenu) ------------------------------------------

    @dbus_method()
    def ContextMenu(self, x: DBusInt32, y: DBusInt32) -> None:  # noqa: N802
        return None

    @dbus_method()
    def Activate(self, x: DBusInt32, y: DBusInt32) -> None:  # noqa: N802
        return None

    @dbus_method()
    def SecondaryActivate(self, x: DBusInt32, y: DBusInt32) -> None:  # noqa: N802
        return None

    @dbus_method()
    def Scroll(self, delta: DBusInt32, orientation: DBusStr) -> None:  # noqa: N802
        return None

    # -- signals ----------------------------------------------------------------------------

    @dbus_signal()
    def NewTitle(self) -> None:  # noqa: N802
        return None

    @dbus_signal()
    def NewIcon(self) -> None:  # noqa: N802
        return None

    @dbus_signal()
    def NewAttentionIcon(self) -> None:  # noqa: N802
        return None

    @dbus_signal()
    def NewOverlayIcon(self) -> None:  # noqa: N802
        return None

    @dbus_signal()
    def NewToolTip(self) -> None:  # noqa: N802
        return None

    @dbus_signal()
    def NewStatus(self) -> DBusStr:  # noqa: N802
        return self.look.status

    @dbus_signal()
    def XAyatanaNewLabel(self) -> LabelArgs:  # noqa: N802
        return (self.look.label, "work/deskmeter/sync \u00b7 10h 00m")
