"""The ``hyprland`` source against a REPLAY of Hyprland's documented socket protocol.

Not the real Hyprland: it is not in Debian 12 and has no headless backend (desk-wl tries the
real one from Debian unstable, nested in a headless Sway). ``HyprlandReplay``
(tests/desktops/hyprland_replay.py) serves the two sockets and writes the event lines that
Hyprland's IPC documentation lists; every test here says "replay" in its name.
"""

from __future__ import annotations

import itertools
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import deskmeter
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.tracker.events import Event, WorkspaceChanged, WorkspaceLost
from deskmeter.tracker.sources.hyprland import HyprlandSource
from deskmeter.tracker.sources.indexes import named_index
from tests.desktops.hyprland_replay import HyprlandReplay
from tests.support.waiting import wait_for

DWELL = 0.4
ROUNDING = 0.002


@pytest.fixture
def replay(tmp_path: Path) -> Iterator[HyprlandReplay]:
    server = HyprlandReplay(tmp_path / "run")
    server.start()
    yield server
    server.stop()


def changes(events: list[Event]) -> list[tuple[int, str]]:
    return [(e.index, e.name) for e in events if isinstance(e, WorkspaceChanged)]


def test_replayed_hyprland_events_become_switches_renames_and_monitor_focus(
    replay: HyprlandReplay, tmp_path: Path
) -> None:
    source = HyprlandSource(
        retry_seconds=0.2,
        environ={"XDG_RUNTIME_DIR": str(tmp_path / "run"), **replay.env()},
    )
    events: list[Event] = []
    stop = threading.Event()
    thread = threading.Thread(target=source.run, args=(events.append, stop), daemon=True)
    thread.start()
    wait_for(lambda: changes(events) == [(0, "1")], what="the start state")
    wait_for(lambda: replay.readers() == 1)
    for line in (
        "createworkspacev2>>2,2",
        "workspacev2>>2,2",
        "createworkspacev2>>-1337,mail",  # a named workspace: Hyprland gives it a negative id
        "workspacev2>>-1337,mail",
        "renameworkspace>>-1337,inbox",  # the current one renamed: same index
        "destroyworkspacev2>>2,2",
        "createworkspacev2>>5,5",  # a second monitor with workspace 5 ...
        "focusedmon>>HEADLESS-2,5",  # ... focused without a workspace event
        "focusedmon>>HEADLESS-1,inbox",
        "workspacev2>>1,1",
        "garbage without the separator",
        "activewindow>>kitty,~",  # other events are read and ignored
    ):
        replay.send(line)
    wait_for(lambda: len(changes(events)) == 7, what="seven workspace events")
    mail = named_index("mail")
    assert changes(events) == [
        (0, "1"),
        (1, "2"),
        (mail, "mail"),
        (mail, "inbox"),
        (4, "5"),
        (mail, "inbox"),
        (0, "1"),
    ]
    replay.stop()  # Hyprland exits
    wait_for(lambda: isinstance(events[-1], WorkspaceLost), what="the loss")
    replay.start()  # and comes back (its start state: workspace 1)
    wait_for(lambda: changes(events)[-1] == (0, "1") and len(changes(events)) == 8)
    stop.set()


def test_a_plain_track_with_a_replayed_hyprland_records_switches_and_the_exit(
    replay: HyprlandReplay, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_SESSION_TYPE": "wayland",
        "WAYLAND_DISPLAY": "wayland-1",
        "DESKMETER_TIMEZONE": "UTC",
        "DESKMETER_TRACKER__HEARTBEAT_SECONDS": "1",
        "DESKMETER_TRACKER__RETRY_SECONDS": "0.5",
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": str(Path(deskmeter.__file__).parents[1]),  # this checkout's code
        **replay.env(),
    }
    tasks = home / "config" / "deskmeter" / "tasks.txt"
    tasks.parent.mkdir(parents=True)
    tasks.write_text("* work/alpha\n")
    store_path = home / "data" / "deskmeter" / "deskmeter.db"
    log = (tmp_path / "track.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "deskmeter", "track"], env=env, stdout=log, stderr=log
    )

    def state_name() -> str | None:
        if not store_path.exists():
            return None
        store = SQLiteStore(store_path)
        try:
            state = store.get_state()
            return None if state is None else state.workspace
        finally:
            store.close()

    try:
        wait_for(lambda: state_name() == "1", timeout=60)
        wait_for(lambda: replay.readers() == 1)
        asked = []
        for line, name in (("workspacev2>>2,2", "2"), ("workspacev2>>3,web", "web")):
            time.sleep(DWELL)
            asked.append(time.time())
            replay.send(line)
            wait_for(lambda name=name: state_name() == name)  # type: ignore[misc]
        replay.stop()
        stopped = time.time()
        wait_for(lambda: state_name() is None)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    text = (tmp_path / "track.log").read_text()
    assert "tracking with the hyprland source" in text
    switches = SQLiteStore(store_path).switches()
    assert [(s.workspace_index, s.workspace) for s in switches] == [(0, "1"), (1, "2"), (2, "web")]
    for before, after in itertools.pairwise(switches):
        assert abs((after.date - before.end).total_seconds()) < 0.001
    assert switches[0].delta >= DWELL - ROUNDING
    assert switches[1].delta >= DWELL - ROUNDING
    assert asked[0] - ROUNDING <= switches[1].date.timestamp()
    assert switches[2].end.timestamp() <= stopped + 1.0
