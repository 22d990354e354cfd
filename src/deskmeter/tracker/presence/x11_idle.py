"""Away detection on X11 with python-xlib, without polling.

While the user is active the thread asks the MIT-SCREEN-SAVER extension for the idle time
(milliseconds since the last input) once per threshold period, and sleeps in between: at
most one wake-up per period. Once idle time reaches the threshold it emits
``Away(since=last input)``, selects XInput2 raw key, button and motion events on the root
window and sleeps in ``select()`` until the first one arrives: no wake-up while away. That
event emits ``Back`` and the raw events are deselected again (no wake-up per mouse move).
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from Xlib import display, error
from Xlib.ext import ge, xinput

from deskmeter.tracker.events import Away, Back
from deskmeter.tracker.presence.base import Emit

log = logging.getLogger(__name__)

X_GONE: tuple[type[BaseException], ...] = (
    error.DisplayError,
    error.ConnectionClosedError,
    ConnectionError,
    OSError,
)

RAW_INPUT = xinput.RawKeyPressMask | xinput.RawButtonPressMask | xinput.RawMotionMask


class PresenceUnavailableError(RuntimeError):
    """The X server lacks an extension this source needs."""


class X11Presence:
    name = "x11"

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
        self._wake_r, self._wake_w = os.pipe()

    def wake(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"x")

    def run(self, emit: Emit, stop: threading.Event) -> None:
        where = self.display_name or os.environ.get("DISPLAY", "(DISPLAY unset)")
        while not stop.is_set():
            try:
                dpy = display.Display(self.display_name)
            except X_GONE as exc:
                log.debug("presence: no X server on %s (%s)", where, exc)
                stop.wait(self.retry_seconds)
                continue
            try:
                self._check_extensions(dpy)
                self._watch(dpy, emit, stop)
            except PresenceUnavailableError as exc:
                log.warning("no away detection on X11: %s", exc)
                return
            except X_GONE as exc:
                log.warning("presence: lost the X server on %s (%s)", where, exc)
            finally:
                with contextlib.suppress(*X_GONE):
                    dpy.close()

    @staticmethod
    def _check_extensions(dpy: display.Display) -> None:
        for ext in ("MIT-SCREEN-SAVER", "XInputExtension"):
            if not dpy.has_extension(ext):
                raise PresenceUnavailableError(f"the X server has no {ext} extension")
        version = dpy.xinput_query_version()
        if version.major_version < 2:
            raise PresenceUnavailableError("the X server's XInput is older than 2.0")

    @staticmethod
    def _idle_seconds(root: Any) -> float:
        return float(root.screensaver_query_info().idle) / 1000.0

    def _sleep(self, dpy: display.Display, timeout: float | None) -> bool:
        """Block until X events, a wake-up or ``timeout``; return True when X events came."""
        fd = dpy.fileno()
        readable, _, _ = select.select([fd, self._wake_r], [], [], timeout)
        self.wakeups += 1
        if self._wake_r in readable:
            with contextlib.suppress(OSError):
                os.read(self._wake_r, 64)
        if fd in readable:
            if dpy.pending_events() == 0:
                dpy.get_input_focus()  # raises when the connection is gone
            return True
        return False

    def _watch(self, dpy: display.Display, emit: Emit, stop: threading.Event) -> None:
        root = dpy.screen().root
        ext_opcode = dpy.display.get_extension_major(xinput.extname)
        while not stop.is_set():
            idle = self._idle_seconds(root)
            if idle < self.threshold:
                # A whole threshold period, not just until the earliest possible away moment:
                # at most one wake-up per period while active. The away stretch still starts
                # at the last input (``since`` below); only recording it waits up to a period.
                self._sleep(dpy, self.threshold)
                while dpy.pending_events():
                    dpy.next_event()
                continue
            now = datetime.now(UTC)
            emit(Away(since=now - timedelta(seconds=idle), reason="idle", source=self.name))
            root.xinput_select_events([(xinput.AllMasterDevices, RAW_INPUT)])
            dpy.sync()
            back_at = None
            log.debug("presence: idle %.3f s, waiting for raw input", idle)
            if self._idle_seconds(root) < idle:  # input between the query and the select
                back_at = datetime.now(UTC)
            while back_at is None and not stop.is_set():
                if not self._sleep(dpy, None):
                    continue
                while dpy.pending_events():
                    event = dpy.next_event()
                    log.debug("presence: X event %s while away", event)
                    if event.type == ge.GenericEventCode and event.extension == ext_opcode:
                        back_at = back_at or datetime.now(UTC)
            root.xinput_select_events([(xinput.AllMasterDevices, 0)])
            dpy.sync()
            while dpy.pending_events():
                dpy.next_event()
            if back_at is not None:
                emit(Back(at=back_at, reason="idle", source=self.name))
