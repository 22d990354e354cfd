"""Presence: is the user at the computer? Away (no input), locked and asleep are not work.

Event-driven sources, each in its own thread, put ``Away``/``Back`` events on the tracker's
queue (``deskmeter.tracker.events``); ``away.AwayBook`` turns them into away intervals.

``x11_idle``     MIT-SCREEN-SAVER idle time + XInput2 raw events (python-xlib), X11.
``mutter_idle``  ``org.gnome.Mutter.IdleMonitor`` watches and ``org.gnome.ScreenSaver``
                 ``ActiveChanged`` on the session bus: GNOME on X11 and Wayland.
``idle_notify``  ``ext-idle-notify-v1`` (pywayland): Sway, KWin, labwc, Hyprland on Wayland;
                 KDE's older ``org_kde_kwin_idle`` where it is missing (Sway 1.7).
``logind``       systemd-logind: the session's ``Lock``/``Unlock``, ``PrepareForSleep``.
"""

from __future__ import annotations

import importlib
import os
import threading
from dataclasses import dataclass

from deskmeter.tracker.events import Emit
from deskmeter.tracker.presence.base import PresenceSource
from deskmeter.tracker.sources import is_wayland


@dataclass(frozen=True)
class PresenceKind:
    """One row of the table: where the class lives and whether it watches for idle time."""

    target: str  # "module:Class"
    idle: bool  # needs the away threshold (runs only when one is set)
    description: str


#: Every presence source the ``[tracker] presence`` setting can name (besides auto, none).
PRESENCE_SOURCES: dict[str, PresenceKind] = {
    "x11": PresenceKind(
        "deskmeter.tracker.presence.x11_idle:X11Presence", True, "X11 idle time (screen saver)"
    ),
    "mutter": PresenceKind(
        "deskmeter.tracker.presence.mutter_idle:MutterPresence", True, "GNOME's idle monitor"
    ),
    "wayland": PresenceKind(
        "deskmeter.tracker.presence.idle_notify:IdleNotifyPresence",
        True,
        "ext-idle-notify-v1, else KDE's org_kde_kwin_idle (Sway, KWin, labwc, Hyprland)",
    ),
    "logind": PresenceKind(
        "deskmeter.tracker.presence.logind:LogindPresence", False, "lock and sleep (logind)"
    ),
}


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
    kind = PRESENCE_SOURCES.get(name)
    if kind is None:
        raise ValueError(f"unknown presence source {name!r} ({', '.join(PRESENCE_SOURCES)})")
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
