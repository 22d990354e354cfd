"""Workspace sources: each runs in its own thread and emits ``WorkspaceChanged`` events.

``x11``    python-xlib, event-driven (PropertyNotify on the root window); the default on X11.
``wmctrl`` polls ``wmctrl -d`` once a second, as the original Deskmeter did; the fallback.
``gnome``  fed over D-Bus by the GNOME Shell extension; the source on Wayland.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
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


def auto_source_name(environ: dict[str, str] | None = None) -> str:
    """The source to use when the configuration says ``auto``."""
    env = os.environ if environ is None else environ
    if env.get("XDG_SESSION_TYPE") == "wayland" or (
        env.get("WAYLAND_DISPLAY") and not env.get("DISPLAY")
    ):
        return "gnome"
    return "x11"


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
        try:
            from deskmeter.tracker.sources.gnome import GnomeSource  # type: ignore[import-not-found]
        except ImportError as exc:
            raise SourceError(
                "the gnome source is not available in this build; use --source x11 or wmctrl"
            ) from exc
        source: WorkspaceSource = GnomeSource()
        return source
    raise SourceError(f"unknown workspace source {name!r} (auto, x11, wmctrl, gnome)")
