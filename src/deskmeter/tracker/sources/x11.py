"""The event-driven X11 source (python-xlib).

It asks the X server for PropertyNotify events on the root window and reacts to changes of
``_NET_CURRENT_DESKTOP`` and ``_NET_DESKTOP_NAMES`` (EWMH). Between changes the thread sleeps in
``select()`` on the X connection: no polling, no wake-ups.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import threading
from typing import Any

from Xlib import X, Xatom, display, error

from deskmeter.registry.workspace_sources import SourceOptions
from deskmeter.tracker.events import WorkspaceChanged, WorkspaceLost, WorkspaceNames
from deskmeter.tracker.sources import Emit

log = logging.getLogger(__name__)

#: Failures that mean "no X server (yet)" or "the X server went away".
X_GONE: tuple[type[BaseException], ...] = (
    error.DisplayError,
    error.ConnectionClosedError,
    ConnectionError,
    OSError,
)


class X11Source:
    name = "x11"

    def __init__(self, display_name: str | None = None, retry_seconds: float = 5.0) -> None:
        self.display_name = display_name
        self.retry_seconds = retry_seconds

    @classmethod
    def from_options(cls, options: SourceOptions) -> X11Source:
        return cls(retry_seconds=options.retry_seconds)

    # -- reading properties -----------------------------------------------------------------

    @staticmethod
    def _current(dpy: display.Display, root: Any, atom: int) -> int | None:
        prop = root.get_full_property(atom, Xatom.CARDINAL)
        if prop is None or not len(prop.value):
            return None
        return int(prop.value[0])

    @staticmethod
    def _names(dpy: display.Display, root: Any, atom: int, utf8: int) -> tuple[str, ...]:
        prop = root.get_full_property(atom, utf8)
        if prop is None:
            return ()
        raw = prop.value if isinstance(prop.value, bytes) else bytes(prop.value)
        return tuple(part.decode("utf-8", "replace") for part in raw.split(b"\0")[:-1] or [raw])

    # -- the loop ---------------------------------------------------------------------------

    def run(self, emit: Emit, stop: threading.Event) -> None:
        waiting_logged = False
        where = self.display_name or os.environ.get("DISPLAY", "(DISPLAY unset)")
        while not stop.is_set():
            try:
                dpy = display.Display(self.display_name)
            except X_GONE as exc:
                if not waiting_logged:
                    log.warning(
                        "waiting for the X server on %s (%s); retrying every %.0f s",
                        where,
                        exc,
                        self.retry_seconds,
                    )
                    waiting_logged = True
                stop.wait(self.retry_seconds)
                continue
            log.info("connected to the X server on %s", where)
            waiting_logged = False
            try:
                self._watch(dpy, emit, stop)
            except X_GONE as exc:
                log.warning("lost the X server on %s (%s)", where, exc)
                emit(WorkspaceLost(f"X server on {where} gone"))
            finally:
                with contextlib.suppress(*X_GONE):
                    dpy.close()

    def _watch(self, dpy: display.Display, emit: Emit, stop: threading.Event) -> None:
        root = dpy.screen().root
        current_atom = dpy.intern_atom("_NET_CURRENT_DESKTOP")
        names_atom = dpy.intern_atom("_NET_DESKTOP_NAMES")
        utf8 = dpy.intern_atom("UTF8_STRING")
        root.change_attributes(event_mask=X.PropertyChangeMask)
        dpy.flush()

        names = self._names(dpy, root, names_atom, utf8)
        emit(WorkspaceNames(names))
        current = self._current(dpy, root, current_atom)
        if current is None:
            log.warning("the window manager does not publish _NET_CURRENT_DESKTOP yet (EWMH)")
        else:
            emit(WorkspaceChanged(current, _name(names, current), source=self.name))

        fd = dpy.fileno()
        while not stop.is_set():
            if dpy.pending_events() == 0:
                select.select([fd], [], [])
                if dpy.pending_events() == 0:
                    # Readable but no event: EOF or an error. Raises if the server is gone.
                    _probe(dpy)
                    continue
            event = dpy.next_event()
            if event.type != X.PropertyNotify:
                continue
            if event.atom == names_atom:
                names = self._names(dpy, root, names_atom, utf8)
                emit(WorkspaceNames(names))
            elif event.atom == current_atom:
                index = self._current(dpy, root, current_atom)
                if index is not None and index != current:
                    current = index
                    emit(WorkspaceChanged(index, _name(names, index), source=self.name))


def _name(names: tuple[str, ...], index: int) -> str:
    return names[index] if 0 <= index < len(names) else ""


def _probe(dpy: display.Display) -> None:
    """Raise ``ConnectionClosedError`` when the X connection is dead."""
    dpy.get_input_focus()
