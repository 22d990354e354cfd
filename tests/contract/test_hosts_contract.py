"""Several workstations in one store: state, tasks and task history are each host's own.

Runs on every backend (SQLite, MongoDB on mongomock, the real server when configured).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deskmeter.models import State, Task, TaskHistoryEntry, merge_by_path
from deskmeter.store import Store
from deskmeter.tasks.registry import TaskRegistry
from deskmeter.tasks.taskfile import load_task_file

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def state(host: str, beat: int, ws: int = 0) -> State:
    return State(ws, f"ws{ws}", T0, T0 + timedelta(seconds=beat), f"iv-{host}", host=host)


def test_two_hosts_writing_state_never_overwrite_each_other(store: Store) -> None:
    desk, laptop = state("desk", 30, 1), state("laptop", 60, 2)
    store.put_state(desk)
    store.put_state(laptop)
    assert store.get_state("desk") == desk
    assert store.get_state("laptop") == laptop
    assert store.get_state() == laptop, "no host: the most recent heartbeat"
    assert store.states() == [laptop, desk]
    # the desk closes its interval and opens another: the laptop's is untouched
    newer = replace(desk, workspace_index=3, workspace="ws3", heartbeat=T0 + timedelta(90))
    store.close_interval(desk.closed_at(T0 + timedelta(seconds=40)), newer)
    assert store.get_state("laptop") == laptop and store.get_state("desk") == newer
    store.close_interval(None, None, host="desk")  # the desk stops tracking
    assert store.states() == [laptop]
    store.put_state(None, host="nobody")  # clearing a host with no state: nothing happens
    assert store.states() == [laptop]
    assert store.get_state("desk") is None


def test_clearing_a_state_needs_its_host(store: Store) -> None:
    store.put_state(state("desk", 1))
    with pytest.raises(ValueError, match="needs the host"):
        store.put_state(None)
    with pytest.raises(ValueError, match="'desk''s, not 'laptop''s"):
        store.put_state(state("desk", 2), host="laptop")
    assert store.get_state("desk") == state("desk", 1)


def test_the_same_task_id_on_two_hosts_is_two_tasks_merged_by_path(store: Store) -> None:
    store.upsert_tasks(
        [
            Task("deskmeter", "work/deskmeter", updated=T0, host="desk"),
            Task("deskmeter", "work/dm-laptop", updated=T0, host="laptop"),  # paths disagree
            Task("mail", "work/mail", updated=T0, host="desk"),
            Task("m", "work/mail", active=False, updated=T0 + timedelta(1), host="laptop"),
        ]
    )
    assert len(store.tasks(include_inactive=True)) == 4
    assert [(t.host, t.id, t.path) for t in store.tasks(host="laptop")] == [
        ("laptop", "deskmeter", "work/dm-laptop")
    ]
    assert [t.path for t in store.tasks(host="desk")] == ["work/deskmeter", "work/mail"]
    merged = merge_by_path(store.tasks(include_inactive=True))
    assert [(t.path, t.active, t.host) for t in merged] == [
        ("work/deskmeter", True, "desk"),
        ("work/dm-laptop", True, "laptop"),
        ("work/mail", True, "desk"),  # active on one host: active
    ]


def test_task_history_is_kept_per_host(store: Store) -> None:
    store.add_task_history(
        [
            TaskHistoryEntry("t1", "old/desk", T0, host="desk"),
            TaskHistoryEntry("t1", "old/laptop", T0, host="laptop"),  # same id, same moment
            TaskHistoryEntry("t1", "new/desk", T0 + timedelta(days=1), host="desk"),
        ]
    )
    assert len(store.task_history("t1")) == 3
    assert [e.path for e in store.task_history("t1", host="laptop")] == ["old/laptop"]
    later = T0 + timedelta(days=2)
    assert store.task_path_at("t1", later, host="desk") == "new/desk"
    assert store.task_path_at("t1", later, host="laptop") == "old/laptop"


def test_a_registry_deactivates_only_its_own_hosts_tasks(store: Store, tmp_path: Path) -> None:
    desk_file, laptop_file = tmp_path / "desk.txt", tmp_path / "laptop.txt"
    desk_file.write_text("work/a @a\nwork/shared @s\n")
    laptop_file.write_text("work/b @b\nwork/shared @s\n")
    desk = TaskRegistry(store, desk_file, host="desk")
    laptop = TaskRegistry(store, laptop_file, host="laptop")
    assert desk.reload(T0) and laptop.reload(T0)
    assert {(t.host, t.id) for t in store.tasks()} == {
        ("desk", "a"),
        ("desk", "s"),
        ("laptop", "b"),
        ("laptop", "s"),
    }
    desk_file.write_text("work/shared @s\n")  # the desk drops work/a
    assert load_task_file(desk_file) is not None
    assert desk.reload(T0 + timedelta(hours=1))
    active = {(t.host, t.id) for t in store.tasks()}
    assert active == {("desk", "s"), ("laptop", "b"), ("laptop", "s")}
    assert [t.path for t in merge_by_path(store.tasks())] == ["work/b", "work/shared"]
    assert {e.host for e in store.task_history()} == {"desk", "laptop"}


def test_host_less_records_are_adopted_once_and_nothing_is_lost(store: Store) -> None:
    """What the single-host versions wrote (no host) becomes the named host's, once."""
    store.upsert_tasks([Task("t1", "work/a", updated=T0), Task("t2", "work/b", updated=T0)])
    store.add_task_history([TaskHistoryEntry("t1", "old/a", T0)])
    store.put_state(state("", 5))
    laptop = state("laptop", 9)
    store.put_state(laptop)
    store.upsert_tasks([Task("t9", "work/laptop", updated=T0, host="laptop")])
    assert store.adopt_legacy("desk") == {"task": 2, "task_history": 1, "state": 1}
    assert store.adopt_legacy("desk") == {}
    assert {(t.host, t.id) for t in store.tasks()} == {
        ("desk", "t1"),
        ("desk", "t2"),
        ("laptop", "t9"),
    }
    assert [(e.host, e.path) for e in store.task_history()] == [("desk", "old/a")]
    assert store.get_state("desk") == replace(state("", 5), host="desk")
    assert store.get_state("laptop") == laptop
    assert len(store.states()) == 2
