"""Away detection under a real headless GNOME Shell 43: Mutter's idle monitor and the lock.

The presence client (``deskmeter.tracker.presence.mutter_idle``) talks to the shell's own
``org.gnome.Mutter.IdleMonitor`` and ``org.gnome.ScreenSaver`` on the shell's session bus.
Input is made inside the shell with a Clutter virtual pointer (real input events through
Mutter's backend, which is what resets its idle time).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from deskmeter.models import utcnow
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.tracker.events import Away, Back, Event
from deskmeter.tracker.presence.mutter_idle import MutterPresence
from tests.gnome.shell import (
    EXTENSION_DIR,
    HELPER_UUID,
    UUID,
    GnomeShell,
    Tracker,
    missing_tools,
    wait_for,
)

pytestmark = [pytest.mark.slow, pytest.mark.gnome]

MOVE_POINTER = (
    "(() => { const seat = imports.gi.Clutter.get_default_backend().get_default_seat();"
    " if (!globalThis.__dmPointer) globalThis.__dmPointer ="
    " seat.create_virtual_device(imports.gi.Clutter.InputDeviceType.POINTER_DEVICE);"
    " globalThis.__dmPointer.notify_relative_motion("
    "imports.gi.GLib.get_monotonic_time(), 4, 3); return 1; })()"
)


@pytest.fixture(scope="module")
def idle_shell(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GnomeShell]:
    missing = missing_tools()
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} (apt: see scripts/apt/gnome.txt)")
    instance = GnomeShell(
        tmp_path_factory.mktemp("gnome-idle"),
        extensions={HELPER_UUID: EXTENSION_DIR / "test-helper"},
    )
    try:
        instance.start()
        yield instance
    finally:
        instance.stop()


def test_idle_watch_gives_away_and_the_first_input_gives_back(
    idle_shell: GnomeShell, tmp_path: Path
) -> None:
    events: list[Event] = []
    client = MutterPresence(1.0, bus_address=idle_shell.bus_address)
    stop = threading.Event()
    thread = threading.Thread(target=client.run, args=(events.append, stop), daemon=True)
    thread.start()
    try:
        assert client.ready.wait(15), "the idle watches were not set up"
        wait_for(lambda: any(isinstance(e, Away) for e in events), timeout=10)
        away = next(e for e in events if isinstance(e, Away))
        assert away.reason == "idle" and away.source == "mutter"
        idle_shell.eval(MOVE_POINTER)
        wait_for(lambda: any(isinstance(e, Back) for e in events), timeout=5)
        back = next(e for e in events if isinstance(e, Back))
        assert back.at > away.since
        # idle again: the persistent idle watch fires a second time
        wait_for(lambda: sum(isinstance(e, Away) for e in events) == 2, timeout=10)
    finally:
        stop.set()
        client.wake()
        thread.join(5)
    assert not thread.is_alive()


#: Shell 43 makes its screen shield only when logind can lock (no logind here): make it, and
#: its ``org.gnome.ScreenSaver`` service, the way the shell's main.js does.
MAKE_SHIELD = (
    "(() => { if (Main.screenShield) return 'had'; const SS = imports.ui.screenShield;"
    " Main.screenShield = new SS.ScreenShield();"
    " try { globalThis.__dmSaver = new imports.ui.shellDBus.ScreenSaverDBus(Main.screenShield); }"
    " catch (e) { return String(e); } return 'made'; })()"
)
SAVER = ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver")


def test_the_screen_lock_is_away_until_unlocked(idle_shell: GnomeShell) -> None:
    idle_shell.eval(MAKE_SHIELD)
    wait_for(lambda: idle_shell.call(*SAVER, "GetActive", "", []) == [False], timeout=10)
    events: list[Event] = []
    client = MutterPresence(3600.0, bus_address=idle_shell.bus_address)  # idle never fires
    stop = threading.Event()
    thread = threading.Thread(target=client.run, args=(events.append, stop), daemon=True)
    thread.start()
    try:
        assert client.ready.wait(15)
        idle_shell.call(*SAVER, "Lock", "", [])
        wait_for(lambda: any(isinstance(e, Away) for e in events), timeout=10)
        assert {(type(e).__name__, e.reason) for e in events} == {("Away", "lock")}
        assert idle_shell.call(*SAVER, "GetActive", "", []) == [True]
        idle_shell.call(*SAVER, "SetActive", "b", [False])  # what the unlock dialog ends with
        wait_for(lambda: any(isinstance(e, Back) for e in events), timeout=10)
        seen = [(type(e).__name__, e.reason) for e in events]
        # the shell may announce a change twice (its own and our service object): the
        # tracker keeps one reason per kind, so only the order matters
        deduped = [item for i, item in enumerate(seen) if i == 0 or seen[i - 1] != item]
        assert deduped == [("Away", "lock"), ("Back", "lock")]
    finally:
        stop.set()
        client.wake()
        thread.join(5)


def away_items(shell: GnomeShell) -> list[str]:
    """The labels of the indicator's away section (the section with "Keep as away")."""
    items = shell.eval(
        f"Main.panel.statusArea['{UUID}'].menu._getMenuItems()"
        ".filter(i => i instanceof imports.ui.popupMenu.PopupMenuSection)"
        ".map(s => s._getMenuItems().filter(i => i.label).map(i => i.label.text))"
        ".find(labels => labels.includes('Keep as away')) || []"
    )
    return list(items or [])


def test_the_panel_menu_offers_the_away_stretch_and_one_click_assigns_it(
    built: dict[str, Path], tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    missing = missing_tools()
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} (apt: see scripts/apt/gnome.txt)")
    shell = GnomeShell(
        tmp_path_factory.mktemp("gnome-away-menu"),
        extensions={UUID: built["legacy"], HELPER_UUID: EXTENSION_DIR / "test-helper"},
    )
    shell.start()
    tracker = Tracker(
        tmp_path,
        shell.bus_address,
        extra_env={
            "DESKMETER_TRACKER__AWAY_AFTER_SECONDS": "1",
            "DESKMETER_TRACKER__ASK_AFTER_AWAY_SECONDS": "1",
            "DESKMETER_TRACKER__LOGIND": "false",
        },
    )
    tracker.task_file.parent.mkdir(parents=True)
    tracker.task_file.write_text("* work/alpha\nwork/beta\n")
    try:
        tracker.start()
        wait_for(lambda: (shell.label() or "").startswith("work/alpha"), timeout=20)

        def away_long_enough() -> bool:
            # away after 1 s without input (Mutter's idle watch); stay away over a second
            store = SQLiteStore(tracker.store_path)
            try:
                state = store.get_state()
            finally:
                store.close()
            return bool(state and state.away and (utcnow() - state.since).total_seconds() > 1.5)

        def back_and_asked() -> bool:
            shell.eval(MOVE_POINTER)  # the first input ends the stretch
            return bool(away_items(shell))

        wait_for(away_long_enough, timeout=30, interval=0.2)
        wait_for(back_and_asked, timeout=10, interval=0.3)
        items = away_items(shell)
        assert items[0].startswith("Away ") and items[0].endswith(" min"), items
        assert "Keep as away" in items and "Assign to work/beta" in items
        shell.eval(
            f"Main.panel.statusArea['{UUID}'].menu._getMenuItems()"
            ".filter(i => i instanceof imports.ui.popupMenu.PopupMenuSection)"
            ".flatMap(s => s._getMenuItems()).find(i => i.label && i.label.text === "
            "'Assign to work/beta').activate(null); 1"
        )
        wait_for(lambda: not away_items(shell), timeout=10)
        store = SQLiteStore(tracker.store_path)
        try:
            (edit,) = store.edits()
            assert (edit.who, edit.op, edit.path) == ("panel", "task", "work/beta")
            assert any(s.task == "work/beta" and not s.away for s in store.switches())
        finally:
            store.close()
        assert "JS ERROR" not in shell.log()
    finally:
        if tracker.proc is not None:
            tracker.stop()
        shell.stop()
