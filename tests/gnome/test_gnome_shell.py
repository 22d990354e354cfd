"""The extension in real headless GNOME Shells (43, 48, 51) with the real tracker on the same bus.

The same tests for every shell version; each test id names it (``[43]``, ``[48]``, ``[51]``):

* 43: the host's GNOME Shell (Debian 12) runs the legacy build (42-44), next to the test-only
  helper extension that turns on unsafe mode (so that Eval and the Screenshot service answer);
* 48 (Debian 13) and 51 (Debian unstable): a root file system built once by
  scripts/build-gnome-rootfs.sh and run as a chroot (tests/gnome/shell.py) runs the ES module
  build (45+) with ``--unsafe-mode``. The tracker runs on the host, on the chroot's session bus.

One shell per version for the module (it boots in the setup of the first test, which checks
the boot); each test starts its own tracker. Screenshots go to artifacts/gnome/<version>/.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from deskmeter.dbus import BUS_NAME
from deskmeter.dbus.service import BusService
from deskmeter.dbus.snapshot import Snapshot
from deskmeter.store.sqlite import SQLiteStore
from tests.gnome.conftest import SHELL_SUITES, gnome_artifacts, record, rootfs_for, since
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


@pytest.fixture(scope="module", params=sorted(SHELL_SUITES), ids=str)
def version(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def artifacts_gnome(version: str) -> Path:
    return gnome_artifacts(version)


@pytest.fixture(scope="module")
def shell(
    version: str,
    built: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
    artifacts_gnome: Path,
) -> Iterator[GnomeShell]:
    chroot = SHELL_SUITES[version] is not None
    missing = missing_tools(chroot=chroot)
    if missing:
        message = f"not installed: {', '.join(missing)} (apt: see scripts/apt/gnome.txt)"
        if chroot:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    root = tmp_path_factory.mktemp(f"gnome-shell-{version}")
    if chroot:
        instance = GnomeShell(root, extensions={UUID: built["esm"]}, rootfs=rootfs_for(version))
    else:
        instance = GnomeShell(
            root,
            extensions={UUID: built["legacy"], HELPER_UUID: EXTENSION_DIR / "test-helper"},
        )
    started = time.monotonic()
    try:
        instance.start()
        record("shells", {"version": version, "step": "boot", "seconds": since(started)})
        yield instance
    finally:
        stopping = time.monotonic()
        instance.stop()
        record("shells", {"version": version, "step": "stop", "seconds": since(stopping)})
        if instance.log_path.exists():
            shutil.copy(instance.log_path, artifacts_gnome / "gnome-shell.log")


@pytest.fixture
def tracker(shell: GnomeShell, tmp_path: Path) -> Iterator[Tracker]:
    run = Tracker(tmp_path, shell.bus_address)
    run.task_file.parent.mkdir(parents=True)
    run.task_file.write_text("* work/alpha\nwork/beta\npersonal/books\n")
    shell.activate_workspace(0)
    wait_for(lambda: shell.active_workspace() == 0, timeout=20)
    yield run
    if run.proc is not None:
        run.stop()
    wait_for(lambda: shell.label() == NOT_RUNNING, timeout=20)


def status(tracker: Tracker) -> dict[str, object]:
    result = tracker.cli("status", "--json")
    try:
        value = json.loads(result.stdout)
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def label_is(shell: GnomeShell, expected: str) -> bool:
    return shell.label() == expected


def test_the_shell_boots_with_the_extension_enabled_without_errors(
    shell: GnomeShell, version: str
) -> None:
    """The shell's boot is this test's setup (one shell per version for the module)."""
    assert shell.version().startswith(f"{version}."), shell.version()

    def settled() -> dict[str, object] | None:
        # ERROR with no message while the extension loads (45+ load it asynchronously)
        info = shell.extension_info(UUID)
        return info if info["state"] == ENABLED or info["error"] else None

    info = wait_for(settled, timeout=20)
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
    wait_for(lambda: label_is(shell, f"work/beta{DOT}0m"), timeout=20)

    long_task = "work/clients/acme-corporation/website/redesign-2026"
    assert tracker.cli("task", "set", long_task).returncode == 0
    wait_for(lambda: label_is(shell, f"\u2026/website/redesign-2026{DOT}0m"), timeout=20)

    # the menu lists the recent tasks, the current one first; choosing one calls SetTask
    items = shell.menu_items()
    assert items[:3] == [
        "work/clients/acme-corporation/website/redesign-2026",
        "work/beta",
        "work/alpha",
    ], items
    shell.activate_menu_item("personal/books")
    wait_for(lambda: label_is(shell, f"personal/books{DOT}0m"), timeout=20)
    assert "* personal/books" in tracker.task_file.read_text()

    shell.menu_open(True)
    menu = shell.screenshot(artifacts_gnome / "menu.png")
    shell.menu_open(False)
    assert menu.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    panel_height = int(shell.eval("Main.panel.height"))
    panel = shell.screenshot(artifacts_gnome / "panel.png", (0, 0, 1280, panel_height))
    assert panel.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    assert tracker.stop() == 0
    wait_for(lambda: label_is(shell, NOT_RUNNING), timeout=20)
    shell.screenshot(artifacts_gnome / "panel-not-running.png", (0, 0, 1280, panel_height))

    tracker.start()
    wait_for(lambda: label_is(shell, f"personal/books{DOT}0m"), timeout=20)
    # recovery includes the workspace: the tracker counts again without a switch
    wait_for(lambda: '"tracking": true' in tracker.cli("status", "--json").stdout, timeout=20)
    assert "JS ERROR" not in shell.log()


def test_a_workspace_switch_in_the_shell_is_recorded_through_the_gnome_source(
    shell: GnomeShell, tracker: Tracker
) -> None:
    tracker.start()
    assert shell.client is not None
    wait_for(lambda: shell.client.name_has_owner(BUS_NAME), timeout=20)  # type: ignore[union-attr]
    wait_for(lambda: label_is(shell, f"work/alpha{DOT}0m"), timeout=20)
    # the extension's first report has reached the gnome source: an interval on "Code" is open
    wait_for(lambda: status(tracker).get("workspace") == "Code", timeout=20)
    shell.activate_workspace(1)  # "workspace 2"
    assert shell.active_workspace() == 1

    def on_mail() -> bool:
        now = status(tracker)
        return now.get("workspace_index") == 1 and now.get("workspace") == "Mail"

    wait_for(on_mail, timeout=20)
    assert tracker.stop() == 0
    store = SQLiteStore(tracker.store_path)
    switches = store.switches()
    store.close()
    assert [(s.workspace_index, s.workspace, s.task) for s in switches] == [
        (0, "Code", "work/alpha"),
        (1, "Mail", "work/alpha"),
    ]
    assert switches[0].delta > 0
    assert "tracking with the gnome source" in tracker.log()


def test_the_time_on_the_task_ticks_without_any_message_from_the_tracker(
    shell: GnomeShell,
) -> None:
    """A service that says nothing after its first snapshot: the label still turns 0m -> 1m."""
    since = int(time.time()) - 52  # 0m for ~8 s, then 1m
    service = BusService(
        Snapshot(tracking=True, task="work/tick", workspace="Code", workspace_index=0, since=since),
        set_task=lambda _: None,
        bus_address=shell.bus_address,
    )
    service.start()
    try:
        wait_for(lambda: label_is(shell, f"work/tick{DOT}0m"), timeout=20)
        wait_for(lambda: label_is(shell, f"work/tick{DOT}1m"), timeout=20, interval=0.1)
        assert time.time() - since >= 60
    finally:
        service.stop()
    wait_for(lambda: label_is(shell, NOT_RUNNING), timeout=20)


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
    wait_for(tracking, timeout=20)
    try:
        extensions("DisableExtension")
        wait_for(lambda: shell.label() is None, timeout=20)  # the indicator is gone
        wait_for(lambda: not tracking(), timeout=20)
        assert "not counting until it is back" in tracker.log()
    finally:
        extensions("EnableExtension")
    wait_for(lambda: label_is(shell, f"work/alpha{DOT}0m"), timeout=20)
    wait_for(tracking, timeout=20)
    assert shell.extension_info(UUID)["state"] == ENABLED
    assert "JS ERROR" not in shell.log()
