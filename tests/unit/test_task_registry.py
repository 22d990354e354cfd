"""The store's tasks follow the file; ids are stable; a bad file changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deskmeter.store.sqlite import SQLiteStore
from deskmeter.tasks.registry import TaskRegistry

T0 = datetime(2026, 5, 1, 8, tzinfo=UTC)


@pytest.fixture
def registry(tmp_path: Path) -> TaskRegistry:
    return TaskRegistry(SQLiteStore(tmp_path / "s.db"), tmp_path / "tasks.txt")


def test_a_missing_file_gets_the_starter_tasks(registry: TaskRegistry) -> None:
    assert registry.ensure_file()
    assert not registry.ensure_file()  # never overwritten
    assert registry.reload(T0)
    assert registry.current is not None
    assert len(registry.store.tasks()) == 3


def test_reordering_keeps_ids_and_a_rename_with_its_id_keeps_history(
    registry: TaskRegistry,
) -> None:
    registry.path.write_text("work/a\n* home/reading\n")
    registry.reload(T0)
    registry.path.write_text("* home/reading\nwork/a\nwork/new\n")
    registry.reload(T0 + timedelta(hours=1))
    assert {t.id for t in registry.store.tasks()} == {"work/a", "home/reading", "work/new"}
    registry.path.write_text("* home/books @home/reading\nwork/a\n")
    registry.reload(T0 + timedelta(hours=2))
    store = registry.store
    assert [(t.id, t.path) for t in store.tasks()] == [
        ("home/reading", "home/books"),
        ("work/a", "work/a"),
    ]
    assert [t.id for t in store.tasks(include_inactive=True) if not t.active] == ["work/new"]
    assert store.task_path_at("home/reading", T0 + timedelta(minutes=5)) == "home/reading"
    assert store.task_path_at("home/reading", T0 + timedelta(hours=3)) == "home/books"


def test_a_malformed_file_keeps_the_last_good_tasks(registry: TaskRegistry) -> None:
    registry.path.write_text("* work/a\nwork/b\n")
    assert registry.reload(T0)
    registry.path.write_text("* work/a\n* work/b\n")
    assert not registry.reload(T0 + timedelta(minutes=1))
    assert registry.last_error is not None and "line 2" in registry.last_error
    assert registry.current is not None and registry.current.path == "work/a"
    assert [t.id for t in registry.store.tasks()] == ["work/a", "work/b"]


def test_set_current_rewrites_only_the_mark(registry: TaskRegistry) -> None:
    registry.path.write_text("# mine\n* work/a\nwork/b  # later\n")
    line = registry.set_current("work/b")
    assert line.path == "work/b"
    assert registry.path.read_text() == "# mine\nwork/a\n* work/b # later\n"


def test_set_current_refuses_to_touch_a_broken_file(registry: TaskRegistry) -> None:
    broken = "work/a\nwork/a\n"
    registry.path.write_text(broken)
    with pytest.raises(ValueError, match="listed twice"):
        registry.set_current("work/b")
    assert registry.path.read_text() == broken
