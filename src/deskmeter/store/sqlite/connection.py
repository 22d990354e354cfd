"""The SQLite backend's connections: one per thread, WAL, serialized write transactions.

gunicorn's threads read in parallel (WAL lets them while another writes). Writes take the
write lock and ``BEGIN IMMEDIATE``, so they are serialized inside the process and, through
SQLite's file lock, between processes. Every part of the store (store/sqlite/*.py) reads and
writes through one ``Connections``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def to_seconds(value: datetime) -> float:
    """A task's, history entry's or state's time as stored: float seconds since the epoch."""
    return value.timestamp()


def from_seconds(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def enter_wal(db: sqlite3.Connection, *, patience: float) -> None:
    """Put the file in WAL mode, waiting out another process that is doing the same.

    Two processes opening a new file at once (the tracker and the CLI, say) both ask for
    WAL; the change needs the file to itself, and SQLite answers "database is locked" at
    once, without its busy handler, to the one that loses. It is tried again until the
    other is done (``patience`` seconds at most, the connection's own busy timeout).
    """
    deadline = time.monotonic() + patience
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class Connections:
    """The connections to one SQLite file (WAL mode), safe to share between threads."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        #: Open an existing file only, never create one (``mode=rw`` has no create).
        self.read_only = read_only
        #: Held by every write transaction (re-entrant: a switch write nests the others).
        self.write_lock = threading.RLock()
        self._local = threading.local()
        self._connections: dict[int, sqlite3.Connection] = {}
        self._connections_lock = threading.Lock()
        self._closed = False

    def _open(self) -> sqlite3.Connection:
        target: str | Path = self.path
        if self.read_only:
            target = f"{self.path.absolute().as_uri()}?mode=rw"
        db = sqlite3.connect(
            target, timeout=30, isolation_level=None, check_same_thread=False, uri=self.read_only
        )
        enter_wal(db, patience=30.0)
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        return db

    def db(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use, and anew in a forked child)."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is not None and self._local.pid == os.getpid():
            return db
        if self._closed:
            raise sqlite3.ProgrammingError(f"the store {self.path} is closed")
        db = self._open()
        self._local.db, self._local.pid = db, os.getpid()
        with self._connections_lock:
            alive = {t.ident for t in threading.enumerate()}
            for ident in [i for i in self._connections if i not in alive]:
                self._connections.pop(ident).close()  # its thread has ended
            self._connections[threading.get_ident()] = db
        return db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction on this thread's connection: all of it commits, or nothing."""
        with self.write_lock:
            db = self.db()
            if db.in_transaction:  # nested: part of the transaction already open
                yield db
                return
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):  # never hide the real error
                    db.execute("ROLLBACK")
                raise

    @contextmanager
    def reading(self, db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        """One read snapshot (WAL) around several queries; part of a transaction if open."""
        if db.in_transaction:
            yield db
            return
        db.execute("BEGIN")
        try:
            yield db
        finally:
            db.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.db().execute(sql, params).fetchall()

    def schema_version(self) -> int:
        return int(self.query("PRAGMA user_version")[0][0])

    def data_version(self) -> int:
        """``PRAGMA data_version`` of this thread's connection: it changes when another
        connection (any process) commits, not on this connection's own commits."""
        return int(self.query("PRAGMA data_version")[0][0])

    def close(self) -> None:
        with self._connections_lock:
            self._closed = True
            for db in self._connections.values():
                db.close()
            self._connections.clear()
        self._local = threading.local()
