"""The SQLite source reacts to commits instead of polling: real SQLite files, real inotify
(watchdog), a real second process writing, the real MongoSink on mongomock (the remote is the
in-memory imitation, labelled so in the fixture).

The safety poll is set to an hour, so a change that arrives came by the watcher: the tests
assert on arrival and on the number of reads, never on how fast."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from deskmeter.config import SyncSettings
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.sync.engine import SyncEngine
from deskmeter.sync.sink import MongoSink
from deskmeter.sync.source import SQLiteSource
from tests.support.waiting import wait_for
from tests.sync.support import remote_documents, running, seed, switch

#: No poll to speak of: an hour between safety polls, an hour between heartbeats.
NO_POLL = SyncSettings(safety_poll_seconds=3600, heartbeat_seconds=3600, poll_seconds=60)

WRITER = """
import sys
from deskmeter.store.sqlite import SQLiteStore
from tests.sync.support import switch
store = SQLiteStore(sys.argv[1])
store.add_switch(switch(int(sys.argv[2])))
store.close()
"""


class CountingSource(SQLiteSource):
    """The real SQLite source, counting its reads of the change log."""

    reads = 0

    def read(self, position, limit):  # type: ignore[no-untyped-def]
        self.reads += 1
        return super().read(position, limit)


def write_from_another_process(db: Path, number: int) -> None:
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=f"{root / 'src'}{os.pathsep}{root}")
    subprocess.run([sys.executable, "-c", WRITER, str(db), str(number)], env=env, check=True)


def remote_switch_ids(sink: MongoSink) -> set[str]:
    return {str(i) for i in remote_documents(sink)["switch"]}


def test_a_commit_by_another_process_reaches_the_remote_with_no_poll(
    local_sqlite: SQLiteStore, remote_on_mongomock: MongoSink
) -> None:
    seed(local_sqlite, 20)
    source = CountingSource(local_sqlite, safety_poll_seconds=NO_POLL.safety_poll_seconds)
    assert source.watching and source.idle_wait == 3600
    engine = SyncEngine(source, remote_on_mongomock, local_sqlite, NO_POLL)
    with running(engine):
        wait_for(lambda: engine.copies == 1 and engine.checkpoint is not None, timeout=30)
        for number in (5_000, 5_001):
            write_from_another_process(local_sqlite.path, number)
            wanted = switch(number).id
            assert wait_for(
                lambda w=wanted: w in remote_switch_ids(remote_on_mongomock),  # type: ignore[misc]
                timeout=30,
            )


def test_an_idle_source_does_not_read_until_something_is_committed(
    local_sqlite: SQLiteStore, remote_on_mongomock: MongoSink
) -> None:
    seed(local_sqlite, 5)
    source = CountingSource(local_sqlite, safety_poll_seconds=NO_POLL.safety_poll_seconds)
    engine = SyncEngine(source, remote_on_mongomock, local_sqlite, NO_POLL)
    with running(engine):
        wait_for(lambda: engine.copies == 1 and engine.checkpoint is not None, timeout=30)
        settled = threading.Event()
        settled.wait(1.0)  # let the engine go to sleep (its own last writes wake it once)
        before = source.reads
        settled.wait(2.0)
        assert source.reads == before  # a 0.2 s poll would have read ten times
        write_from_another_process(local_sqlite.path, 6_000)
        assert wait_for(lambda: source.reads > before, timeout=30)
        wanted = switch(6_000).id
        assert wait_for(lambda: wanted in remote_switch_ids(remote_on_mongomock), timeout=30)


def test_stop_wakes_a_sleeping_source(
    local_sqlite: SQLiteStore, remote_on_mongomock: MongoSink
) -> None:
    seed(local_sqlite, 5)
    source = SQLiteSource(local_sqlite, safety_poll_seconds=NO_POLL.safety_poll_seconds)
    engine = SyncEngine(source, remote_on_mongomock, local_sqlite, NO_POLL)
    with running(engine) as thread:
        wait_for(lambda: engine.copies == 1 and engine.checkpoint is not None, timeout=30)
    assert not thread.is_alive()  # `running` joined it after request_stop (an hour's poll)


def test_a_source_told_not_to_watch_polls_at_poll_seconds(local_sqlite: SQLiteStore) -> None:
    source = SQLiteSource(local_sqlite, poll_seconds=0.05, watch=False)
    assert not source.watching and source.idle_wait == 0.05
