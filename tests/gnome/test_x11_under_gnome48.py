"""The tracker's ``x11`` source against GNOME Shell 48's X11 display (Xwayland), once.

A GNOME on Wayland session with Xwayland: X11 programs see the shell's workspaces through EWMH
root-window properties that mutter publishes on its Xwayland display. The shell (Debian 13,
chroot, as in test_gnome_shell.py but without ``--no-x11``) switches workspaces through Eval;
the real ``deskmeter track --source x11`` on the host, connected to that display (its socket
is under the /tmp both sides share), must record the switches.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from deskmeter.store.sqlite import SQLiteStore
from tests.gnome.conftest import gnome_artifacts, record, rootfs_for, since
from tests.gnome.shell import UUID, GnomeShell, Tracker, missing_tools, wait_for

pytestmark = [pytest.mark.gnome, pytest.mark.slow]

VERSION = "48"


@pytest.fixture(scope="module")
def shell(built: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[GnomeShell]:
    missing = missing_tools(chroot=True)
    if missing:
        pytest.fail(f"not installed: {', '.join(missing)} (apt: see scripts/apt/gnome.txt)")
    instance = GnomeShell(
        tmp_path_factory.mktemp("gnome-shell-48-x11"),
        extensions={UUID: built["esm"]},
        rootfs=rootfs_for(VERSION),
        x11=True,
    )
    started = time.monotonic()
    try:
        instance.start()
        record("shells", {"version": f"{VERSION}-x11", "step": "boot", "seconds": since(started)})
        yield instance
    finally:
        instance.stop()
        if instance.log_path.exists():
            shutil.copy(instance.log_path, gnome_artifacts(VERSION) / "gnome-shell-x11.log")


def test_the_x11_source_records_switches_made_in_gnome_shell_48_under_xwayland(
    shell: GnomeShell, tmp_path: Path
) -> None:
    assert shell.version().startswith(f"{VERSION}."), shell.version()
    shell.activate_workspace(0)
    wait_for(lambda: shell.active_workspace() == 0, timeout=20)
    tracker = Tracker(tmp_path, shell.bus_address, source="x11", x11_env=shell.x11_env())
    tracker.task_file.parent.mkdir(parents=True)
    tracker.task_file.write_text("* work/alpha\nwork/beta\n")

    def status() -> dict[str, object]:
        out = tracker.cli("status", "--json").stdout
        try:
            value = json.loads(out)
        except json.JSONDecodeError:
            return {}
        return value if isinstance(value, dict) else {}

    tracker.start()
    try:
        # Xwayland starts when its first client (the tracker) connects
        wait_for(lambda: "connected to the X server" in tracker.log(), timeout=30)
        wait_for(lambda: "tracking with the x11 source" in tracker.log(), timeout=20)
        shell.activate_workspace(1)
        wait_for(lambda: status().get("workspace") == "Mail", timeout=20)
        shell.activate_workspace(2)
        wait_for(lambda: status().get("workspace") == "Web", timeout=20)
    finally:
        code = tracker.stop()
    assert code == 0, tracker.log()
    store = SQLiteStore(tracker.store_path)
    switches = store.switches()
    store.close()
    # the switch to "Web" closed the "Mail" interval; stopping closed the "Web" one
    assert [(s.workspace_index, s.workspace, s.task) for s in switches][-2:] == [
        (1, "Mail", "work/alpha"),
        (2, "Web", "work/alpha"),
    ], switches
    assert "JS ERROR" not in shell.log()
