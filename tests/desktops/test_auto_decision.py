"""``source = "auto"``: the decision table, one session per row, probes injected."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from deskmeter.tracker.sources import SourceError
from deskmeter.tracker.sources.auto import Probes, decide


def probes(
    *, kwin: bool = False, extension: bool = False, i3: str | None = None, wayland: bool = True
) -> Probes:
    asked: list[str] = []

    def kwin_on_bus(env: Mapping[str, str]) -> bool:
        asked.append("kwin")
        return kwin

    return Probes(
        kwin_on_bus=kwin_on_bus,
        gnome_extension=lambda env: extension,
        i3_socket=lambda env: i3,
        source_present=lambda name: wayland,
    )


WAYLAND = {"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}
X11 = {"XDG_SESSION_TYPE": "x11", "DISPLAY": ":0"}


@pytest.mark.parametrize(
    ("env", "found", "expected"),
    [
        ({**WAYLAND, "HYPRLAND_INSTANCE_SIGNATURE": "abc"}, {}, "hyprland"),
        ({**WAYLAND, "XDG_CURRENT_DESKTOP": "Hyprland"}, {}, "hyprland"),
        ({**WAYLAND, "SWAYSOCK": "/run/user/1000/sway-ipc.sock"}, {}, "sway"),
        ({**X11, "I3SOCK": "/run/user/1000/i3/ipc-socket.1"}, {}, "sway"),
        ({**WAYLAND, "XDG_CURRENT_DESKTOP": "sway"}, {}, "sway"),
        ({**X11, "XDG_CURRENT_DESKTOP": "i3"}, {}, "sway"),
        ({**X11}, {"i3": "/run/user/1000/i3/ipc-socket.9"}, "sway"),  # i3 --get-socketpath
        ({**WAYLAND, "XDG_CURRENT_DESKTOP": "KDE"}, {}, "kwin"),
        ({**X11, "XDG_CURRENT_DESKTOP": "KDE"}, {}, "kwin"),  # Plasma on X11: KWin's names
        ({**WAYLAND}, {"kwin": True}, "kwin"),  # no XDG_CURRENT_DESKTOP: KWin on the bus
        ({**WAYLAND, "XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}, {"extension": True}, "gnome"),
        ({**WAYLAND, "XDG_CURRENT_DESKTOP": "labwc:wlroots"}, {}, "wayland"),
        ({**X11, "XDG_CURRENT_DESKTOP": "XFCE"}, {}, "x11"),
        ({**X11, "XDG_CURRENT_DESKTOP": "GNOME"}, {"extension": True}, "x11"),
        ({"WAYLAND_DISPLAY": "w", "DISPLAY": ":0"}, {}, "x11"),  # XWayland, no session type
    ],
)
def test_auto_picks_the_source_for_each_kind_of_session(
    env: dict[str, str], found: dict[str, object], expected: str
) -> None:
    assert decide(env, probes(**found)) == expected  # type: ignore[arg-type]


def test_auto_on_x11_does_not_ask_the_session_bus() -> None:
    asked: list[str] = []
    ask = Probes(
        kwin_on_bus=lambda env: asked.append("kwin") or True,  # type: ignore[func-returns-value]
        gnome_extension=lambda env: asked.append("gnome") or True,  # type: ignore[func-returns-value]
        i3_socket=lambda env: None,
        source_present=lambda name: True,
    )
    assert decide(X11, ask) == "x11"
    assert asked == []


def test_auto_in_a_gnome_wayland_session_without_the_extension_says_what_to_install() -> None:
    with pytest.raises(SourceError, match=r"GNOME Wayland session.*files/gnome-extension"):
        decide({**WAYLAND, "XDG_CURRENT_DESKTOP": "GNOME"}, probes())


def test_auto_in_an_unknown_wayland_session_says_in_one_line_what_it_is_and_what_works() -> None:
    env = {**WAYLAND, "XDG_CURRENT_DESKTOP": "weston"}
    with pytest.raises(SourceError) as caught:
        decide(env, probes(wayland=False))  # no ext-workspace source installed
    message = str(caught.value)
    assert "\n" not in message
    assert "session type wayland, XDG_CURRENT_DESKTOP weston" in message
    for supported in ("kwin", "sway", "hyprland", "gnome", "wayland", "x11"):
        assert f"({supported}" in message


def test_auto_with_no_graphical_session_says_so() -> None:
    with pytest.raises(SourceError, match=r"no desktop session here \(session type tty"):
        decide({"XDG_SESSION_TYPE": "tty"}, probes())
