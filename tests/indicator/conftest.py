"""Fixtures: a real private session bus (dbus-daemon) and the fake clock every part shares."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from deskmeter.tracker.clock import FakeClock
from tests.gnome.shell import PrivateBus
from tests.indicator.harness import LiveTracker
from tests.unit.test_tracker_intervals import T0


@pytest.fixture
def session_bus() -> Iterator[PrivateBus]:
    if shutil.which("dbus-daemon") is None:
        pytest.fail("dbus-daemon is not installed (apt: dbus; scripts/apt/gnome.txt)")
    bus = PrivateBus.start()
    yield bus
    bus.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def live(tmp_path: Path, clock: FakeClock, session_bus: PrivateBus) -> Iterator[LiveTracker]:
    run = LiveTracker(tmp_path, clock, session_bus.address)
    yield run
    run.close()
