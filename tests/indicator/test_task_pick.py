"""``deskmeter task pick``: the menu's entries come from the running tracker and the choice goes
back to it over the real D-Bus service (private session bus). The menu program is ``fzf`` in its
non-interactive filter mode: a real dmenu-style program (entries on stdin, the choice on stdout)
that needs no screen; rofi, wofi, fuzzel and dmenu speak the same protocol."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deskmeter.edits.pending_record import get_pending
from deskmeter.indicator.pick import PickError, menu_command, pick
from deskmeter.tracker.clock import FakeClock
from deskmeter.tracker.events import Away, Back, WorkspaceChanged
from tests.gnome.shell import PrivateBus
from tests.indicator.harness import LiveTracker, wait_until
from tests.indicator.test_status_cli import env_for

LISTED = ["work/a", "work/b"]


@pytest.fixture(autouse=True)
def _fzf() -> None:
    if shutil.which("fzf") is None:
        pytest.fail("fzf is not installed (apt: fzf; scripts/apt/indicator.txt)")


def fzf_picking(query: str, seen: Path) -> str:
    """A menu command: keeps what it was shown in ``seen``, picks the best match of ``query``."""
    return f"sh -c 'tee {seen} | fzf --filter \"{query}\" | head -n1'"


def not_in_file(path: str) -> None:
    raise AssertionError(f"the task file was changed ({path}) while the tracker runs")


def test_pick_lists_the_recent_tasks_and_sets_the_choice_through_the_tracker(
    live: LiveTracker, session_bus: PrivateBus, tmp_path: Path
) -> None:
    tracker = live.start()
    tracker.step(WorkspaceChanged(0))
    seen = tmp_path / "seen.txt"
    done = pick(fzf_picking("^work/b$", seen), LISTED, not_in_file, bus_address=session_bus.address)
    assert done == "current task: work/b"
    assert seen.read_text().splitlines() == ["work/a", "work/b"]  # current first
    live.pump()  # the tracker runs the SetTask it was sent
    assert tracker.tasks.current is not None and tracker.tasks.current.path == "work/b"
    assert "* work/b" in (tmp_path / "tasks.txt").read_text()


def test_pick_offers_the_pending_away_stretch_and_gives_it_to_a_task(
    live: LiveTracker, session_bus: PrivateBus, tmp_path: Path, clock: FakeClock
) -> None:
    tracker = live.start()
    tracker.step(WorkspaceChanged(0))
    clock.advance(60)
    tracker.step(Away(clock.now(), "idle"))
    clock.advance(2520)
    tracker.step(Back(clock.now(), "idle"))
    seen = tmp_path / "seen.txt"
    done = pick(
        fzf_picking("give to work/b$", seen), LISTED, not_in_file,
        bus_address=session_bus.address,
    )  # fmt: skip
    assert done == "Away 42 min: give to work/b"
    assert seen.read_text().splitlines() == [
        "Away 42 min: keep as away",
        "Away 42 min: give to work/a",
        "Away 42 min: give to work/b",
        "work/a",
        "work/b",
    ]
    assert get_pending(tracker.store) is None
    wait_until(lambda: any(s.task == "work/b" for s in tracker.store.switches()))
    assert [(s.task, s.delta, s.away) for s in tracker.store.switches()] == [
        ("work/a", 60.0, False),
        ("work/b", 2520.0, False),
    ]


def test_without_a_tracker_the_choice_goes_to_the_task_file(
    session_bus: PrivateBus, tmp_path: Path
) -> None:
    chosen: list[str] = []
    done = pick(
        fzf_picking("^work/b$", tmp_path / "seen"), LISTED, chosen.append,
        bus_address=session_bus.address,
    )  # fmt: skip
    assert (done, chosen) == ("current task: work/b", ["work/b"])


def test_a_cancelled_menu_changes_nothing(live: LiveTracker, session_bus: PrivateBus) -> None:
    live.start()
    assert pick("false", LISTED, not_in_file, bus_address=session_bus.address) == ""
    assert live.tracker is not None and live.tracker.events.empty()


def test_a_typed_path_becomes_the_task_and_a_bad_one_is_refused(
    live: LiveTracker, session_bus: PrivateBus
) -> None:
    live.start()
    done = pick("echo work/new", LISTED, not_in_file, bus_address=session_bus.address)
    assert done == "current task: work/new"
    with pytest.raises(PickError, match=r"^not a task: 'no such': a task path has no spaces"):
        pick("echo 'no such'", LISTED, not_in_file, bus_address=session_bus.address)


def test_no_menu_program_is_a_clear_error(tmp_path: Path) -> None:
    tried = r"no menu program found \(tried fuzzel, wofi, rofi, bemenu\)"
    with pytest.raises(PickError, match=tried):
        menu_command(None, {"WAYLAND_DISPLAY": "wayland-1", "PATH": str(tmp_path)})
    assert menu_command("wofi --dmenu -p 'my task'", {}) == ["wofi", "--dmenu", "-p", "my task"]


def test_the_command_sets_the_task_through_the_running_tracker(
    live: LiveTracker, session_bus: PrivateBus, tmp_path: Path
) -> None:
    live.start()
    env = env_for(session_bus, tmp_path)
    config = tmp_path / "config.toml"
    config.write_text(f'store = "{tmp_path / "t.db"}"\ntask_file = "{tmp_path / "tasks.txt"}"\n')
    env["DESKMETER_CONFIG"] = str(config)
    result = subprocess.run(
        [sys.executable, "-m", "deskmeter", "task", "pick", "--menu",
         fzf_picking("^work/b$", tmp_path / "seen")],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "current task: work/b"
    live.pump()
    assert live.tracker is not None and live.tracker.tasks.current is not None
    assert live.tracker.tasks.current.path == "work/b"
