"""Workspace sources: each runs in its own thread and emits ``WorkspaceChanged`` events.

``x11``    python-xlib, event-driven (PropertyNotify on the root window); the default on X11.
``wmctrl`` polls ``wmctrl -d`` once a second, as the original Deskmeter did; the fallback.
``wayland`` ``ext-workspace-v1`` (pywayland), event-driven: labwc, niri, COSMIC and any
           compositor with that protocol; chosen by ``auto`` when the compositor offers it.
``gnome``  fed over D-Bus by the GNOME Shell extension (``deskmeter.dbus``); the source on
           Wayland, chosen by ``auto`` there when the extension is installed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from typing import Protocol

from deskmeter.tracker.events import Event

Emit = Callable[[Event], None]


class WorkspaceSource(Protocol):
    name: str

    def run(self, emit: Emit, stop: threading.Event) -> None:
        """Emit events until ``stop`` is set. Blocks; runs in its own thread."""
        ...


class SourceError(RuntimeError):
    """The source cannot work here; the message says why and what to use instead."""


def is_wayland(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get("XDG_SESSION_TYPE") == "wayland" or bool(
        env.get("WAYLAND_DISPLAY") and not env.get("DISPLAY")
    )


def auto_source_name(environ: Mapping[str, str] | None = None) -> str:
    """The source to use when the configuration says ``auto``.

    ``gnome`` when the session is Wayland and the Deskmeter GNOME Shell extension is installed,
    ``x11`` otherwise. On Wayland without the extension no source can see the workspaces
    (X11 clients only see XWayland): that is a ``SourceError`` saying what to install.
    """
    if not is_wayland(environ):
        return "x11"
    from deskmeter.tracker.sources.gnome import EXTENSION_UUID, extension_installed

    if extension_installed(environ):
        return "gnome"
    from deskmeter.tracker.sources.wayland import MANAGER
    from deskmeter.tracker.wayland_conn import has_global

    if environ is None and has_global(MANAGER):
        return "wayland"  # a compositor with ext-workspace-v1 (labwc, niri, COSMIC)
    raise SourceError(
        "this is a Wayland session, where only the Deskmeter GNOME Shell extension can see the "
        f"workspaces, and it is not installed ({EXTENSION_UUID}; see "
        "files/gnome-extension/README.md); install it, or log in to an X11 session"
    )


def make_source(
    name: str, *, poll_seconds: float = 1.0, retry_seconds: float = 5.0
) -> WorkspaceSource:
    if name == "auto":
        name = auto_source_name()
    if name == "x11":
        from deskmeter.tracker.sources.x11 import X11Source

        return X11Source(retry_seconds=retry_seconds)
    if name == "wmctrl":
        from deskmeter.tracker.sources.wmctrl import WmctrlSource

        return WmctrlSource(poll_seconds=poll_seconds, retry_seconds=retry_seconds)
    if name == "gnome":
        from deskmeter.tracker.sources.gnome import GnomeSource

        return GnomeSource()
    if name == "wayland":
        from deskmeter.tracker.sources.wayland import WaylandSource

        return WaylandSource(retry_seconds=retry_seconds)
    raise SourceError(f"unknown workspace source {name!r} (auto, x11, wmctrl, gnome, wayland)")
