"""The tracker, ``deskmeter status`` and the dashboard's "now" use their own host's state.

A store may hold other hosts' open intervals (a synced MongoDB, a remote): a tracker starting
on the desk must recover and close only the desk's, never the laptop's; ``status`` on the
desk shows the desk's interval even when the laptop's heartbeat is newer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import mongomock
import pytest

from deskmeter.config import Settings
from deskmeter.models import State, Task
from deskmeter.store import Store
from deskmeter.store.mongo import MongoStore
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.tasks.registry import TaskRegistry
from deskmeter.tracker.clock import FakeClock
from deskmeter.tracker.daemon import Tracker
from deskmeter.tracker.events import WorkspaceChanged

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def open_backend(kind: str, tmp_path: Path) -> Store:
    if kind == "sqlite":
        return SQLiteStore(tmp_path / "t.db")
    client = mongomock.MongoClient(tz_aware=True)
    return MongoStore("mongodb://mongomock.invalid", client=client, database="dm")


@pytest.mark.parametrize("backend", ["sqlite", "mongomock"])
def test_a_tracker_recovers_and_writes_only_its_own_hosts_state_and_tasks(
    tmp_path: Path, backend: str
) -> None:
    store = open_backend(backend, tmp_path)
    laptop = State(1, "Mail", T0, T0 + timedelta(minutes=9), "iv-laptop", host="laptop")
    desk_left = State(0, "Code", T0, T0 + timedelta(minutes=5), "iv-desk", host="desk")
    store.put_state(laptop)
    store.put_state(desk_left)  # the desk's tracker was killed
    store.upsert_tasks([Task("work/a", "work/laptop-a", updated=T0, host="laptop")])
    (tmp_path / "tasks.txt").write_text("* work/a\n")
    settings = Settings(
        store=str(tmp_path / "t.db"), task_file=tmp_path / "tasks.txt", host="desk", timezone="UTC"
    )
    clock = FakeClock(T0 + timedelta(hours=1))
    tracker = Tracker(store, settings, TaskRegistry(store, settings.task_file), clock)
    tracker.start()
    (recovered,) = store.switches()
    assert (recovered.id, recovered.host, recovered.delta) == ("iv-desk", "desk", 300.0)
    assert store.get_state("desk") is None and store.get_state("laptop") == laptop
    tracker.step(WorkspaceChanged(2))
    now = store.get_state("desk")
    assert now is not None and now.task == "work/a" and now.host == "desk"
    assert store.get_state("laptop") == laptop
    assert {(t.host, t.path) for t in store.tasks()} == {
        ("desk", "work/a"),
        ("laptop", "work/laptop-a"),
    }
    tracker.shutdown()
    assert store.get_state("desk") is None and store.get_state("laptop") == laptop


def test_status_shows_this_hosts_interval_not_the_most_recent_one(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = SQLiteStore(path)
    store.put_state(State(0, "Code", T0, T0 + timedelta(minutes=1), "iv1", "d", "work/d", "desk"))
    store.put_state(State(1, "Mail", T0, T0 + timedelta(minutes=9), "iv2", "l", "work/l", "laptop"))
    store.close()
    env = {**os.environ, "DESKMETER_HOST": "desk", "DESKMETER_TIMEZONE": "UTC"}
    env.pop("DESKMETER_CONFIG", None)
    shown = subprocess.run(
        [sys.executable, "-m", "deskmeter", "--store", str(path), "status", "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env=env,
    )
    info = json.loads(shown.stdout)
    assert (info["host"], info["task"], info["workspace"]) == ("desk", "work/d", "Code")
