"""Client bindings for KDE's older idle protocol, ``org_kde_kwin_idle`` (version 1).

Sway before 1.8 (Debian 12's 1.7), wlroots compositors of that time and KWin 5 announce this
global instead of (or beside) ``ext_idle_notifier_v1``. The protocol is small: the manager's one
request ``get_idle_timeout(id, seat, timeout_ms)`` makes a timeout object, which sends ``idle``
after ``timeout_ms`` without user activity on the seat and ``resumed`` at the next activity;
its requests are ``release`` (destructor) and ``simulate_user_activity``.

pywayland's wheel does not ship this protocol (its XML, in KDE's plasma-wayland-protocols, is
LGPL-2.1-or-later). Rather than ship or generate code from that file, the few messages are
declared here by hand, like the wire interface any client must speak: the interface names, the
messages' order (their opcodes) and their argument types.
"""

from __future__ import annotations

from typing import Any

from pywayland.protocol.wayland import WlSeat
from pywayland.protocol_core.argument import Argument
from pywayland.protocol_core.interface import Interface
from pywayland.protocol_core.proxy import Proxy
from pywayland.scanner.argument import ArgumentType


class OrgKdeKwinIdleTimeout(Interface):
    name = "org_kde_kwin_idle_timeout"
    version = 1


class OrgKdeKwinIdle(Interface):
    name = "org_kde_kwin_idle"
    version = 1


# The timeout's events, in the protocol's order (opcodes 0 and 1): the dispatcher's names.
@OrgKdeKwinIdleTimeout.event()
def idle() -> None:
    """No user activity on the seat for the timeout."""


@OrgKdeKwinIdleTimeout.event()
def resumed() -> None:
    """The first user activity after ``idle``."""


class OrgKdeKwinIdleTimeoutProxy(Proxy[OrgKdeKwinIdleTimeout]):
    interface = OrgKdeKwinIdleTimeout

    @OrgKdeKwinIdleTimeout.request()
    def release(self) -> None:
        self._marshal(0)
        self._destroy()

    @OrgKdeKwinIdleTimeout.request()
    def simulate_user_activity(self) -> None:
        """Counts as user activity on the seat (the compositor resets its idle timers)."""
        self._marshal(1)


class OrgKdeKwinIdleProxy(Proxy[OrgKdeKwinIdle]):
    interface = OrgKdeKwinIdle

    @OrgKdeKwinIdle.request(
        Argument(ArgumentType.NewId, interface=OrgKdeKwinIdleTimeout),
        Argument(ArgumentType.Object, interface=WlSeat),
        Argument(ArgumentType.Uint),
    )
    def get_idle_timeout(self, seat: Any, timeout_ms: int) -> OrgKdeKwinIdleTimeoutProxy:
        proxy: OrgKdeKwinIdleTimeoutProxy = self._marshal_constructor(
            0, OrgKdeKwinIdleTimeout, seat, timeout_ms
        )
        return proxy


for _interface, _proxy in (
    (OrgKdeKwinIdleTimeout, OrgKdeKwinIdleTimeoutProxy),
    (OrgKdeKwinIdle, OrgKdeKwinIdleProxy),
):
    _interface._gen_c()
    _interface.proxy_class = _proxy
