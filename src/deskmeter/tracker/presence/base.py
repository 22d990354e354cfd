"""What every presence source offers, and how the tracker picks them."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Protocol

from deskmeter.tracker.events import Event
from deskmeter.tracker.sources import is_wayland

log = logging.getLogger(__name__)

Emit = Callable[[Event], None]


class PresenceSource(Protocol):
    name: str
    #: How often the source's thread woke up (for the benchmark and the logs).
    wakeups: int

    def run(self, emit: Emit, stop: threading.Event) -> None:
        """Emit ``Away``/``Back`` events until ``stop`` is set (then ``wake`` is called)."""
        ...

    def wake(self) -> None:
        """Make ``run`` notice that ``stop`` is set."""
        ...


def presence_names(setting: str, workspace_source: str, *, logind: bool) -> list[str]:
    """The presence sources to run for ``[tracker] presence`` and the workspace source."""
    names: list[str] = []
    if setting == "auto":
        if workspace_source == "gnome" or "GNOME" in os.environ.get("XDG_CURRENT_DESKTOP", ""):
            names.append("mutter")
        elif is_wayland():
            names.append("wayland")  # ext-idle-notify-v1; says once when the compositor lacks it
        elif os.environ.get("DISPLAY"):
            names.append("x11")
    elif setting != "none":
        names.append(setting)
    if logind:
        names.append("logind")
    return names


def make_presence(name: str, threshold_seconds: float) -> PresenceSource:
    if name == "x11":
        from deskmeter.tracker.presence.x11_idle import X11Presence

        return X11Presence(threshold_seconds)
    if name == "mutter":
        from deskmeter.tracker.presence.mutter_idle import MutterPresence

        return MutterPresence(threshold_seconds)
    if name == "wayland":
        from deskmeter.tracker.presence.idle_notify import IdleNotifyPresence

        return IdleNotifyPresence(threshold_seconds)
    if name == "logind":
        from deskmeter.tracker.presence.logind import LogindPresence

        return LogindPresence()
    raise ValueError(f"unknown presence source {name!r} (x11, mutter, wayland, logind)")


def start_presence(
    names: list[str], threshold_seconds: float, emit: Emit, stop: threading.Event
) -> list[PresenceSource]:
    """Start each source in a daemon thread; the idle sources only when a threshold is set."""
    started: list[PresenceSource] = []
    for name in names:
        if name in ("x11", "mutter", "wayland") and threshold_seconds <= 0:
            continue
        source = make_presence(name, threshold_seconds)
        threading.Thread(
            target=source.run, args=(emit, stop), name=f"presence-{name}", daemon=True
        ).start()
        started.append(source)
    return started
