"""The table of presence sources: one row per source, read by everything that lists them.

``[tracker] presence`` is checked against it (``deskmeter.config``), the docs list it, and
``deskmeter.tracker.presence`` starts the sources it names. The rows name their class by dotted
path, so reading the table imports no source module (no X, D-Bus or Wayland library), and this
module imports only ``deskmeter.registry``: the configuration reads it without importing the
tracker.
"""

from __future__ import annotations

from dataclasses import dataclass

from deskmeter.registry import Registry


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
