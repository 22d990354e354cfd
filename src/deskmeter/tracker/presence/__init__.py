"""Presence: is the user at the computer? Away (no input), locked and asleep are not work.

Event-driven sources, each in its own thread, put ``Away``/``Back`` events on the tracker's
queue (``deskmeter.tracker.events``); ``away.AwayBook`` turns them into away intervals.

``x11_idle``     MIT-SCREEN-SAVER idle time + XInput2 raw events (python-xlib), X11.
``mutter_idle``  ``org.gnome.Mutter.IdleMonitor`` watches and ``org.gnome.ScreenSaver``
                 ``ActiveChanged`` on the session bus: GNOME on X11 and Wayland.
``idle_notify``  ``ext-idle-notify-v1`` (pywayland): Sway, KWin, labwc, Hyprland on Wayland;
                 KDE's older ``org_kde_kwin_idle`` where it is missing (Sway 1.7).
``logind``       systemd-logind: the session's ``Lock``/``Unlock``, ``PrepareForSleep``.

The table ``deskmeter.registry.presence_sources.PRESENCE_SOURCES`` (one row each; ``mutter``,
``wayland``, ``x11`` and ``logind`` name their module above) is what ``[tracker] presence`` is
checked against and what the docs list: a new presence source is one module and one row.
"""

from __future__ import annotations

import importlib
import os
import threading

from deskmeter.registry.presence_sources import PRESENCE_SOURCES
from deskmeter.tracker.events import Emit
from deskmeter.tracker.presence.base import PresenceSource
from deskmeter.tracker.sources import is_wayland


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
    kind = PRESENCE_SOURCES.row(name)
    module, _, attribute = kind.target.partition(":")
    cls = getattr(importlib.import_module(module), attribute)
    source: PresenceSource = cls(threshold_seconds) if kind.idle else cls()
    return source


def start_presence(
    names: list[str], threshold_seconds: float, emit: Emit, stop: threading.Event
) -> list[PresenceSource]:
    """Start each source in a daemon thread; the idle sources only when a threshold is set."""
    started: list[PresenceSource] = []
    for name in names:
        if PRESENCE_SOURCES[name].idle and threshold_seconds <= 0:
            continue
        source = make_presence(name, threshold_seconds)
        threading.Thread(
            target=source.run, args=(emit, stop), name=f"presence-{name}", daemon=True
        ).start()
        started.append(source)
    return started
