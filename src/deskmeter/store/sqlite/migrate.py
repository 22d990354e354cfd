"""Creating a new SQLite file, and moving a version 1, 2 or 3 file to version 4 in place.

Versions 1 and 2 go to 3 (``upgrade_legacy``), then 3 goes to 4 (``upgrade_v3``: per-host
state and tasks, see store/sqlite/schema.py); the host-less rows of the single-host versions
become the host the file's state names (store/adopt.py).

Everything runs inside the caller's write transaction (``BEGIN IMMEDIATE``): a crash or an
error at any point leaves the file as it was, in its old version. The data is checked before
the old table goes: every switch is read back in the new layout and compared with the old.
"""

from __future__ import annotations

import logging
import socket
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from deskmeter.models import Switch, state_key
from deskmeter.store.adopt import adopt, legacy_owner
from deskmeter.store.base import StoreError
from deskmeter.store.sqlite.changelog import ENABLED, ChangeLog
from deskmeter.store.sqlite.codec import (
    LABEL_COLUMNS,
    SWITCH_COLUMNS,
    SWITCH_MARKS,
    Labels,
    encode_id,
    row_switch,
    switch_rows,
    switch_texts,
)
from deskmeter.store.sqlite.connection import Connections
from deskmeter.store.sqlite.documents import SQLiteDocuments
from deskmeter.store.sqlite.schema import LEGACY_TRIGGER_NAMES, SCHEMA, SCHEMA_VERSION, statements

log = logging.getLogger(__name__)

_LEGACY_COLUMNS = "id, date, delta, workspace_index, workspace, task_id, task, host"
_CHUNK = 5000


def migrate(connections: Connections) -> None:
    """Bring the file to the current schema in one write transaction.

    The version is read inside the transaction, so two processes opening a new file at
    the same moment do not both migrate it; a failure rolls everything back.
    """
    path = connections.path
    try:
        with connections.transaction() as db:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{path} has schema version {version}, newer than this Deskmeter "
                    f"understands ({SCHEMA_VERSION}); upgrade Deskmeter"
                )
            if version == SCHEMA_VERSION:
                return
            if version == 0:
                create(db)
                return
            if version == 3:  # per-host state and tasks: switches stay as they are
                upgrade_v3(db)
                moved = 0
            else:
                moved = upgrade_legacy(db)
    except sqlite3.Error as exc:
        raise StoreError(f"migration of {path} to version {SCHEMA_VERSION} failed: {exc}") from exc
    log.info("migrated %s to schema %d (%d switches)", path, SCHEMA_VERSION, moved)
    _compact_file(connections)


def _compact_file(connections: Connections) -> None:
    """Give back the space the old layout used (best effort: the data is already safe)."""
    try:
        db = connections.db()
        db.execute("VACUUM")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as exc:
        log.warning("could not compact %s after the migration: %s", connections.path, exc)


def create(db: sqlite3.Connection) -> None:
    """Lay out the current schema in an empty file."""
    for statement in statements(SCHEMA):
        db.execute(statement)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def legacy_switch(row: Sequence[Any]) -> Switch:
    """A switch as versions 1 and 2 stored it (REAL seconds, TEXT names; never away)."""
    return Switch(
        id=row[0],
        date=datetime.fromtimestamp(row[1], UTC),
        delta=row[2],
        workspace_index=row[3],
        workspace=row[4],
        task_id=row[5],
        task=row[6],
        host=row[7],
    )


def _legacy_chunks(db: sqlite3.Connection) -> Iterator[list[Switch]]:
    cursor = db.execute(f"SELECT {_LEGACY_COLUMNS} FROM switch_v2 ORDER BY id")
    while rows := cursor.fetchmany(_CHUNK):
        yield [legacy_switch(r) for r in rows]


def upgrade_legacy(db: sqlite3.Connection) -> int:
    """Move a version 1 or 2 file to version 3, then 4; return the number of switches moved."""
    sync_seen = (
        db.execute("SELECT 1 FROM meta WHERE key LIKE 'sync.%' LIMIT 1").fetchone() is not None
    )
    for name in LEGACY_TRIGGER_NAMES:
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    for index in ("switch_by_date", "switch_by_delta", "switch_totals"):
        db.execute(f"DROP INDEX IF EXISTS {index}")
    db.execute("ALTER TABLE switch RENAME TO switch_v2")
    for statement in statements(SCHEMA):
        if statement.lstrip().startswith(
            ("CREATE TABLE label", "CREATE TABLE switch", "CREATE TABLE edit")
        ) or any(name in statement for name in ("switch_by_id", "INTO switch_stats", "edit_by_at")):
            db.execute(statement)
    # the open interval of an old file is not an away stretch
    db.execute(
        "ALTER TABLE state ADD COLUMN away INTEGER NOT NULL DEFAULT 0 CHECK (away IN (0, 1))"
    )
    labels = Labels()
    moved = 0
    for chunk in _legacy_chunks(db):
        numbers = labels.numbers(db, switch_texts(chunk))
        labels.remember(numbers)
        db.executemany(
            f"INSERT INTO switch ({SWITCH_COLUMNS}) VALUES ({SWITCH_MARKS})",
            switch_rows(chunk, numbers),
        )
        moved += len(chunk)
    db.execute("UPDATE switch_stats SET longest = (SELECT COALESCE(MAX(delta), 0) FROM switch)")
    verify_copy(db, labels, moved)
    db.execute("DROP TABLE switch_v2")
    if sync_seen:  # keep what sync has not applied yet, and go on recording
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')", (ENABLED,))
    else:  # sync never ran: the first copy will send everything anyway
        db.execute("DELETE FROM changelog")
    db.execute("PRAGMA user_version = 3")
    upgrade_v3(db)
    return moved


#: The tables version 4 lays out anew, with their indexes.
_V4_TABLES = ("task", "task_history", "state")
_V4_INDEXES = ("task_by_host", "task_history_by_task")
#: The tables whose rows the move to version 4 must keep, one for one.
_V4_KEPT = ("task", "task_history", "state", "edit")


def _creates(statement: str, names: tuple[str, ...]) -> bool:
    words = statement.split()
    if words[:2] == ["CREATE", "TABLE"]:
        return words[2] in names
    if words[:2] == ["CREATE", "INDEX"]:
        return words[2] in _V4_INDEXES
    return False


def upgrade_v3(db: sqlite3.Connection) -> None:
    """Move a version 3 file to version 4: per-host state, tasks keyed by host and id.

    Every task, history entry, state and edit is kept (counted before and after); the
    host-less ones become the file's host's (store/adopt.py). Switches are untouched.
    """
    before = {t: _count(db, t) for t in _V4_KEPT}
    db.execute("DROP INDEX IF EXISTS task_history_by_task")
    for table in _V4_TABLES:
        db.execute(f"ALTER TABLE {table} RENAME TO {table}_v3")
    for statement in statements(SCHEMA):
        if _creates(statement.strip(), _V4_TABLES):
            db.execute(statement)
    rekey_v3_rows(db)
    documents = SQLiteDocuments(db)  # the file was written here: this machine's, if unnamed
    adopt(documents, legacy_owner(documents, socket.gethostname()))
    after = {t: _count(db, t) for t in _V4_KEPT}
    if after != before:
        raise StoreError(f"migration check: rows before {before}, after {after}")
    for table in _V4_TABLES:
        db.execute(f"DROP TABLE {table}_v3")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _count(db: sqlite3.Connection, table: str) -> int:
    return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def verify_copy(db: sqlite3.Connection, labels: Labels, expected: int) -> None:
    """Every old switch reads back identical from the new table; raise StoreError if not."""
    count = int(db.execute("SELECT COUNT(*) FROM switch").fetchone()[0])
    if count != expected:
        raise StoreError(f"migration check: {count} switches in the new table, {expected} old")
    away = int(db.execute("SELECT COUNT(*) FROM switch WHERE away != 0").fetchone()[0])
    if away:
        raise StoreError(f"migration check: {away} old switches read back as away")
    for chunk in _legacy_chunks(db):
        keys = [encode_id(s.id) for s in chunk]
        marks = ", ".join("?" * len(keys))
        rows = db.execute(
            f"SELECT {SWITCH_COLUMNS} FROM switch WHERE id IN ({marks})", keys
        ).fetchall()
        labels.load(db, (n for r in rows for n in r[LABEL_COLUMNS]))
        moved = {s.id: s for s in (row_switch(r, labels) for r in rows)}
        for old in chunk:
            if moved.get(old.id) != old:
                raise StoreError(
                    f"migration check: switch {old.id} reads back as {moved.get(old.id)}, not {old}"
                )


def rekey_v3_rows(db: sqlite3.Connection) -> None:
    """Copy the version 3 tables ``task_v3``, ``task_history_v3``, ``state_v3`` into the
    version 4 ones, keys unchanged where the host is unknown (``adopt`` rekeys those)."""
    db.execute(
        "INSERT INTO task (id, host, task_id, path, active, updated) "
        "SELECT id, '', id, path, active, updated FROM task_v3"
    )
    db.execute(
        "INSERT INTO task_history (id, host, task_id, path, since) "
        "SELECT id, '', task_id, path, since FROM task_history_v3"
    )
    for row in db.execute(
        "SELECT workspace_index, workspace, since, heartbeat, interval_id, task_id, task, "
        "host, away FROM state_v3"
    ).fetchall():
        # a state with a host is that host's already; the host-less one is adopted
        db.execute(
            "INSERT INTO state (id, workspace_index, workspace, since, heartbeat, interval_id, "
            "task_id, task, host, away) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (state_key(row[7]), *row),
        )
        ChangeLog.record(db, "state", [state_key("")], "delete")
        ChangeLog.record(db, "state", [state_key(row[7])], "upsert")
