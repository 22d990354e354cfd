"""The task file maps workspaces to tasks by number and by name; the old syntax still works."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from deskmeter.config import Settings
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.tasks.registry import TaskRegistry
from deskmeter.tasks.taskfile import TaskFileError, mark_current, parse_task_file
from deskmeter.tracker.clock import FakeClock
from deskmeter.tracker.daemon import Tracker
from deskmeter.tracker.events import SetTask, TaskFileChanged, WorkspaceChanged

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)

MAPPED = """\
# tasks and the workspaces they live on
* work/general
work/deskmeter/web [2] [1: web]   # workspace 2, and Sway's "1: web"
work/mail @mail [Mail] [inbox]
personal/reading
"""


def test_workspace_keys_are_read_by_number_and_by_name() -> None:
    parsed = parse_task_file(MAPPED)
    assert [(t.path, t.id, t.current, t.workspaces) for t in parsed.tasks] == [
        ("work/general", "work/general", True, ()),
        ("work/deskmeter/web", "work/deskmeter/web", False, ("2", "1: web")),
        ("work/mail", "mail", False, ("Mail", "inbox")),
        ("personal/reading", "personal/reading", False, ()),
    ]

    def path(index: int, *names: str) -> str | None:
        line = parsed.for_workspace(index, names)
        return None if line is None else line.path

    assert path(1) == "work/deskmeter/web"  # [2] = index 1
    assert path(0, "1: web") == "work/deskmeter/web"
    assert path(7, "Mail") == "work/mail"
    assert path(1, "inbox") == "work/mail"  # by name first
    assert path(0, "Code") is None


def test_the_old_syntax_reads_as_before() -> None:
    old = "work/a\n* work/b @b\n"
    assert [(t.path, t.id, t.current, t.workspaces) for t in parse_task_file(old).tasks] == [
        ("work/a", "work/a", False, ()),
        ("work/b", "b", True, ()),
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a [2]\nb [2]\n", "line 2: workspace [2] is mapped twice (also line 1)"),
        ("a [Mail]\nb [Mail]\n", "line 2: workspace [Mail] is mapped twice"),
        ("a []\n", "line 1: []: a workspace key is 1 to 200 characters"),
        ("a [0]\n", "line 1: [0]: workspaces are counted from 1"),
        ("a [Mail\n", "line 1: 'a [Mail': a workspace is written [NUMBER] or [NAME]"),
    ],
)
def test_a_bad_workspace_key_is_named_with_its_line(text: str, problem: str) -> None:
    with pytest.raises(TaskFileError) as caught:
        parse_task_file(text, "tasks.txt")
    assert f"tasks.txt {problem}" in str(caught.value)


def test_moving_the_mark_keeps_the_workspace_keys() -> None:
    moved = mark_current(MAPPED, "work/mail")
    assert "* work/mail @mail [Mail] [inbox]" in moved
    assert parse_task_file(moved).current.workspaces == ("Mail", "inbox")  # type: ignore[union-attr]


def make_tracker(tmp_path: Path, clock: FakeClock, tasks: str) -> Tracker:
    (tmp_path / "tasks.txt").write_text(tasks)
    settings = Settings(
        store=str(tmp_path / "t.db"),
        task_file=tmp_path / "tasks.txt",
        host="box",
        timezone="UTC",
        tracker={"heartbeat_seconds": 30},
    )
    store = SQLiteStore(tmp_path / "t.db")
    tracker = Tracker(store, settings, TaskRegistry(store, settings.task_file), clock)
    tracker.start()
    return tracker


def test_a_switch_to_a_mapped_workspace_records_its_task_elsewhere_the_current_one(
    tmp_path: Path,
) -> None:
    clock = FakeClock(T0)
    tracker = make_tracker(tmp_path, clock, MAPPED)
    tracker.step(WorkspaceChanged(0, "1: web", "sway"))
    clock.advance(10)
    tracker.step(WorkspaceChanged(600, "Mail", "sway"))
    clock.advance(20)
    tracker.step(WorkspaceChanged(4, "5", "sway"))
    clock.advance(30)
    tracker.step(WorkspaceChanged(1, "2", "sway"))  # mapped by number
    clock.advance(40)
    tracker.step(SetTask("personal/reading"))  # the mark moves; the mapped workspace stays
    clock.advance(5)
    tracker.step(WorkspaceChanged(4, "5", "sway"))  # unmapped: the new mark
    clock.advance(1)
    tracker.shutdown()
    rows = [(s.workspace, s.task, s.delta) for s in tracker.store.switches()]
    assert rows == [
        ("1: web", "work/deskmeter/web", 10.0),
        ("Mail", "work/mail", 20.0),
        ("5", "work/general", 30.0),
        ("2", "work/deskmeter/web", 45.0),
        ("5", "personal/reading", 1.0),
    ]


def test_mapping_the_current_workspace_in_the_file_applies_at_once(tmp_path: Path) -> None:
    clock = FakeClock(T0)
    tracker = make_tracker(tmp_path, clock, "* work/general\n")
    tracker.step(WorkspaceChanged(583, "Mail", "sway"))
    clock.advance(10)
    tracker.step(TaskFileChanged(tasks=parse_task_file("* work/general\nwork/mail [Mail]\n")))
    clock.advance(5)
    tracker.shutdown()
    rows = [(s.workspace, s.task, s.delta) for s in tracker.store.switches()]
    assert rows == [("Mail", "work/general", 10.0), ("Mail", "work/mail", 5.0)]
