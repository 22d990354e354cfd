"""The extension in a real headless GNOME Shell 43 with the real tracker on the same bus.

One shell for the module (about 3 s to start); each test starts its own tracker. The legacy
build (42-44) is installed, as packed by pack.sh, next to the test-only helper that turns on
unsafe mode (so that Eval and the Screenshot service answer).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from deskmeter.dbus import BUS_NAME
from deskmeter.dbus.service import BusService
from deskmeter.dbus.snapshot import Snapshot
from deskmeter.store.sqlite import SQLiteStore
from tests.gnome.shell import (
    ENABLED,
    EXTENSION_DIR,
    HELPER_UUID,
    UUID,
    GnomeShell,
    Tracker,
    missing_tools,
    wait_for,
)

pytestmark = [pytest.mark.gnome, pytest.mark.slow]

NOT_RUNNING = "Deskmeter not running"
DOT = " \u00b7 "


@pytest.fixture(scope="module")
def artifacts_gnome() -> Path:
    path = Path(os.environ.get("DESKMETER_ARTIFACTS", "artifacts")).absolute() / "gnome"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def shell(
    built: dict[str, Path], tmp_path_factory: pytest.TempPathFactory, artifacts_gnome: Path
) -> Iterator[GnomeShell]:
    missing = missing_tools()
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} (apt: see scripts/apt/gnome.txt)")
    root = tmp_path_factory.mktemp("gnome-shell")
    instance = GnomeShell(
        root,
        extensions={UUID: built["legacy"], HELPER_UUID: EXTENSION_DIR / "test-helper"},
    )
    try:
        instance.start()
        yield instance
    finally:
        instance.stop()
        if instance.log_path.exists():
            shutil.copy(instance.log_path, artifacts_gnome / "gnome-shell.log")


@pytest.fixture
def tracker(shell: GnomeShell, tmp_path: Path) -> Iterator[Tracker]:
    run = Tracker(tmp_path, shell.bus_address)
    run.task_file.parent.mkdir(parents=True)
    run.task_file.write_text("* work/alpha\nwork/beta\npersonal/books\n")
    shell.activate_workspace(0)
    yield run
    if run.proc is not None:
        run.stop()
    wait_for(lambda: shell.label() == NOT_RUNNING, timeout=10)


def label_is(shell: GnomeShell, expected: str) -> bool:
    return shell.label() == expected


def test_the_legacy_build_is_enabled_in_gnome_shell_43_without_errors(shell: GnomeShell) -> None:
    version = shell.eval("imports.misc.config.PACKAGE_VERSION")
    assert str(version).startswith("43."), version
    info = shell.extension_info(UUID)
    assert info["state"] == ENABLED, info
    assert info["error"] == ""
    assert info["path"].endswith(f"gnome-shell/extensions/{UUID}")
    assert "JS ERROR" not in shell.log()
    assert shell.label() == NOT_RUNNING  # no tracker on the bus yet


def test_the_label_follows_the_tracker_and_recovers_after_a_restart(
    shell: GnomeShell, tracker: Tracker, artifacts_gnome: Path
) -> None:
    assert shell.label() == NOT_RUNNING
    tracker.start()
    # the extension sees the name appear, reports the active workspace, shows the task
    wait_for(lambda: label_is(shell, f"work/alpha{DOT}0m"), timeout=20)
    status = tracker.cli("status", "--json")
    assert '"workspace": "Code"' in status.stdout, status.stdout

    assert tracker.cli("task", "set", "work/beta").returncode == 0
    wait_for(lambda: label_is(shell, f"work/beta{DOT}0m"), timeout=10)

    long_task = "work/clients/acme-corporation/website/redesign-2026"
    assert tracker.cli("task", "set", long_task).returncode == 0
    wait_for(lambda: label_is(shell, f"\u2026/website/redesign-2026{DOT}0m"), timeout=10)

    # the menu lists the recent tasks, the current one first; choosing one calls SetTask
    items = shell.menu_items()
    assert items[:3] == [
        "work/clients/acme-corporation/website/redesign-2026",
        "work/beta",
        "work/alpha",
    ], items
    shell.activate_menu_item("personal/books")
    wait_for(lambda: label_is(shell, f"personal/books{DOT}0m"), timeout=10)
    assert "* personal/books" in tracker.task_file.read_text()

    shell.eval(f"Main.panel.statusArea['{UUID}'].menu.open(false); 1")
    time.sleep(0.3)
    shell.screenshot(artifacts_gnome / "menu.png")
    shell.eval(f"Main.panel.statusArea['{UUID}'].menu.close(false); 1")
    panel_height = int(shell.eval("Main.panel.height"))
    panel = shell.screenshot(artifacts_gnome / "panel.png", (0, 0, 1280, panel_height))
    assert panel.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    assert tracker.stop() == 0
    wait_for(lambda: label_is(shell, NOT_RUNNING), timeout=10)
    shell.screenshot(artifacts_gnome / "panel-not-running.png", (0, 0, 1280, panel_height))

    tracker.start()
    wait_for(lambda: label_is(shell, f"personal/books{DOT}0m"), timeout=20)
    # recovery includes the workspace: the tracker counts again without a switch
    wait_for(lambda: '"tracking": true' in tracker.cli("status", "--json").stdout, timeout=10)
    assert "JS ERROR" not in shell.log()


def test_a_workspace_switch_in_the_shell_is_recorded_through_the_gnome_source(
    shell: GnomeShell, tracker: Tracker
) -> None:
    tracker.start()
    assert shell.client is not None
    wait_for(lambda: shell.client.name_has_owner(BUS_NAME), timeout=20)  # type: ignore[union-attr]
    wait_for(lambda: label_is(shell, f"work/alpha{DOT}0m"), timeout=20)
    time.sleep(0.3)
    shell.activate_workspace(1)  # "workspace 2"
    assert shell.eval("global.workspace_manager.get_active_workspace_index()") == 1

    def on_mail() -> bool:
        status = tracker.cli("status", "--json").stdout
        return '"workspace_index": 1' in status and '"workspace": "Mail"' in status

    wait_for(on_mail, timeout=10)
    assert tracker.stop() == 0
    store = SQLiteStore(tracker.store_path)
    switches = store.switches()
    store.close()
    assert [(s.workspace_index, s.workspace, s.task) for s in switches] == [
        (0, "Code", "work/alpha"),
        (1, "Mail", "work/alpha"),
    ]
    assert switches[0].delta >= 0.2
    assert "tracking with the gnome source" in tracker.log()


def test_the_time_on_the_task_ticks_without_any_message_from_the_tracker(
    shell: GnomeShell,
) -> None:
    """A service that says nothing after its first snapshot: the label still turns 0m -> 1m."""
    since = int(time.time()) - 58
    service = BusService(
        Snapshot(tracking=True, task="work/tick", workspace="Code", workspace_index=0, since=since),
        set_task=lambda _: None,
        bus_address=shell.bus_address,
    )
    service.start()
    try:
        wait_for(lambda: label_is(shell, f"work/tick{DOT}0m"), timeout=10)
        wait_for(lambda: label_is(shell, f"work/tick{DOT}1m"), timeout=5, interval=0.1)
        assert time.time() - since >= 60
    finally:
        service.stop()
    wait_for(lambda: label_is(shell, NOT_RUNNING), timeout=10)


def test_disabling_the_extension_stops_counting_and_enabling_it_resumes(
    shell: GnomeShell, tracker: Tracker
) -> None:
    """What happens when the screen locks (GNOME disables extensions) and unlocks."""

    def extensions(method: str) -> None:
        shell.call(
            "org.gnome.Shell",
            "/org/gnome/Shell",
            "org.gnome.Shell.Extensions",
            method,
            "s",
            [UUID],
        )

    def tracking() -> bool:
        return '"tracking": true' in tracker.cli("status", "--json").stdout

    tracker.start()
    wait_for(lambda: label_is(shell, f"work/alpha{DOT}0m"), timeout=20)
    wait_for(tracking, timeout=10)
    try:
        extensions("DisableExtension")
        wait_for(lambda: shell.label() is None, timeout=10)  # the indicator is gone
        wait_for(lambda: not tracking(), timeout=10)
        assert "not counting until it is back" in tracker.log()
    finally:
        extensions("EnableExtension")
    wait_for(lambda: label_is(shell, f"work/alpha{DOT}0m"), timeout=10)
    wait_for(tracking, timeout=10)
    assert shell.extension_info(UUID)["state"] == ENABLED
    assert "JS ERROR" not in shell.log()
