"""The engine end to end: the real SQLite change log → MongoSink on mongomock."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest

from deskmeter.models import State
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.sync.changes import DocChange, RemoteUnavailableError
from deskmeter.sync.checkpoint import Checkpoints
from deskmeter.sync.engine import SyncEngine
from deskmeter.sync.sink import MongoSink
from deskmeter.sync.source import SQLiteSource
from tests.support.waiting import wait_for
from tests.sync.support import (
    FAST,
    T0,
    local_documents,
    remote_documents,
    running,
    seed,
    switch,
)


def engine_for(store: SQLiteStore, sink: Any) -> SyncEngine:
    return SyncEngine(SQLiteSource(store, poll_seconds=FAST.poll_seconds), sink, store, FAST)


def test_first_sync_copies_everything_then_streams_later_changes(
    local_sqlite: SQLiteStore, remote_on_mongomock: MongoSink
) -> None:
    seed(local_sqlite, 250)
    engine = engine_for(local_sqlite, remote_on_mongomock)
    engine.run(until_caught_up=True)
    assert engine.copies == 1
    assert remote_documents(remote_on_mongomock) == local_documents(local_sqlite)

    local_sqlite.add_switches([switch(i, delta=5) for i in range(240, 300)])  # 10 replaced
    local_sqlite.put_state(None, host="box")  # a delete
    engine.stop.clear()
    engine.run(until_caught_up=True)
    assert engine.copies == 1, "streaming must not copy again"
    remote = remote_documents(remote_on_mongomock)
    assert remote == local_documents(local_sqlite)
    assert remote["state"] == {}
    assert remote["switch"][f"{245:024x}"]["delta"] == 5


def test_changes_written_during_the_copy_are_not_missed(
    local_sqlite: SQLiteStore, remote_on_mongomock: MongoSink
) -> None:
    seed(local_sqlite, 450)
    written: list[int] = []

    class WritesWhileCopying:
        """Delegates to the sink; the tracker writes between the copy's batches."""

        def __getattr__(self, name: str) -> Any:
            return getattr(remote_on_mongomock, name)

        def apply(self, changes: list[DocChange]) -> int:
            if len(written) < 3:
                n = 1000 + len(written)
                local_sqlite.add_switch(switch(n))
                local_sqlite.add_switch(switch(len(written), delta=1))  # an already-copied one
                written.append(n)
            return remote_on_mongomock.apply(changes)

    engine = engine_for(local_sqlite, WritesWhileCopying())
    engine.run(until_caught_up=True)
    assert written == [1000, 1001, 1002]
    remote = remote_documents(remote_on_mongomock)
    assert remote == local_documents(local_sqlite)
    assert remote["switch"][f"{0:024x}"]["delta"] == 1


def test_a_pruned_change_log_triggers_a_logged_full_resync(
    local_sqlite: SQLiteStore, remote_on_mongomock: MongoSink, caplog: pytest.LogCaptureFixture
) -> None:
    seed(local_sqlite, 100)
    engine = engine_for(local_sqlite, remote_on_mongomock)
    engine.run(until_caught_up=True)
    # While sync is away: a delete and new switches, then the log is pruned past them.
    local_sqlite.delete_switches([f"{3:024x}"])
    local_sqlite.add_switches([switch(i) for i in range(100, 120)])
    local_sqlite.changelog.prune(local_sqlite.changelog.last_seq())
    caplog.set_level(logging.INFO, "deskmeter.sync")
    engine = engine_for(local_sqlite, remote_on_mongomock)
    engine.run(until_caught_up=True)
    assert engine.copies == 1
    assert any("full resync" in r.message and "pruned" in r.message for r in caplog.records)
    remote = remote_documents(remote_on_mongomock)
    assert remote == local_documents(local_sqlite)
    assert f"{3:024x}" not in remote["switch"], "the resync removes what was deleted locally"
    status = local_sqlite.get_meta("sync.status") or ""
    assert "pruned" in status


def test_a_checkpoint_for_another_remote_means_a_full_copy(
    local_sqlite: SQLiteStore, remote_on_mongomock: MongoSink
) -> None:
    seed(local_sqlite, 30)
    engine_for(local_sqlite, remote_on_mongomock).run(until_caught_up=True)
    other = MongoSink(
        "mongodb://elsewhere.test/deskmeter", client=remote_on_mongomock.client, host="box"
    )
    engine = engine_for(local_sqlite, other)
    engine.run(until_caught_up=True)
    assert engine.copies == 1
    assert len(remote_documents(other)["switch"]) == 30
    saved = Checkpoints(local_sqlite).load()
    assert saved is not None and saved.remote == "mongodb://elsewhere.test/deskmeter"


def test_the_checkpoint_is_saved_only_after_the_remote_acknowledged(
    local_sqlite: SQLiteStore, remote_on_mongomock: MongoSink
) -> None:
    seed(local_sqlite, 10)
    engine = engine_for(local_sqlite, remote_on_mongomock)
    engine.run(until_caught_up=True)
    before = Checkpoints(local_sqlite).load()
    assert before is not None
    local_sqlite.add_switches([switch(i) for i in range(10, 20)])

    class Refuses:
        def __getattr__(self, name: str) -> Any:
            return getattr(remote_on_mongomock, name)

        def apply(self, changes: list[DocChange]) -> int:
            raise RemoteUnavailableError("cannot reach the remote: test outage")

    refusing = engine_for(local_sqlite, Refuses())
    with pytest.raises(RemoteUnavailableError):
        refusing.step()
    after = Checkpoints(local_sqlite).load()
    assert after == before


def test_sigterm_during_a_batch_finishes_it_and_saves_the_checkpoint(
    local_sqlite: SQLiteStore, remote_on_mongomock: MongoSink
) -> None:
    seed(local_sqlite, 5)
    engine = engine_for(local_sqlite, remote_on_mongomock)
    engine.run(until_caught_up=True)
    local_sqlite.add_switches([switch(i) for i in range(5, 305)])  # three batches of 100

    class StopMidBatch:
        def __getattr__(self, name: str) -> Any:
            return getattr(remote_on_mongomock, name)

        def apply(self, changes: list[DocChange]) -> int:
            engine.request_stop()  # the signal handler runs while the batch is in flight
            return remote_on_mongomock.apply(changes)

    engine = engine_for(local_sqlite, StopMidBatch())
    engine.run()
    saved = Checkpoints(local_sqlite).load()
    assert saved is not None
    applied = remote_documents(remote_on_mongomock)["switch"]
    assert len(applied) == 5 + 100, "exactly the batch in flight was finished"
    assert local_sqlite.changelog.pending(saved.position) == 200
    status = local_sqlite.get_meta("sync.status") or ""
    assert '"state": "stopped"' in status


def test_remote_down_for_a_while_then_back_gets_everything(
    local_sqlite: SQLiteStore, remote_on_mongomock: MongoSink
) -> None:
    seed(local_sqlite, 20)
    outage = {"down": False, "refused": 0}

    class FlakyLink:
        """The sink behind a link the test can cut (an SSH tunnel going away)."""

        def __getattr__(self, name: str) -> Any:
            return getattr(remote_on_mongomock, name)

        def _gate(self) -> None:
            if outage["down"]:
                outage["refused"] += 1
                raise RemoteUnavailableError("cannot reach the remote: tunnel down")

        def check(self) -> None:
            self._gate()
            remote_on_mongomock.check()

        def apply(self, changes: list[DocChange]) -> int:
            self._gate()
            return remote_on_mongomock.apply(changes)

    engine = engine_for(local_sqlite, FlakyLink())
    with running(engine):
        wait_for(lambda: engine.copies == 1, what="the first copy")
        outage["down"] = True
        for i in range(20, 1020):
            local_sqlite.add_switch(switch(i))
        local_sqlite.put_state(State(2, "ws2", T0, T0 + timedelta(hours=1), "abc", host="box"))
        wait_for(lambda: outage["refused"] >= 8, what="retries during the outage")
        assert engine.backoff.failures >= 8
        assert len(remote_documents(remote_on_mongomock)["switch"]) <= 20 + FAST.batch_size
        status = local_sqlite.get_meta("sync.status") or ""
        assert "tunnel down" in status
        outage["down"] = False
        wait_for(
            lambda: remote_documents(remote_on_mongomock) == local_documents(local_sqlite),
            what="catching up after the outage",
        )
    assert engine.backoff.failures == 0


def test_backoff_doubles_up_to_its_cap() -> None:
    from deskmeter.sync.engine import Backoff

    backoff = Backoff(1.0, 30.0, jitter=0.0)
    assert [backoff.next() for _ in range(7)] == [1, 2, 4, 8, 16, 30, 30]
    backoff.reset()
    assert backoff.next() == 1
