"""The tracker's D-Bus service, on a private session bus, with the real ``deskmeter track``."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from dbus_fast import Message

from deskmeter.dbus import BUS_NAME, INTERFACE, INTROSPECTION_XML, OBJECT_PATH
from deskmeter.dbus.service import BusService, BusServiceError
from deskmeter.dbus.snapshot import Snapshot
from deskmeter.store.sqlite import SQLiteStore
from tests.gnome.shell import BusCallError, BusClient, PrivateBus, Tracker, wait_for

pytestmark = [pytest.mark.slow]


@pytest.fixture
def tracker(tmp_path: Path, session_bus: PrivateBus) -> Iterator[Tracker]:
    run = Tracker(tmp_path, session_bus.address)
    run.task_file.parent.mkdir(parents=True)
    run.task_file.write_text("* work/alpha\nwork/beta\n")
    yield run
    if run.proc is not None:
        run.stop()


@pytest.fixture
def client(session_bus: PrivateBus) -> Iterator[BusClient]:
    bus = BusClient(session_bus.address)
    yield bus
    bus.close()


def tracker_call(
    client: BusClient, member: str, signature: str = "", *body: object
) -> list[object]:
    return client.call(BUS_NAME, OBJECT_PATH, INTERFACE, member, signature, body)


def prop(client: BusClient, name: str) -> object:
    (value,) = client.call(
        BUS_NAME, OBJECT_PATH, "org.freedesktop.DBus.Properties", "Get", "ss", [INTERFACE, name]
    )
    return value.value


def started(tracker: Tracker, client: BusClient) -> None:
    tracker.start()
    wait_for(lambda: client.name_has_owner(BUS_NAME), timeout=20)


def members(xml: str) -> set[tuple[str, str, str]]:
    root = ET.fromstring(xml)
    iface = next(i for i in root.iter("interface") if i.get("name") == INTERFACE)
    found = set()
    for element in iface:
        if element.tag == "property":
            found.add(("property", element.get("name", ""), element.get("type", "")))
        else:
            sig = "".join(
                f"{arg.get('direction', 'out' if element.tag == 'signal' else 'in')}:"
                f"{arg.get('type')} "
                for arg in element.iter("arg")
            )
            found.add((element.tag, element.get("name", ""), sig))
    return found


def test_the_service_implements_exactly_the_documented_interface(
    tracker: Tracker, client: BusClient
) -> None:
    started(tracker, client)
    (live,) = client.call(
        BUS_NAME, OBJECT_PATH, "org.freedesktop.DBus.Introspectable", "Introspect"
    )
    assert members(live) == members(INTROSPECTION_XML)
    assert len(members(INTROSPECTION_XML)) == 16


def test_workspace_reports_become_switch_records_and_leaving_the_bus_stops_counting(
    tracker: Tracker, client: BusClient, session_bus: PrivateBus
) -> None:
    started(tracker, client)
    assert prop(client, "Tracking") is False
    assert prop(client, "WorkspaceSource") == "gnome"
    reporter = BusClient(session_bus.address)  # plays the extension
    assert tracker_call(reporter, "ReportWorkspace", "is", 0, "Code") == [True]
    wait_for(lambda: prop(client, "CurrentWorkspace") == "Code", timeout=5)
    assert prop(client, "Tracking") is True
    assert prop(client, "CurrentTask") == "work/alpha"
    since = prop(client, "Since")
    assert isinstance(since, int) and since > 1_700_000_000
    tracker_call(reporter, "ReportWorkspace", "is", 2, "Web")
    wait_for(lambda: prop(client, "CurrentWorkspaceIndex") == 2, timeout=5)
    reporter.close()  # the extension's process (GNOME Shell) leaves the bus
    wait_for(lambda: prop(client, "Tracking") is False, timeout=5)
    assert tracker.stop() == 0
    store = SQLiteStore(tracker.store_path)
    switches = store.switches()
    store.close()
    assert [(s.workspace_index, s.workspace, s.task) for s in switches] == [
        (0, "Code", "work/alpha"),
        (2, "Web", "work/alpha"),
    ]
    assert "left the session bus" in tracker.log()


def test_set_task_moves_the_mark_and_announces_the_change(
    tracker: Tracker, client: BusClient
) -> None:
    started(tracker, client)
    client.add_match(f"type='signal',sender='{BUS_NAME}',path='{OBJECT_PATH}'")
    tracker_call(client, "ReportWorkspace", "is", 1, "Mail")
    wait_for(lambda: prop(client, "Tracking") is True, timeout=5)
    client.signals.clear()
    tracker_call(client, "SetTask", "s", "work/gamma")
    wait_for(lambda: prop(client, "CurrentTask") == "work/gamma", timeout=5)
    assert "* work/gamma" in tracker.task_file.read_text()
    assert "* work/alpha" not in tracker.task_file.read_text()
    assert prop(client, "RecentTasks")[:2] == ["work/gamma", "work/alpha"]  # type: ignore[index]

    def announced(signals: list[Message]) -> bool:
        names = [m.member for m in signals]
        return "PropertiesChanged" in names and "StateChanged" in names

    client.wait_for_signals(announced, timeout=10)
    changed = next(m for m in client.signals if m.member == "PropertiesChanged")
    assert changed.body[0] == INTERFACE
    assert changed.body[1]["CurrentTask"].value == "work/gamma"
    state = next(m for m in client.signals if m.member == "StateChanged")
    assert state.body[:3] == ["work/gamma", "Mail", 1]


def test_an_invalid_task_path_is_refused_with_invalid_args(
    tracker: Tracker, client: BusClient
) -> None:
    started(tracker, client)
    with pytest.raises(BusCallError) as error:
        tracker_call(client, "SetTask", "s", "../etc/passwd")
    assert error.value.name == "org.freedesktop.DBus.Error.InvalidArgs"
    with pytest.raises(BusCallError):
        tracker_call(client, "ReportWorkspace", "is", -1, "")
    assert "* work/alpha" in tracker.task_file.read_text()


def test_a_second_gnome_tracker_on_the_same_bus_refuses_to_start(
    tracker: Tracker, client: BusClient, tmp_path: Path, session_bus: PrivateBus
) -> None:
    started(tracker, client)
    second = Tracker(tmp_path / "second", session_bus.address)
    second.start()
    assert second.proc is not None
    assert second.proc.wait(30) == 2
    second.proc = None
    assert "already owned" in second.log()
    assert client.name_has_owner(BUS_NAME)


def test_the_service_reports_a_missing_session_bus(tmp_path: Path) -> None:
    service = BusService(
        Snapshot(), set_task=lambda _: None, bus_address=f"unix:path={tmp_path}/no-bus"
    )
    with pytest.raises(BusServiceError, match="cannot connect to the session bus"):
        service.start(timeout=5)
