"""Fixtures for the GNOME tests: the packed extension, a private session bus."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.gnome.shell import PrivateBus, pack_extension


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both builds of the extension, packed by pack.sh (zips and unpacked trees)."""
    return pack_extension(tmp_path_factory.mktemp("gnome-extension-build"))


@pytest.fixture
def session_bus() -> Iterator[PrivateBus]:
    """A private D-Bus session bus (a real dbus-daemon), gone after the test."""
    if shutil.which("dbus-daemon") is None:
        pytest.skip("dbus-daemon is not installed (apt: dbus; see scripts/apt/gnome.txt)")
    bus = PrivateBus.start()
    yield bus
    bus.stop()
