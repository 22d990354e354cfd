"""The SQLite backend's change log: which documents changed, for sync's SQLite source.

It costs nothing while sync is not configured: nothing is recorded until the sync source
takes its first start position (``start``), which turns recording on in the same
transaction; the full copy that follows covers everything written before. From then on
every write of the store records, in its own transaction, one row per changed document
(a document keeps only its newest row: sync ships the document as it is now), and sync
prunes what it has applied, so the log holds only unsynced changes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Literal

from deskmeter.store.base import Change

#: meta key: "1" once sync has started reading the log (then every write records).
ENABLED = "changelog_enabled"
#: meta key: the highest seq that was pruned (a checkpoint below it must resync).
PRUNED_THROUGH = "changelog_pruned_through"

Op = Literal["upsert", "delete"]


class ChangeLog:
    """The ``changelog`` table of one SQLite store.

    ``connection`` gives the calling thread's connection for reads; ``transaction`` opens a
    write transaction (``BEGIN IMMEDIATE``) and yields its connection.
    """

    def __init__(
        self,
        connection: Callable[[], sqlite3.Connection],
        transaction: Callable[[], AbstractContextManager[sqlite3.Connection]],
    ) -> None:
        self._connection = connection
        self._transaction = transaction

    # -- writing (inside the store's write transactions) ------------------------------------

    @staticmethod
    def recording(db: sqlite3.Connection) -> bool:
        """Whether writes are recorded, read inside the writer's transaction."""
        row = db.execute("SELECT value FROM meta WHERE key = ?", (ENABLED,)).fetchone()
        return row is not None and row[0] == "1"

    @classmethod
    def record(
        cls, db: sqlite3.Connection, collection: str, doc_ids: Iterable[str], op: Op
    ) -> None:
        """Note that ``doc_ids`` of ``collection`` changed (when recording is on)."""
        if not cls.recording(db):
            return
        ids = list(dict.fromkeys(doc_ids))
        if not ids:
            return
        at = datetime.now(UTC).timestamp()
        # two statements whatever the number, the ids as one JSON array (``executemany``
        # would run an INSERT per document, each updating AUTOINCREMENT's counter)
        listed = json.dumps(ids)
        db.execute(
            "DELETE FROM changelog WHERE collection = ? "
            "AND doc_id IN (SELECT value FROM json_each(?))",
            (collection, listed),
        )
        db.execute(
            "INSERT INTO changelog (collection, doc_id, op, at) "
            "SELECT ?, value, ?, ? FROM json_each(?) ORDER BY key",
            (collection, op, at, listed),
        )

    # -- reading (the sync source) ----------------------------------------------------------

    def enabled(self) -> bool:
        return self.recording(self._connection())

    def start(self) -> int:
        """Turn recording on (if it is not yet) and return the newest seq, in one step."""
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')", (ENABLED,))
            return _last_seq(db)

    def changes_after(self, seq: int, limit: int = 1000) -> list[Change]:
        """Entries with a sequence number above ``seq``, oldest first."""
        rows = self._connection().execute(
            "SELECT seq, collection, doc_id, op, at FROM changelog WHERE seq > ? "
            "ORDER BY seq LIMIT ?",
            (seq, limit),
        )
        return [Change(r[0], r[1], r[2], r[3], datetime.fromtimestamp(r[4], UTC)) for r in rows]

    def last_seq(self) -> int:
        """The sequence number of the newest change ever logged (0 when none)."""
        return _last_seq(self._connection())

    def pending(self, seq: int) -> int:
        """How many entries are above ``seq``."""
        row = self._connection().execute("SELECT COUNT(*) FROM changelog WHERE seq > ?", (seq,))
        return int(row.fetchone()[0])

    def pruned_through(self) -> int:
        row = (
            self._connection()
            .execute("SELECT value FROM meta WHERE key = ?", (PRUNED_THROUGH,))
            .fetchone()
        )
        return int(row[0]) if row else 0

    def prune(self, through: int) -> int:
        """Drop the entries up to ``through`` (applied by sync); return how many."""
        with self._transaction() as db:
            dropped = db.execute("DELETE FROM changelog WHERE seq <= ?", (through,)).rowcount
            row = db.execute("SELECT value FROM meta WHERE key = ?", (PRUNED_THROUGH,)).fetchone()
            before = int(row[0]) if row else 0
            db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                (PRUNED_THROUGH, str(max(through, before))),
            )
        return int(dropped)


def _last_seq(db: sqlite3.Connection) -> int:
    row = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'changelog'").fetchone()
    return int(row[0]) if row else 0
