"""Issue 22, item 1: two edits at once never count time twice.

Two real processes (SQLite: one file, two connections) make random ``task``/``away`` edits
over one host's morning at the same time; afterwards the host's switches still cover the
morning exactly once: none overlaps another, and their durations add up to the span. Before
the fix each edit read the switches outside its write transaction, so both processes split
the same switch and both pieces stayed. The MongoDB backend runs on mongomock (a stand-in:
two threads with a store each over one mongomock client, since mongomock cannot be shared
between processes). An undo and the tracker's ``close_interval`` racing an edit are checked
too.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import mongomock
import pytest

from deskmeter.edits.errors import EditError
from deskmeter.edits.operations import make_edit, undo_last
from deskmeter.models import State, Switch, Task
from deskmeter.store import Store
from deskmeter.store.mongo import MongoStore
from deskmeter.store.sqlite import SQLiteStore

HOST = "desk"
MORNING = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
SPAN = 12_600  # 08:00 – 11:30
NOW = MORNING + timedelta(hours=6)
EDITS = 60


def _fill(store: Store) -> None:
    store.upsert_tasks(
        [Task(id=p, path=p, updated=MORNING, host=HOST) for p in ("work/a", "work/b")]
    )
    store.add_switches(
        Switch(
            id=f"m{i:03d}",
            date=MORNING + timedelta(seconds=300 * i),
            delta=300.0,
            workspace_index=i % 3,
            workspace=f"ws{i % 3}",
            task_id="work/a",
            task="work/a",
            host=HOST,
        )
        for i in range(SPAN // 300)
    )


def _random_edits(store: Store, seed: int, count: int = EDITS) -> None:
    rng = random.Random(seed)
    for _ in range(count):
        start = MORNING + timedelta(minutes=rng.randrange(0, SPAN // 60 - 1))
        end = start + timedelta(minutes=rng.randrange(1, 60))
        op = rng.choice(("task", "away", "task"))
        path = rng.choice(("work/a", "work/b")) if op == "task" else None
        with contextlib.suppress(EditError):  # e.g. nothing tracked there: nothing changed
            make_edit(store, op, start, end, path, who="test", now=NOW, host=HOST)


def _edit_sqlite_file(path: str, seed: int, ready: object) -> None:
    store = SQLiteStore(path)
    ready.wait()  # type: ignore[attr-defined]
    _random_edits(store, seed)
    store.close()


def _assert_counted_once(store: Store) -> None:
    switches = sorted(store.switches(host=HOST), key=lambda s: (s.date, s.id))
    overlap = sum(
        max(0.0, (a.end - b.date).total_seconds()) for a, b in itertools.pairwise(switches)
    )
    assert overlap == 0, f"{overlap:.0f} s of switches overlap"
    assert round(sum(s.delta for s in switches), 3) == SPAN
    assert switches[0].date == MORNING


def test_two_processes_editing_one_sqlite_store_leave_no_overlap(tmp_path: Path) -> None:
    path = tmp_path / "edits.db"
    store = SQLiteStore(path)
    _fill(store)
    spawn = multiprocessing.get_context("spawn")
    ready = spawn.Event()
    workers = [
        spawn.Process(target=_edit_sqlite_file, args=(str(path), seed, ready)) for seed in (1, 2)
    ]
    for worker in workers:
        worker.start()
    ready.set()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    _assert_counted_once(store)
    assert len(store.edits()) > EDITS  # both processes really edited


def _mongomock_stores(count: int) -> list[Store]:
    client = mongomock.MongoClient(tz_aware=True)
    return [
        MongoStore("mongodb://mongomock.invalid/deskmeter", client=client, database="deskmeter")
        for _ in range(count)
    ]


def _in_threads(steps: list[Callable[[], None]]) -> None:
    barrier = threading.Barrier(len(steps))
    failures: list[BaseException] = []

    def run(step: Callable[[], None]) -> None:
        barrier.wait()
        try:
            step()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(step,)) for step in steps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not failures, failures


def test_two_editors_on_mongomock_leave_no_overlap() -> None:
    """mongomock stand-in for MongoDB: two threads, one store each, one database."""
    first, second = _mongomock_stores(2)
    _fill(first)
    _in_threads([lambda: _random_edits(first, 1), lambda: _random_edits(second, 2)])
    _assert_counted_once(first)


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_edits_and_undos_at_once_leave_no_overlap(kind: str, tmp_path: Path) -> None:
    """SQLite: two threads with a connection each; MongoDB on mongomock (a stand-in)."""
    if kind == "sqlite":
        stores: list[Store] = [SQLiteStore(tmp_path / "u.db"), SQLiteStore(tmp_path / "u.db")]
    else:
        stores = _mongomock_stores(2)
    _fill(stores[0])

    def undoing() -> None:
        for _ in range(EDITS // 2):
            with contextlib.suppress(EditError):  # nothing to undo yet
                undo_last(stores[1], who="test", now=NOW, host=HOST)

    _in_threads([lambda: _random_edits(stores[0], 3), undoing])
    _assert_counted_once(stores[0])


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_an_edit_racing_the_trackers_close_interval_leaves_no_overlap(
    kind: str, tmp_path: Path
) -> None:
    """The tracker closes its open interval (since 11:30) while edits run up to "now"."""
    if kind == "sqlite":
        stores: list[Store] = [SQLiteStore(tmp_path / "t.db"), SQLiteStore(tmp_path / "t.db")]
    else:
        stores = _mongomock_stores(2)
    _fill(stores[0])
    since = MORNING + timedelta(seconds=SPAN)
    stores[0].put_state(_state(since))

    def tracking() -> None:
        at = since
        for i in range(40):
            later = at + timedelta(seconds=60)
            closed = Switch(
                id=f"t{i:03d}",
                date=at,
                delta=60.0,
                workspace_index=0,
                workspace="ws0",
                task_id="work/a",
                task="work/a",
                host=HOST,
            )
            stores[1].close_interval(closed, _state(later))
            at = later

    def editing() -> None:
        rng = random.Random(4)
        for _ in range(40):
            start = since - timedelta(minutes=rng.randrange(1, 30))
            with contextlib.suppress(EditError):
                make_edit(stores[0], "away", start, NOW, who="test", now=NOW, host=HOST)

    _in_threads([tracking, editing])
    switches = sorted(stores[0].switches(host=HOST), key=lambda s: (s.date, s.id))
    for a, b in itertools.pairwise(switches):
        assert a.end <= b.date, (a, b)
    assert round(sum(s.delta for s in switches), 3) == SPAN + 40 * 60


def _state(since: datetime) -> State:
    return State(
        workspace_index=0,
        workspace="ws0",
        since=since,
        heartbeat=since,
        interval_id=f"open-{since.timestamp():.0f}",
        task_id="work/a",
        task="work/a",
        host=HOST,
    )


def test_the_mongodb_edit_lock_waits_then_says_busy_and_takes_over_a_stale_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """mongomock stand-in: the per-host lock document in ``meta`` (``Store.editing``)."""
    from deskmeter.store import base

    (store,) = _mongomock_stores(1)
    _fill(store)
    key = base.EDIT_LOCK_KEY.format(host=HOST)
    monkeypatch.setattr(base, "EDIT_WAIT_SECONDS", 0.2)
    store.set_meta(key, f"other {time.time() + 60:.3f}")  # another editor holds it
    with pytest.raises(EditError, match="in progress"):
        make_edit(
            store, "away", MORNING, MORNING + timedelta(minutes=5), who="test", now=NOW, host=HOST
        )
    assert store.edits() == []
    store.set_meta(key, f"crashed {time.time() - 1:.3f}")  # its holder died long ago
    make_edit(
        store, "away", MORNING, MORNING + timedelta(minutes=5), who="test", now=NOW, host=HOST
    )
    assert len(store.edits()) == 1
    assert store.get_meta(key) is None  # released
