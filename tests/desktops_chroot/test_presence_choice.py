"""Which presence sources ``presence = "auto"`` runs, by session (no compositor needed)."""

from __future__ import annotations

import pytest

from deskmeter.tracker.presence.base import make_presence, presence_names
from deskmeter.tracker.presence.idle_notify import IdleNotifyPresence

SESSION_VARIABLES = ("XDG_SESSION_TYPE", "XDG_CURRENT_DESKTOP", "WAYLAND_DISPLAY", "DISPLAY")


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in SESSION_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_auto_asks_the_compositor_for_idle_in_a_non_gnome_wayland_session(
    session: pytest.MonkeyPatch,
) -> None:
    session.setenv("XDG_SESSION_TYPE", "wayland")
    session.setenv("WAYLAND_DISPLAY", "wayland-1")
    session.setenv("XDG_CURRENT_DESKTOP", "sway")
    assert presence_names("auto", "sway", logind=True) == ["wayland", "logind"]
    # XWayland's DISPLAY beside it changes nothing: X11 idle would see only X clients' input
    session.setenv("DISPLAY", ":0")
    assert presence_names("auto", "sway", logind=False) == ["wayland"]


def test_auto_keeps_mutter_on_gnome_and_x11_idle_on_x11(session: pytest.MonkeyPatch) -> None:
    session.setenv("XDG_SESSION_TYPE", "wayland")
    session.setenv("XDG_CURRENT_DESKTOP", "GNOME")
    assert presence_names("auto", "gnome", logind=False) == ["mutter"]
    session.setenv("XDG_SESSION_TYPE", "x11")
    session.setenv("XDG_CURRENT_DESKTOP", "XFCE")
    session.setenv("DISPLAY", ":0")
    assert presence_names("auto", "x11", logind=False) == ["x11"]


def test_wayland_can_be_chosen_by_name_and_takes_the_threshold() -> None:
    assert presence_names("wayland", "x11", logind=False) == ["wayland"]
    source = make_presence("wayland", 42.0)
    assert isinstance(source, IdleNotifyPresence)
    assert source.threshold == 42.0
