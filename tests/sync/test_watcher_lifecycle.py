"""The SQLite source's file watcher: what wakes it, and that nothing it opens outlives the
sync command (real inotify, real SQLite files; the remote is MongoSink on mongomock, the
in-memory imitation, labelled in the helper's name)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import mongomock
import pytest
from typer.testing import CliRunner

from deskmeter.cli.main import app
from deskmeter.config import SyncSettings
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.sync import factory
from deskmeter.sync.inotify import InotifyWatcher
from deskmeter.sync.sink import MongoSink
from deskmeter.sync.source import SQLiteSource
from tests.sync.support import seed

RUNNER = CliRunner()


def inotify_descriptors() -> int:
    """This process's open inotify descriptors."""
    count = 0
    for fd in Path("/proc/self/fd").iterdir():
        try:
            count += os.readlink(fd) == "anon_inode:inotify"
        except OSError:
            continue
    return count


def watcher_threads() -> list[str]:
    """Threads a file watcher starts (watchdog's observer and emitters, the stop relay)."""
    return [
        t.name
        for t in threading.enumerate()
        if t.is_alive()
        and (t.name == "sync-stop-relay" or type(t).__module__.startswith("watchdog"))
    ]


def mongomock_sink_factory(
    remote: str | None, settings: SyncSettings, local: str, host: str | None = None
) -> MongoSink:
    """Stand-in for the remote server: the real MongoSink on a mongomock client."""
    assert remote is not None
    return MongoSink(remote, client=mongomock.MongoClient(tz_aware=True), host=host)


def test_sync_once_through_the_cli_leaves_no_watcher_open_on_mongomock(
    tmp_path: Path, xdg: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "local.db"
    with SQLiteStore(db) as store:
        seed(store, 10)
    monkeypatch.setattr(factory, "make_sink", mongomock_sink_factory)
    fds, threads = inotify_descriptors(), watcher_threads()
    result = RUNNER.invoke(
        app, ["--store", str(db), "sync", "--remote", "mongodb://remote.test/dm", "--once"]
    )
    assert result.exit_code == 0, result.output
    assert inotify_descriptors() == fds
    assert watcher_threads() == threads


def test_sync_status_opens_no_watcher(tmp_path: Path, xdg: Path) -> None:
    db = tmp_path / "local.db"
    with SQLiteStore(db) as store:
        seed(store, 3)
    fds, threads = inotify_descriptors(), watcher_threads()
    result = RUNNER.invoke(app, ["--store", str(db), "sync", "status"])
    assert result.exit_code == 0, result.output
    assert inotify_descriptors() == fds
    assert watcher_threads() == threads


def test_closing_the_source_releases_its_watcher_and_a_later_wait_reopens_it(
    local_sqlite: SQLiteStore,
) -> None:
    fds = inotify_descriptors()
    source = SQLiteSource(local_sqlite, safety_poll_seconds=3600)
    assert source.watching and inotify_descriptors() == fds + 1
    source.close_watcher()
    assert not source.watching and inotify_descriptors() == fds
    stop = threading.Event()
    stop.set()
    source.wait_for_change(stop, 0.0)  # the engine running again: it watches again
    assert source.watching
    source.close_watcher()
    assert inotify_descriptors() == fds


def test_a_commit_wakes_the_inotify_watcher_and_another_file_in_the_folder_does_not(
    tmp_path: Path,
) -> None:
    db = tmp_path / "local.db"
    writer = SQLiteStore(db)
    seed(writer, 1)
    watcher = InotifyWatcher(db)
    watcher.start()
    stop = threading.Event()
    try:
        (tmp_path / "notes.txt").write_text("not the database\n")
        assert not watcher.wait(stop, 0.3)
        seed(writer, 2)  # a commit: the WAL is written
        assert watcher.wait(stop, 30)
    finally:
        watcher.close()
        writer.close()


def test_setting_stop_wakes_a_watcher_sleeping_for_an_hour(tmp_path: Path) -> None:
    db = tmp_path / "local.db"
    SQLiteStore(db).close()
    watcher = InotifyWatcher(db)
    watcher.start()
    stop = threading.Event()
    woke: list[bool] = []
    sleeper = threading.Thread(target=lambda: woke.append(watcher.wait(stop, 3600)))
    sleeper.start()
    stop.set()
    sleeper.join(30)
    watcher.close()
    assert not sleeper.is_alive() and woke == [False]
