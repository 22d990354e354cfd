"""Fixtures: real headless compositors (Sway, KWin, i3 under Xvfb), each as the test user.

The start helpers live in tests/desktops/compositors.py so that the Debian 13 / unstable
chroot tests can start the same compositors from another root file system.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.desktops.compositors import KWin, Sway, start_i3, start_kwin, start_sway
from tests.support.xvfb import free_display

NEEDED = {
    "sway": ("sway",),
    "kwin": ("kwin_wayland", "dbus-run-session", "gdbus"),
    "i3": ("i3", "Xvfb"),
}


def _require(kind: str) -> None:
    missing = [tool for tool in NEEDED[kind] if shutil.which(tool) is None]
    if missing:
        raise RuntimeError(f"missing {missing}: install scripts/apt/desktops.txt")


@pytest.fixture
def sway() -> Iterator[Sway]:
    _require("sway")
    session = start_sway()
    yield session
    session.stop()


@pytest.fixture
def kwin() -> Iterator[KWin]:
    _require("kwin")
    session = start_kwin()
    yield session
    session.stop()


@pytest.fixture
def i3() -> Iterator[Sway]:
    _require("i3")
    session = start_i3(free_display())
    yield session
    session.stop()
