"""The table of workspace sources: one row per source, read by everything that lists them.

The configuration's validation (``[tracker] source``), ``deskmeter track --help``,
``make_source``, the role's ``deskmeter_tracker_source`` choices (a test keeps them equal) and
``docs/desktops.md`` all read ``WORKSPACE_SOURCES`` when they run. Adding a source is one module
under ``deskmeter.tracker.sources`` plus one row here. The rows name their class by dotted path,
so reading the table imports no source module (and no X, D-Bus or Wayland library).

This module imports only ``deskmeter.registry``: the configuration reads it without importing
the tracker.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from deskmeter.registry import Registry


@dataclass(frozen=True, slots=True)
class SourceOptions:
    """What a source may take from the configuration."""

    poll_seconds: float = 1.0
    retry_seconds: float = 5.0


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """One workspace source.

    ``target`` is ``module:Class``; the class is called with ``SourceOptions`` keywords it
    accepts (``from_options``). ``auto`` says when ``source = "auto"`` picks it.
    """

    name: str
    target: str
    description: str
    auto: str

    def load(self) -> Any:
        module, _, attr = self.target.partition(":")
        return getattr(importlib.import_module(module), attr)


#: Every workspace source ``[tracker] source`` and ``deskmeter track --source`` can name.
WORKSPACE_SOURCES: Registry[SourceSpec] = Registry(
    "workspace source",
    (
        SourceSpec(
            "x11",
            "deskmeter.tracker.sources.x11:X11Source",
            "any EWMH window manager under X11, event-driven (python-xlib)",
            "an X11 session (DISPLAY set, no Wayland) that no row above claims",
        ),
        SourceSpec(
            "wmctrl",
            "deskmeter.tracker.sources.wmctrl:WmctrlSource",
            "polls `wmctrl -d` every poll_seconds, as the original Deskmeter did (fallback)",
            "never (choose it by name)",
        ),
        SourceSpec(
            "gnome",
            "deskmeter.tracker.sources.gnome:GnomeSource",
            "GNOME Shell (X11 or Wayland) through the Deskmeter extension, over D-Bus",
            "a Wayland GNOME session with the extension installed",
        ),
        SourceSpec(
            "kwin",
            "deskmeter.tracker.sources.kwin:KWinSource",
            "KDE Plasma 5.27/6.x: KWin's /VirtualDesktopManager on the session bus",
            "XDG_CURRENT_DESKTOP has KDE, or org.kde.KWin answers on the session bus",
        ),
        SourceSpec(
            "sway",
            "deskmeter.tracker.sources.sway:SwaySource",
            "Sway (Wayland) and i3 (X11) through their IPC socket, workspace events",
            "SWAYSOCK or I3SOCK is set, or XDG_CURRENT_DESKTOP says sway or i3",
        ),
        SourceSpec(
            "hyprland",
            "deskmeter.tracker.sources.hyprland:HyprlandSource",
            "Hyprland's event socket (.socket2.sock) and request socket",
            "HYPRLAND_INSTANCE_SIGNATURE is set",
        ),
        SourceSpec(
            # Written by the ext-workspace-v1 work (module deskmeter.tracker.sources.wayland).
            "wayland",
            "deskmeter.tracker.sources.wayland:WaylandSource",
            "any compositor with the ext-workspace-v1 protocol (labwc, niri, COSMIC, ...)",
            "a Wayland session that no row above claims",
        ),
    ),
    extra={"auto": "picks a row from the session (each row's auto says when)"},
)


def help_text() -> str:
    """One line for ``deskmeter track --source``'s help (read from the table when asked)."""
    return (
        "Workspace source: auto (from the session), "
        + ", ".join(WORKSPACE_SOURCES.names())
        + " [default: [tracker] source]."
    )


def check_source_name(name: str) -> str:
    """``name`` if it is a known source, else ``ValueError`` listing the choices."""
    return WORKSPACE_SOURCES.check(name)
