"""The panel's decision about an away stretch, over a real (private) session bus.

The tracker's D-Bus service publishes the pending stretch (``PendingAway``); ``ResolveAway``
with a task path gives it to that task (an edit by ``panel``), ``""`` keeps it as away.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from deskmeter.dbus import BUS_NAME, INTERFACE, OBJECT_PATH
from deskmeter.dbus.service import serve_tracker
from deskmeter.edits.pending_record import get_pending
from deskmeter.tracker.clock import FakeClock
from deskmeter.tracker.events import Away, Back, WorkspaceChanged
from tests.gnome.shell import BusCallError, BusClient, PrivateBus
from tests.unit.test_tracker_intervals import T0, make_tracker


@pytest.fixture
def bus() -> Iterator[PrivateBus]:
    if shutil.which("dbus-daemon") is None:
        pytest.skip("dbus-daemon is not installed (apt: dbus)")
    private = PrivateBus.start()
    yield private
    private.stop()


def prop(client: BusClient, name: str) -> object:
    (value,) = client.call(
        BUS_NAME, OBJECT_PATH, "org.freedesktop.DBus.Properties", "Get", "ss", [INTERFACE, name]
    )
    return value.value


def test_pending_away_is_published_and_resolved_from_the_panel(
    bus: PrivateBus, tmp_path: Path
) -> None:
    clock = FakeClock(T0)
    tracker = make_tracker(tmp_path, clock)
    service = serve_tracker(tracker, "x11", bus_address=bus.address)
    client = BusClient(bus.address)
    try:
        tracker.step(WorkspaceChanged(0))
        clock.advance(60)
        tracker.step(Away(clock.now(), "idle"))
        assert prop(client, "Away") is True
        clock.advance(2520)  # 42 min
        tracker.step(Back(clock.now(), "idle"))
        assert prop(client, "Away") is False
        assert list(prop(client, "PendingAway")) == [int(T0.timestamp()) + 60, 2520]  # type: ignore[call-overload]
        with pytest.raises(BusCallError, match="unknown task"):
            client.call(BUS_NAME, OBJECT_PATH, INTERFACE, "ResolveAway", "s", ["nope/x"])
        (edit_id,) = client.call(BUS_NAME, OBJECT_PATH, INTERFACE, "ResolveAway", "s", ["work/b"])
        assert edit_id
        assert list(prop(client, "PendingAway")) == [0, 0]  # type: ignore[call-overload]
        assert get_pending(tracker.store) is None
        switches = tracker.store.switches()
        assert [(s.task, s.delta, s.away) for s in switches] == [
            ("work/a", 60.0, False),
            ("work/b", 2520.0, False),
        ]
        (edit,) = tracker.store.edits()
        assert (edit.id, edit.who, edit.op) == (edit_id, "panel", "task")
        with pytest.raises(BusCallError, match="no away stretch"):
            client.call(BUS_NAME, OBJECT_PATH, INTERFACE, "ResolveAway", "s", [""])
    finally:
        client.close()
        service.stop()
        tracker.store.close()
