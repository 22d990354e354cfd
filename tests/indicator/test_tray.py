"""``deskmeter tray``: the StatusNotifierItem against REAL StatusNotifierWatchers on a private
session bus (the standalone ``status-notifier-watcher`` and KDE Plasma's own kded5 module), fed
by the tracker's real D-Bus service; the test plays the tray host (what Plasma's or waybar's
tray does: read the item's properties, fetch the dbusmenu layout, send clicks)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dbus_fast import Variant

from deskmeter.edits.pending_record import get_pending
from deskmeter.tracker.clock import FakeClock
from deskmeter.tracker.events import Away, Back, WorkspaceChanged
from tests.gnome.shell import BusClient, PrivateBus
from tests.indicator.harness import LiveTracker, TrayRunner, wait_until
from tests.indicator.test_status_cli import ELAPSED, env_for
from tests.indicator.watchers import KINDS, Watcher, registered_items, start_watcher

ITEM = "org.kde.StatusNotifierItem"
MENU = "com.canonical.dbusmenu"

pytestmark = [pytest.mark.slow]


class Host:
    """What a tray host does with an item: properties, the menu's layout, clicks."""

    def __init__(self, client: BusClient, service: str) -> None:
        self.client = client
        self.service = service

    def prop(self, name: str, interface: str = ITEM, path: str = "/StatusNotifierItem") -> Any:
        (value,) = self.client.call(
            self.service, path, "org.freedesktop.DBus.Properties", "Get", "ss", [interface, name]
        )
        return value.value

    def layout(self) -> list[tuple[int, dict[str, Any]]]:
        menu = self.prop("Menu")
        _revision, (root_id, root, children) = self.client.call(
            self.service, menu, MENU, "GetLayout", "iias", [0, -1, []]
        )
        assert root_id == 0 and root["children-display"].value == "submenu"
        return [
            (child.value[0], {k: v.value for k, v in child.value[1].items()}) for child in children
        ]

    def labels(self) -> list[str]:
        return [
            "---" if props.get("type") == "separator" else props["label"]
            for _, props in self.layout()
        ]

    def click(self, label: str) -> None:
        (item_id,) = [i for i, props in self.layout() if props.get("label") == label]
        self.client.call(
            self.service, self.prop("Menu"), MENU, "Event", "isvu",
            [item_id, "clicked", Variant("i", 0), 0],
        )  # fmt: skip


@pytest.fixture
def client(session_bus: PrivateBus) -> Iterator[BusClient]:
    bus = BusClient(session_bus.address)
    yield bus
    bus.close()


@pytest.fixture
def trays(clock: FakeClock, session_bus: PrivateBus) -> Iterator[list[TrayRunner]]:
    started: list[TrayRunner] = []
    yield started
    for run in started:
        run.stop()


@pytest.fixture
def watchers() -> Iterator[list[Watcher]]:
    started: list[Watcher] = []
    yield started
    for watcher in started:
        watcher.stop()


def registered(client: BusClient, name: str) -> bool:
    return any(item.startswith(name) for item in registered_items(client))


@pytest.mark.parametrize("kind", KINDS)
def test_the_tray_item_registers_shows_the_task_and_its_menu_drives_the_tracker(
    kind: str, live: LiveTracker, session_bus: PrivateBus, client: BusClient, clock: FakeClock,
    tmp_path: Path, trays: list[TrayRunner], watchers: list[Watcher],
) -> None:  # fmt: skip
    watchers.append(start_watcher(kind, session_bus.address, tmp_path / "watcher", client))
    tracker = live.start()
    tracker.step(WorkspaceChanged(0))
    run = TrayRunner(clock, session_bus.address).start()
    trays.append(run)
    name = run.tray.name
    assert re.fullmatch(rf"org\.kde\.StatusNotifierItem-{os.getpid()}-\d+", name)
    wait_until(lambda: registered(client, name), 10, f"{name} registered with the {kind} watcher")

    host = Host(client, name)
    client.add_match(f"type='signal',sender='{name}'")
    assert host.prop("Id") == "deskmeter"
    assert host.prop("Title") == "Deskmeter: work/a \u00b7 0m"
    assert host.prop("XAyatanaLabel") == "work/a \u00b7 0m"
    assert list(host.prop("ToolTip")[2:]) == [
        "Deskmeter: work/a \u00b7 0m",
        "work/a on Code for 0m",
    ]
    assert host.prop("Status") == "Active"
    assert host.prop("ItemIsMenu") is True
    pixmaps = host.prop("IconPixmap")
    assert [(w, h, len(data)) for w, h, data in pixmaps] == [
        (22, 22, 22 * 22 * 4), (32, 32, 32 * 32 * 4), (48, 48, 48 * 48 * 4),
    ]  # fmt: skip
    assert host.labels() == [
        "work/a on Code for 0m", "---", "Switch task", "work/a", "work/b", "---",
        "Open dashboard",
    ]  # fmt: skip
    radio = {p.get("label"): p.get("toggle-state") for _, p in host.layout()}
    assert (radio["work/a"], radio["work/b"]) == (1, 0)
    assert host.prop("Version", MENU, "/MenuBar") == 3

    host.click("work/b")
    live.pump()  # the tracker runs the SetTask the click sent
    wait_until(lambda: host.prop("Title") == "Deskmeter: work/b \u00b7 0m", 30, "the new task")
    client.wait_for_signals(lambda s: any(m.member == "NewTitle" for m in s), 10)
    assert host.labels()[0] == "work/b on Code for 0m"

    wait_until(lambda: run.tick.live() == [60.0], what="the minute tick")
    run.tick.fire()
    wait_until(lambda: host.prop("XAyatanaLabel") == "work/b \u00b7 1m", 30, "the minute")

    clock.advance(30)
    tracker.step(Away(clock.now(), "idle"))
    clock.advance(2520)
    tracker.step(Back(clock.now(), "idle"))
    wait_until(lambda: host.prop("Status") == "NeedsAttention", 30, "attention")
    assert host.labels()[-7:] == [
        "---", "Away 42 min", "Keep as away", "Assign to work/b", "Assign to work/a", "---",
        "Open dashboard",
    ]  # fmt: skip
    host.click("Assign to work/a")
    wait_until(lambda: get_pending(tracker.store) is None, 30, "the away stretch resolved")
    wait_until(lambda: host.prop("Status") == "Active", 30, "no more attention")
    assert [(s.task, s.delta, s.away) for s in tracker.store.switches()][-1] == (
        "work/a", 2520.0, False,
    )  # fmt: skip

    host.click("Open dashboard")
    wait_until(lambda: run.opened == ["http://127.0.0.1:8765/"], 30, "the dashboard opened")

    live.stop_service()
    wait_until(lambda: host.prop("Title") == "Deskmeter: Deskmeter not running", 30, "gone")
    assert host.labels() == ["The tracker is not running: start `deskmeter track`"]


def test_an_item_started_before_the_tray_registers_when_a_watcher_appears_and_again_after_a_restart(
    live: LiveTracker, session_bus: PrivateBus, client: BusClient, clock: FakeClock,
    tmp_path: Path, trays: list[TrayRunner], watchers: list[Watcher],
) -> None:  # fmt: skip
    run = TrayRunner(clock, session_bus.address).start()
    trays.append(run)
    assert run.tray.registered_with == ""
    first = start_watcher("standalone", session_bus.address, tmp_path / "w1", client)
    watchers.append(first)
    wait_until(lambda: registered(client, run.tray.name), 30, "registered with the new watcher")
    first.stop()
    second = start_watcher("plasma", session_bus.address, tmp_path / "w2", client)
    watchers.append(second)
    wait_until(lambda: registered(client, run.tray.name), 30, "registered again (Plasma)")


def test_the_command_runs_the_item_until_the_session_bus_closes(
    live: LiveTracker, session_bus: PrivateBus, client: BusClient, tmp_path: Path,
    watchers: list[Watcher],
) -> None:  # fmt: skip
    watchers.append(start_watcher("standalone", session_bus.address, tmp_path / "w", client))
    live.start().step(WorkspaceChanged(0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "deskmeter", "tray"], env=env_for(session_bus, tmp_path),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        name = f"org.kde.StatusNotifierItem-{proc.pid}-1"
        wait_until(lambda: registered(client, name), 30, "the command's item registered")
        title = Host(client, name).prop("Title")
        # The child takes "now" from the system clock: only the form of the time is known.
        assert re.fullmatch(rf"Deskmeter: work/a \u00b7 {ELAPSED}", title), title
        watchers[0].stop()
        session_bus.stop()
        assert proc.wait(20) == 0, proc.communicate()[1][-3000:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
