"""Away detection on Wayland: ``ext-idle-notify-v1`` (Sway 1.8+, KWin, labwc, Hyprland), else
KDE's older ``org_kde_kwin_idle`` (Sway 1.7, older wlroots compositors).

The source asks the compositor for one idle notification on the first seat, with the away
threshold as its timeout. The compositor sends ``idled`` (``idle`` in KDE's protocol) when the
user has given no input for that long and ``resumed`` at the first input after it:
``Away(since=now - threshold)`` and ``Back(at=now)``. Between them the thread sleeps in
``select()`` on the Wayland socket: no wake-up at all while nothing happens.

Protocol version 2 has ``get_input_idle_notification``, which counts input only (a video
player's idle inhibitor does not hold it off), the same rule as X11's idle time; the source
uses it when the compositor offers version 2, else version 1's ``get_idle_notification``.

The protocol is chosen from the compositor's globals (``idle_protocol``): ``ext-idle-notify-v1``
when offered, else ``org_kde_kwin_idle``. Where the compositor has neither the source says so
once and ends: the tracker keeps counting (as on X11 without the screen-saver extension).
When the compositor dies the source reconnects every ``retry_seconds``; a pending away is
closed first (``Back``), since the idle state died with the compositor.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from pywayland.protocol.ext_idle_notify_v1 import ExtIdleNotifierV1
from pywayland.protocol.wayland import WlSeat

from deskmeter.tracker.events import Away, Back
from deskmeter.tracker.kde_idle_protocol import OrgKdeKwinIdle
from deskmeter.tracker.presence.base import Emit
from deskmeter.tracker.wayland_conn import WaylandConnection, WaylandGoneError

log = logging.getLogger(__name__)

NOTIFIER = ExtIdleNotifierV1.name
KDE_IDLE = OrgKdeKwinIdle.name


def idle_protocol(globals_: Iterable[str]) -> str | None:
    """The idle global to use among the compositor's: ext-idle-notify first, else KDE's."""
    offered = set(globals_)
    if WlSeat.name not in offered:
        return None
    return next((name for name in (NOTIFIER, KDE_IDLE) if name in offered), None)


class IdleNotifyPresence:
    name = "wayland"

    def __init__(
        self,
        threshold_seconds: float,
        display_name: str | None = None,
        retry_seconds: float = 5.0,
    ) -> None:
        self.threshold = threshold_seconds
        self.display_name = display_name
        self.retry_seconds = retry_seconds
        self.wakeups = 0
        self._conn: WaylandConnection | None = None

    def wake(self) -> None:
        conn = self._conn
        if conn is not None:
            conn.wake()

    def run(self, emit: Emit, stop: threading.Event) -> None:
        waiting_logged = False
        while not stop.is_set():
            try:
                conn = WaylandConnection(self.display_name).__enter__()
            except WaylandGoneError as exc:
                if not waiting_logged:
                    log.debug("presence: %s", exc)
                    waiting_logged = True
                stop.wait(self.retry_seconds)
                continue
            waiting_logged = False
            self._conn = conn
            away = threading.Event()
            try:
                protocol = idle_protocol(conn.globals)
                if protocol is None:
                    log.warning(
                        "no away detection on Wayland: the compositor on %s has %s; "
                        "time is counted without idle breaks",
                        conn.where(),
                        "no seat"
                        if WlSeat.name not in conn.globals
                        else f"neither {NOTIFIER} (ext-idle-notify-v1) nor {KDE_IDLE}",
                    )
                    return
                log.info("away detection through %s on %s", protocol, conn.where())
                self._watch(conn, protocol, emit, stop, away)
            except WaylandGoneError as exc:
                log.warning("presence: lost the compositor (%s)", exc)
                if away.is_set():
                    emit(Back(at=datetime.now(UTC), reason="idle", source=self.name))
            finally:
                self.wakeups += conn.wakeups
                self._conn = None
                conn.close()

    def _watch(
        self,
        conn: WaylandConnection,
        protocol: str,
        emit: Emit,
        stop: threading.Event,
        away: threading.Event,
    ) -> None:
        seat = conn.bind(WlSeat, 1)
        timeout_ms = max(1, round(self.threshold * 1000))
        notification: Any
        if protocol == KDE_IDLE:
            notification = conn.bind(OrgKdeKwinIdle, 1).get_idle_timeout(seat, timeout_ms)
        else:
            notifier = conn.bind(ExtIdleNotifierV1, 2)
            if conn.globals[NOTIFIER].version >= 2:
                notification = notifier.get_input_idle_notification(timeout_ms, seat)
            else:
                notification = notifier.get_idle_notification(timeout_ms, seat)

        def on_idled(_n: Any) -> None:
            now = datetime.now(UTC)
            away.set()
            log.debug("presence: idle for %.1f s (%s)", self.threshold, protocol)
            emit(
                Away(since=now - timedelta(seconds=self.threshold), reason="idle", source=self.name)
            )

        def on_resumed(_n: Any) -> None:
            if away.is_set():
                away.clear()
                emit(Back(at=datetime.now(UTC), reason="idle", source=self.name))

        conn.keep(notification)
        notification.dispatcher["idle" if protocol == KDE_IDLE else "idled"] = on_idled
        notification.dispatcher["resumed"] = on_resumed
        conn.roundtrip()
        conn.wait(stop)
