"""Presence: is the user at the computer? Away (no input), locked and asleep are not work.

Event-driven sources, each in its own thread, put ``Away``/``Back`` events on the tracker's
queue (``deskmeter.tracker.events``); ``away.AwayBook`` turns them into away intervals.

``x11_idle``     MIT-SCREEN-SAVER idle time + XInput2 raw events (python-xlib), X11.
``mutter_idle``  ``org.gnome.Mutter.IdleMonitor`` watches and ``org.gnome.ScreenSaver``
                 ``ActiveChanged`` on the session bus: GNOME on X11 and Wayland.
``idle_notify``  ``ext-idle-notify-v1`` (pywayland): Sway, KWin, labwc, Hyprland on Wayland;
                 KDE's older ``org_kde_kwin_idle`` where it is missing (Sway 1.7).
``logind``       systemd-logind: the session's ``Lock``/``Unlock``, ``PrepareForSleep``.

The table ``PRESENCE_SOURCES`` (one row each; ``mutter``, ``wayland``, ``x11`` and ``logind``
name their module above) is what ``[tracker] presence`` is checked against and what the docs
list: a new presence source is one module and one row.
"""

from __future__ import annotations

import importlib
import os
import threading
from dataclasses import dataclass

from deskmeter.registry import Registry
from deskmeter.tracker.events import Emit
from deskmeter.tracker.presence.base import PresenceSource
from deskmeter.tracker.sources import is_wayland


@dataclass(frozen=True)
class PresenceKind:
    """One row of the table: where the class lives and whether it watches for idle time."""

    name: str
    target: str  # "module:Class"
    idle: bool  # needs the away threshold (runs only when one is set)
    description: str


#: Every presence source: ``[tracker] presence`` names one of the idle rows (or auto, none);
#: ``logind`` runs beside it when ``[tracker] logind`` is on.
PRESENCE_SOURCES: Registry[PresenceKind] = Registry(
    "presence source",
    (
        PresenceKind(
            "x11",
            "deskmeter.tracker.presence.x11_idle:X11Presence",
            True,
            "X11 idle time (MIT-SCREEN-SAVER) and XInput2 raw input",
        ),
        PresenceKind(
            "mutter",
            "deskmeter.tracker.presence.mutter_idle:MutterPresence",
            True,
            "GNOME's idle monitor and screen saver on the session bus (X11 and Wayland)",
        ),
        PresenceKind(
            "wayland",
            "deskmeter.tracker.presence.idle_notify:IdleNotifyPresence",
            True,
            "ext-idle-notify-v1, else KDE's org_kde_kwin_idle (Sway, KWin, labwc, Hyprland)",
        ),
        PresenceKind(
            "logind",
            "deskmeter.tracker.presence.logind:LogindPresence",
            False,
            "systemd-logind: the session's lock and unlock, suspend ([tracker] logind)",
        ),
    ),
    extra={
        "auto": "mutter under GNOME, wayland on other Wayland sessions, x11 under X11",
        "none": "no idle detection (logind still runs when [tracker] logind is on)",
    },
)


def presence_choices() -> tuple[str, ...]:
    """What ``[tracker] presence`` may say: auto, none and the idle rows (not ``logind``,
    which has its own switch)."""
    idle = (kind.name for kind in PRESENCE_SOURCES.values() if kind.idle)
    return (*PRESENCE_SOURCES.extra, *idle)


def check_presence_name(name: str) -> str:
    """``name`` if ``[tracker] presence`` may say it, else ``ValueError`` listing the choices."""
    choices = presence_choices()
    if name not in choices:
        raise ValueError(f"unknown presence source {name[:60]!r} (one of: {', '.join(choices)})")
    return name


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
