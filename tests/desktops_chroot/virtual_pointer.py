"""Real pointer input for a headless wlroots compositor: a ``zwlr_virtual_pointer_v1`` client.

A headless Sway has no input devices; a virtual pointer is one (Sway treats it as a pointer
device), so its motion is user activity: it ends an ``ext-idle-notify`` idle stretch exactly as
a mouse would. The pywayland classes below declare the first requests of wlroots' virtual
pointer protocol (wlr-protocols), in the protocol's order (their opcodes).
"""

from __future__ import annotations

from typing import Any

from pywayland.protocol.wayland import WlSeat
from pywayland.protocol_core import Argument, ArgumentType, Interface, Proxy

from deskmeter.tracker.wayland_conn import WaylandConnection


class ZwlrVirtualPointerV1(Interface):
    name = "zwlr_virtual_pointer_v1"
    version = 1


class ZwlrVirtualPointerManagerV1(Interface):
    name = "zwlr_virtual_pointer_manager_v1"
    version = 1


class ZwlrVirtualPointerV1Proxy(Proxy[ZwlrVirtualPointerV1]):
    interface = ZwlrVirtualPointerV1

    @ZwlrVirtualPointerV1.request(
        Argument(ArgumentType.Uint), Argument(ArgumentType.Fixed), Argument(ArgumentType.Fixed)
    )
    def motion(self, time: int, dx: float, dy: float) -> None:
        self._marshal(0, time, dx, dy)

    @ZwlrVirtualPointerV1.request(*(Argument(ArgumentType.Uint) for _ in range(5)))
    def motion_absolute(self, time: int, x: int, y: int, x_extent: int, y_extent: int) -> None:
        self._marshal(1, time, x, y, x_extent, y_extent)

    @ZwlrVirtualPointerV1.request(*(Argument(ArgumentType.Uint) for _ in range(3)))
    def button(self, time: int, button: int, state: int) -> None:
        self._marshal(2, time, button, state)

    @ZwlrVirtualPointerV1.request(
        Argument(ArgumentType.Uint), Argument(ArgumentType.Uint), Argument(ArgumentType.Fixed)
    )
    def axis(self, time: int, axis: int, value: float) -> None:
        self._marshal(3, time, axis, value)

    @ZwlrVirtualPointerV1.request()
    def frame(self) -> None:
        self._marshal(4)


class ZwlrVirtualPointerManagerV1Proxy(Proxy[ZwlrVirtualPointerManagerV1]):
    interface = ZwlrVirtualPointerManagerV1

    @ZwlrVirtualPointerManagerV1.request(
        Argument(ArgumentType.Object, interface=WlSeat, nullable=True),
        Argument(ArgumentType.NewId, interface=ZwlrVirtualPointerV1),
    )
    def create_virtual_pointer(self, seat: Any) -> ZwlrVirtualPointerV1Proxy:
        proxy: ZwlrVirtualPointerV1Proxy = self._marshal_constructor(0, ZwlrVirtualPointerV1, seat)
        return proxy


for _interface, _proxy in (
    (ZwlrVirtualPointerV1, ZwlrVirtualPointerV1Proxy),
    (ZwlrVirtualPointerManagerV1, ZwlrVirtualPointerManagerV1Proxy),
):
    _interface._gen_c()
    _interface.proxy_class = _proxy


def move_pointer(display: str, times: int = 1) -> None:
    """Move the compositor's (virtual) pointer ``times`` times: input, as a user's hand gives."""
    with WaylandConnection(display) as conn:
        manager = conn.bind(ZwlrVirtualPointerManagerV1, 1)
        pointer = manager.create_virtual_pointer(None)
        for step in range(times):
            pointer.motion(step, 5.0, 3.0)
            pointer.frame()
        conn.roundtrip()
