"""``source = "auto"``: which workspace source fits this session.

The decision reads the session's environment first (it costs nothing and says what the user's
login manager started) and asks the system only when the environment is silent:

=====  ===================================================================  ==========
order  the session                                                          source
=====  ===================================================================  ==========
1      ``HYPRLAND_INSTANCE_SIGNATURE`` set                                  hyprland
2      ``SWAYSOCK`` or ``I3SOCK`` set                                       sway
3      ``XDG_CURRENT_DESKTOP`` names KDE                                    kwin
4      ``XDG_CURRENT_DESKTOP`` names Hyprland / sway / i3                   hyprland / sway
5      X11 (``DISPLAY``, not a Wayland session): ``i3 --get-socketpath``    sway
       answers, else                                                        x11
6      Wayland: ``org.kde.KWin`` on the session bus                         kwin
7      Wayland: the Deskmeter GNOME Shell extension is installed            gnome
8      Wayland, ``WAYLAND_DISPLAY`` set, the ``wayland`` source present     wayland
9      anything else: one line saying what this session is, what works      (error)
=====  ===================================================================  ==========

A GNOME Wayland session without the extension stops at 9 with the extension's install hint.
The probes (the bus, the extension's files, ``i3``) are injected so that the table is tested
as a table (tests/desktops/test_auto_decision.py).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from deskmeter.tracker.sources import SourceError, is_wayland

SUPPORTED = (
    "supported: KDE Plasma (kwin), Sway and i3 (sway), Hyprland (hyprland), GNOME with the "
    "Deskmeter extension (gnome; files/gnome-extension/README.md), ext-workspace-v1 compositors "
    "such as labwc (wayland), any X11 window manager (x11)"
)


def _gnome_extension(env: Mapping[str, str]) -> bool:
    from deskmeter.tracker.sources.gnome import extension_installed

    return extension_installed(env)


def _kwin_on_bus(env: Mapping[str, str]) -> bool:
    from deskmeter.tracker.sources.kwin import kwin_on_session_bus

    address = env.get("DBUS_SESSION_BUS_ADDRESS")
    return bool(address) and kwin_on_session_bus(address)


def i3_socket_path(env: Mapping[str, str]) -> str | None:
    """What ``i3 --get-socketpath`` says (i3 keeps it on the X root window), or None."""
    i3 = shutil.which("i3", path=env.get("PATH"))
    if i3 is None or not env.get("DISPLAY"):
        return None
    try:
        result = subprocess.run(
            [i3, "--get-socketpath"],
            capture_output=True,
            text=True,
            timeout=3,
            check=False,
            env=dict(env),
        )
    except (OSError, subprocess.SubprocessError):
        return None
    path = result.stdout.strip()
    return path if result.returncode == 0 and path else None


def _module_present(name: str) -> bool:
    return importlib.util.find_spec(f"deskmeter.tracker.sources.{name}") is not None


@dataclass(frozen=True)
class Probes:
    """How ``decide`` asks the system; tests replace them."""

    kwin_on_bus: Callable[[Mapping[str, str]], bool] = _kwin_on_bus
    gnome_extension: Callable[[Mapping[str, str]], bool] = _gnome_extension
    i3_socket: Callable[[Mapping[str, str]], str | None] = i3_socket_path
    source_present: Callable[[str], bool] = field(default=_module_present)


def desktops(env: Mapping[str, str]) -> list[str]:
    """``XDG_CURRENT_DESKTOP``'s entries, lower case (``KDE``, ``ubuntu:GNOME``, ``sway``)."""
    return [part.strip().lower() for part in env.get("XDG_CURRENT_DESKTOP", "").split(":") if part]


def describe(env: Mapping[str, str]) -> str:
    """This session in a few words, for the one-line error."""
    kind = env.get("XDG_SESSION_TYPE") or (
        "wayland" if env.get("WAYLAND_DISPLAY") else "x11" if env.get("DISPLAY") else "none"
    )
    desktop = env.get("XDG_CURRENT_DESKTOP") or "unset"
    return f"session type {kind}, XDG_CURRENT_DESKTOP {desktop}"


def decide(environ: Mapping[str, str] | None = None, probes: Probes | None = None) -> str:
    """The source name for ``auto`` in this session, or ``SourceError`` (one line)."""
    env = os.environ if environ is None else environ
    ask = probes or Probes()
    names = desktops(env)
    if env.get("HYPRLAND_INSTANCE_SIGNATURE"):
        return "hyprland"
    if env.get("SWAYSOCK") or env.get("I3SOCK"):
        return "sway"
    if "kde" in names:
        return "kwin"
    if "hyprland" in names:
        return "hyprland"
    if "sway" in names or "i3" in names:
        return "sway"
    if not is_wayland(env):
        if env.get("DISPLAY"):
            return "sway" if ask.i3_socket(env) else "x11"
        raise SourceError(
            f"no desktop session here ({describe(env)}; neither DISPLAY nor WAYLAND_DISPLAY "
            f"is set): start `deskmeter track` inside your desktop session; {SUPPORTED}"
        )
    if ask.kwin_on_bus(env):
        return "kwin"
    if ask.gnome_extension(env):
        return "gnome"
    if "gnome" in names or "ubuntu" in names:
        from deskmeter.tracker.sources.gnome import EXTENSION_UUID

        raise SourceError(
            "this is a GNOME Wayland session, where only the Deskmeter GNOME Shell extension can "
            f"see the workspaces, and it is not installed ({EXTENSION_UUID}; see "
            "files/gnome-extension/README.md); install it, or log in to an X11 session"
        )
    if env.get("WAYLAND_DISPLAY") and ask.source_present("wayland"):
        return "wayland"
    raise SourceError(
        f"no workspace source fits this Wayland session ({describe(env)}); {SUPPORTED}"
    )
