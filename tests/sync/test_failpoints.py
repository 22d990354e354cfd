"""Failpoints: the specification, the kill, and each moment of the engine they stand for.

The engine tests stay in one process: the armed failpoint raises ``Crashed`` (a
BaseException the engine never catches) instead of SIGKILL, so the test can look at the
store and the remote at that very moment, then "restart" with a new engine. The real SIGKILL
is tested once here and, at every moment, by ``test_torture.py``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from deskmeter.store.sqlite import SQLiteStore
from deskmeter.sync import failpoints
from deskmeter.sync.changes import SyncConfigError
from deskmeter.sync.checkpoint import Checkpoint, Checkpoints
from deskmeter.sync.engine import SyncEngine
from deskmeter.sync.failpoints import Failpoints, FailpointSpecError, parse
from deskmeter.sync.sink import MongoSink
from deskmeter.sync.source import SQLiteSource
from tests.sync.support import (
    FAST,
    delete_switch,
    local_documents,
    remote_documents,
    seed,
    switch,
)

ROOT = Path(__file__).resolve().parents[2]
SWITCHES = 250  # three copy batches of FAST.batch_size (100)


class Crashed(BaseException):
    """The in-process stand-in for the SIGKILL."""


def crash() -> None:
    raise Crashed


@contextmanager
def armed(spec: str) -> Iterator[Failpoints]:
    points = Failpoints(parse(spec), kill=crash)
    failpoints.arm(points)
    try:
        yield points
    finally:
        failpoints.arm(None)


def engine_for(store: SQLiteStore, sink: MongoSink) -> SyncEngine:
    return SyncEngine(SQLiteSource(store, poll_seconds=FAST.poll_seconds), sink, store, FAST)


def crash_at(spec: str, store: SQLiteStore, sink: MongoSink) -> Checkpoint | None:
    """Run an engine until the failpoint ``spec`` kills it; the checkpoint it left."""
    with armed(spec) as points, pytest.raises(Crashed):
        engine_for(store, sink).run(until_caught_up=True)
    name = spec.split(":", maxsplit=1)[0]
    assert points.seen[name] == points.targets[name]
    return Checkpoints(store).load()


def restart_recovers(store: SQLiteStore, sink: MongoSink) -> SyncEngine:
    engine = engine_for(store, sink)
    engine.run(until_caught_up=True)
    assert remote_documents(sink) == local_documents(store)
    return engine


def remote_switches(sink: MongoSink) -> int:
    return int(sink.db["switch"].count_documents({}))


# -- the specification -------------------------------------------------------------------------


def test_a_specification_names_failpoints_and_the_hit_that_kills() -> None:
    assert parse("before_write:3, sweep:1") == {"before_write": 3, "sweep": 1}
    assert parse("copy_batch") == {"copy_batch": 1}
    assert parse(" ") == {}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nope:1", "unknown failpoint 'nope'"),
        ("sweep:0", "'sweep:0': the count must be a whole number >= 1"),
        ("sweep:x", "'sweep:x': the count must be a whole number >= 1"),
    ],
)
def test_a_bad_specification_is_a_config_error(spec: str, message: str) -> None:
    with pytest.raises(FailpointSpecError, match=message) as caught:
        failpoints.from_environment({failpoints.ENV: spec})
    assert isinstance(caught.value, SyncConfigError)
    assert "\n" not in str(caught.value)


def test_only_the_nth_hit_kills_and_it_is_recorded_first(tmp_path: Path) -> None:
    record = tmp_path / "fired.jsonl"
    kills: list[str] = []
    points = failpoints.from_environment(
        {failpoints.ENV: "after_write:3", failpoints.LOG_ENV: str(record)}
    )
    assert points is not None
    points.kill = lambda: kills.append(record.read_text())
    for _ in range(2):
        points.hit("after_write")
        points.hit("before_write")  # not armed: never counted
    assert kills == [] and not record.exists()
    points.hit("after_write")
    assert len(kills) == 1
    line = json.loads(kills[0])  # written (and synced) before the kill
    assert line["failpoint"] == "after_write" and line["hit"] == 3 and line["pid"] == os.getpid()
    points.hit("after_write")
    assert len(kills) == 1


def test_nothing_is_armed_without_the_variable() -> None:
    assert failpoints.from_environment({}) is None
    failpoints.arm(None)
    failpoints.hit("before_write")  # returns: nothing armed


def test_an_armed_failpoint_really_sigkills_the_process(tmp_path: Path) -> None:
    record = tmp_path / "fired.jsonl"
    code = (
        "from deskmeter.sync import failpoints\n"
        "failpoints.load()\n"
        "failpoints.hit('sweep'); print('first hit survived', flush=True)\n"
        "failpoints.hit('sweep'); print('second hit survived', flush=True)\n"
    )
    env = {**os.environ, failpoints.ENV: "sweep:2", failpoints.LOG_ENV: str(record)}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == -signal.SIGKILL
    assert result.stdout == "first hit survived\n"
    [line] = record.read_text().splitlines()
    assert json.loads(line)["failpoint"] == "sweep"


def test_sync_refuses_a_bad_specification_in_one_line(tmp_path: Path) -> None:
    env = {**os.environ, failpoints.ENV: "before_wirte:1"}
    store, remote = str(tmp_path / "s.db"), "mongodb://127.0.0.1:9/deskmeter"
    result = subprocess.run(
        [sys.executable, "-m", "deskmeter", "--store", store, "sync", "--remote", remote],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "unknown failpoint 'before_wirte'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


# -- each moment of the engine, and the restart after it ---------------------------------------


def test_copy_batch_kills_after_n_copy_batches_were_checkpointed(
    local_sqlite: SQLiteStore, remote_on_mongomock: MongoSink
) -> None:
    seed(local_sqlite, SWITCHES)
    saved = crash_at("copy_batch:2", local_sqlite, remote_on_mongomock)
    assert saved is not None and saved.copying is not None
    assert saved.copying.collection == "switch"
    assert saved.copying.after == f"{199:024x}"
    assert remote_switches(remote_on_mongomock) == 200
    assert restart_recovers(local_sqlite, remote_on_mongomock).copies == 1


def test_before_write_kills_before_anything_reaches_the_remote(
    local_sqlite: SQLiteStore, remote_on_mongomock: MongoSink
) -> None:
    seed(local_sqlite, SWITCHES)
    saved = crash_at("before_write:1", local_sqlite, remote_on_mongomock)
    assert saved is not None and saved.copying is not None and saved.copying.after is None
    assert remote_switches(remote_on_mongomock) == 0
    restart_recovers(local_sqlite, remote_on_mongomock)


def test_after_write_kills_between_a_copy_write_and_its_checkpoint(
    local_sqlite: SQLiteStore, remote_on_mongomock: MongoSink
) -> None:
    seed(local_sqlite, SWITCHES)
    saved = crash_at("after_write:1", local_sqlite, remote_on_mongomock)
    assert saved is not None and saved.copying is not None
    assert saved.copying.after is None  # the batch is on the remote, not in the checkpoint
    assert remote_switches(remote_on_mongomock) == 100
    restart_recovers(local_sqlite, remote_on_mongomock)


def test_between_collections_kills_after_a_whole_collection(
    local_sqlite: SQLiteStore, remote_on_mongomock: MongoSink
) -> None:
    seed(local_sqlite, SWITCHES)
    saved = crash_at("between_collections:1", local_sqlite, remote_on_mongomock)
    assert saved is not None and saved.copying is not None
    assert saved.copying.collection == "switch"
    assert remote_switches(remote_on_mongomock) == SWITCHES
    assert remote_on_mongomock.db["task"].count_documents({}) == 0
    restart_recovers(local_sqlite, remote_on_mongomock)


def test_before_checkpoint_kills_a_streamed_batch_written_but_not_checkpointed(
    local_sqlite: SQLiteStore, remote_on_mongomock: MongoSink
) -> None:
    seed(local_sqlite, 50)
    engine_for(local_sqlite, remote_on_mongomock).run(until_caught_up=True)
    synced = Checkpoints(local_sqlite).load()
    local_sqlite.add_switches(switch(i) for i in range(1000, 1005))
    saved = crash_at("before_checkpoint:1", local_sqlite, remote_on_mongomock)
    assert saved == synced  # the checkpoint did not move ...
    assert remote_switches(remote_on_mongomock) == 55  # ... though the remote has the batch
    assert restart_recovers(local_sqlite, remote_on_mongomock).copies == 0  # streamed again


def test_sweep_kills_with_the_extra_remote_documents_listed_but_not_deleted(
    local_sqlite: SQLiteStore, remote_on_mongomock: MongoSink
) -> None:
    seed(local_sqlite, SWITCHES)
    engine_for(local_sqlite, remote_on_mongomock).run(until_caught_up=True)
    delete_switch(local_sqlite, 7)
    local_sqlite.add_switch(switch(1000))
    local_sqlite.changelog.prune(local_sqlite.changelog.last_seq())  # past the checkpoint: resync
    saved = crash_at("sweep:1", local_sqlite, remote_on_mongomock)
    assert saved is not None and saved.copying is not None and "switch" in saved.copying.sweep
    assert remote_on_mongomock.db["switch"].find_one({"_id": f"{7:024x}"}) is not None
    assert restart_recovers(local_sqlite, remote_on_mongomock).copies == 1
    assert remote_on_mongomock.db["switch"].find_one({"_id": f"{7:024x}"}) is None


def test_every_failpoint_is_reached_by_the_engine() -> None:
    source = (ROOT / "src" / "deskmeter" / "sync" / "engine.py").read_text()
    for name in failpoints.NAMES:
        assert f'failpoints.hit("{name}")' in source, name
