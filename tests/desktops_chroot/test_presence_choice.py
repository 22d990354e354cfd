"""Which presence sources ``presence = "auto"`` runs, by session, and which idle protocol the
``wayland`` source takes from the compositor's globals (no real compositor needed)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pywayland.protocol.wayland import WlSeat
from pywayland.server import Display as ServerDisplay

from deskmeter.tracker.presence import make_presence, presence_names
from deskmeter.tracker.presence.idle_notify import IdleNotifyPresence, idle_protocol

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


def test_idle_protocol_prefers_ext_idle_notify_then_kde_idle_and_needs_a_seat() -> None:
    both = {"wl_seat", "ext_idle_notifier_v1", "org_kde_kwin_idle"}  # KWin 5.27
    assert idle_protocol(both) == "ext_idle_notifier_v1"
    assert idle_protocol({"wl_seat", "org_kde_kwin_idle"}) == "org_kde_kwin_idle"  # Sway 1.7
    assert idle_protocol({"wl_seat", "wl_compositor"}) is None
    assert idle_protocol({"ext_idle_notifier_v1", "org_kde_kwin_idle"}) is None  # no seat


@pytest.fixture
def stand_in_compositor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A stand-in compositor: a real Wayland server (pywayland's libwayland-server) offering
    only ``wl_seat``, neither idle protocol. Yields its socket's path."""
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    display = ServerDisplay()
    socket = display.add_socket()
    seat = WlSeat.global_class(display, version=1)
    loop = display.get_event_loop()
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            loop.dispatch(50)
            display.flush_clients()

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    yield str(tmp_path / socket)
    stop.set()
    server.join(5)
    seat.destroy()
    display.destroy()


def test_without_either_idle_protocol_a_stand_in_compositor_gets_one_line_and_no_away(
    stand_in_compositor: str, caplog: pytest.LogCaptureFixture
) -> None:
    events: list[object] = []
    source = IdleNotifyPresence(1.0, display_name=stand_in_compositor)
    done = threading.Thread(target=source.run, args=(events.append, threading.Event()))
    with caplog.at_level(logging.INFO, logger="deskmeter.tracker.presence.idle_notify"):
        done.start()
        done.join(10)
    assert not done.is_alive()  # the source ends: the tracker counts on without it
    said = [r.getMessage() for r in caplog.records if "away detection" in r.getMessage()]
    assert len(said) == 1, said
    assert said[0].startswith("no away detection on Wayland")
    assert "neither ext_idle_notifier_v1 (ext-idle-notify-v1) nor org_kde_kwin_idle" in said[0]
    assert events == []
