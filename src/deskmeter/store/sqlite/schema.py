"""The SQLite schema (``PRAGMA user_version`` 4) and the scripts of the versions before it.

Version 4 is version 3 with several workstations in mind: ``state`` has one row per host
(id ``current@HOST``), ``task`` and ``task_history`` carry the host whose task file they
come from and are keyed by it (``HOST:ID``, ``HOST:ID@SINCE``), so two hosts' task files
never collide. ``migrate.upgrade_v3`` moves a version 3 file in place.

Version 3 is compact (about 60 bytes a switch):

* ``switch`` is a WITHOUT ROWID table clustered on ``(start, id)``: the rows themselves are
  the one index that serves the range scans, the paging and the day totals. ``start`` is the
  interval start in integer microseconds (UTC), ``delta`` the length in integer milliseconds,
  ``id`` a 12-byte BLOB when it is an ObjectId's 24 hex digits (TEXT otherwise); workspace,
  task, task id and host are numbers from the small ``label`` table. ``switch_by_id`` keeps
  writes replacing by id and lets sync page by id. ``away`` (0/1) marks an away stretch
  (no input, locked, asleep): stored, never counted (``day_totals`` multiplies by
  ``1 - away``, which keeps the plan a plain range scan of the clustered rows).
* ``edit`` is the log of corrections of history (``deskmeter.edits``), one JSON body each;
  synced like the switches.
* ``switch_stats`` holds the longest ``delta`` ever written (the look-back of overlap
  queries), so no index on ``delta`` is needed.
* ``changelog`` is written by ``ChangeLog`` (store/sqlite/changelog.py) only once sync has
  been configured, and holds only changes sync has not yet applied.

Versions 1 and 2 (REAL seconds, TEXT columns, three indexes, change-log triggers) are kept as
scripts: ``store/sqlite/migrate.py`` moves their data to version 3 (every old switch and the
open interval are not away; the ``edit`` log starts empty), and the tests build such files
with them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

SCHEMA_VERSION = 4

#: The current schema, for a new file.
SCHEMA = """
CREATE TABLE label (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL UNIQUE
);
CREATE TABLE switch (
    start INTEGER NOT NULL,          -- interval start, unix microseconds (UTC)
    id NOT NULL,                     -- 12-byte BLOB for 24 hex digits, else TEXT
    delta INTEGER NOT NULL CHECK (delta >= 0),  -- milliseconds
    workspace_index INTEGER NOT NULL,
    workspace INTEGER NOT NULL,      -- label.id
    task INTEGER,                    -- label.id (NULL: no task)
    task_id INTEGER,                 -- label.id
    host INTEGER NOT NULL,           -- label.id
    away INTEGER NOT NULL DEFAULT 0 CHECK (away IN (0, 1)),  -- 1: away, never counted
    PRIMARY KEY (start, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX switch_by_id ON switch (id);
CREATE TABLE switch_stats (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    longest INTEGER NOT NULL         -- the longest delta ever written, milliseconds
);
INSERT INTO switch_stats (id, longest) VALUES (1, 0);
CREATE TABLE task (
    id TEXT PRIMARY KEY,             -- task_key(host, task_id): 'HOST:ID'
    host TEXT NOT NULL DEFAULT '',   -- the workstation whose task file it is
    task_id TEXT NOT NULL,           -- the id in that file (@ID or the path)
    path TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    updated REAL NOT NULL
);
CREATE INDEX task_by_host ON task (host, task_id);
CREATE TABLE task_history (
    id TEXT PRIMARY KEY,             -- 'HOST:ID@SINCE'
    host TEXT NOT NULL DEFAULT '',
    task_id TEXT NOT NULL,
    path TEXT NOT NULL,
    since REAL NOT NULL
);
CREATE INDEX task_history_by_task ON task_history (task_id, since);
CREATE TABLE state (
    id TEXT PRIMARY KEY,             -- state_key(host): 'current@HOST'
    workspace_index INTEGER NOT NULL,
    workspace TEXT NOT NULL,
    since REAL NOT NULL,
    heartbeat REAL NOT NULL,
    interval_id TEXT NOT NULL,
    task_id TEXT,
    task TEXT,
    host TEXT NOT NULL UNIQUE,
    away INTEGER NOT NULL DEFAULT 0 CHECK (away IN (0, 1))
);
CREATE TABLE edit (
    id TEXT PRIMARY KEY,
    at REAL NOT NULL,                -- when the edit was made, unix seconds (UTC)
    body TEXT NOT NULL               -- the edit document as JSON (deskmeter.store.edit_record)
);
CREATE INDEX edit_by_at ON edit (at, id);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE changelog (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    collection TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    at REAL NOT NULL
);
CREATE INDEX changelog_by_doc ON changelog (collection, doc_id);
"""

#: Version 3, as it was shipped (the tests build such files; ``migrate.py`` moves
#: them to version 4).
SCHEMA_V3 = """
CREATE TABLE label (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL UNIQUE
);
CREATE TABLE switch (
    start INTEGER NOT NULL,          -- interval start, unix microseconds (UTC)
    id NOT NULL,                     -- 12-byte BLOB for 24 hex digits, else TEXT
    delta INTEGER NOT NULL CHECK (delta >= 0),  -- milliseconds
    workspace_index INTEGER NOT NULL,
    workspace INTEGER NOT NULL,      -- label.id
    task INTEGER,                    -- label.id (NULL: no task)
    task_id INTEGER,                 -- label.id
    host INTEGER NOT NULL,           -- label.id
    away INTEGER NOT NULL DEFAULT 0 CHECK (away IN (0, 1)),  -- 1: away, never counted
    PRIMARY KEY (start, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX switch_by_id ON switch (id);
CREATE TABLE switch_stats (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    longest INTEGER NOT NULL         -- the longest delta ever written, milliseconds
);
INSERT INTO switch_stats (id, longest) VALUES (1, 0);
CREATE TABLE task (
    id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    updated REAL NOT NULL
);
CREATE TABLE task_history (
    id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL,
    path TEXT NOT NULL,
    since REAL NOT NULL
);
CREATE INDEX task_history_by_task ON task_history (task_id, since);
CREATE TABLE state (
    id TEXT PRIMARY KEY CHECK (id = 'current'),
    workspace_index INTEGER NOT NULL,
    workspace TEXT NOT NULL,
    since REAL NOT NULL,
    heartbeat REAL NOT NULL,
    interval_id TEXT NOT NULL,
    task_id TEXT,
    task TEXT,
    host TEXT NOT NULL DEFAULT '',
    away INTEGER NOT NULL DEFAULT 0 CHECK (away IN (0, 1))
);
CREATE TABLE edit (
    id TEXT PRIMARY KEY,
    at REAL NOT NULL,                -- when the edit was made, unix seconds (UTC)
    body TEXT NOT NULL               -- the edit document as JSON (deskmeter.store.edit_record)
);
CREATE INDEX edit_by_at ON edit (at, id);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE changelog (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    collection TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    at REAL NOT NULL
);
CREATE INDEX changelog_by_doc ON changelog (collection, doc_id);
"""

#: The tables whose documents sync ships (the change log names them).
SYNCED_TABLES: tuple[str, ...] = ("switch", "task", "task_history", "state", "edit")

#: The synced tables of versions 1 and 2 (each had change-log triggers).
_LEGACY_TABLES: tuple[str, ...] = ("switch", "task", "task_history", "state")

_LEGACY_TRIGGERS = "\n".join(
    f"""
CREATE TRIGGER {table}_changelog_insert AFTER INSERT ON {table} BEGIN
    DELETE FROM changelog WHERE collection = '{table}' AND doc_id = NEW.id;
    INSERT INTO changelog (collection, doc_id, op, at)
        VALUES ('{table}', NEW.id, 'upsert', (julianday('now') - 2440587.5) * 86400.0);
END;
CREATE TRIGGER {table}_changelog_update AFTER UPDATE ON {table} BEGIN
    DELETE FROM changelog WHERE collection = '{table}' AND doc_id = NEW.id;
    INSERT INTO changelog (collection, doc_id, op, at)
        VALUES ('{table}', NEW.id, 'upsert', (julianday('now') - 2440587.5) * 86400.0);
END;
CREATE TRIGGER {table}_changelog_delete AFTER DELETE ON {table} BEGIN
    DELETE FROM changelog WHERE collection = '{table}' AND doc_id = OLD.id;
    INSERT INTO changelog (collection, doc_id, op, at)
        VALUES ('{table}', OLD.id, 'delete', (julianday('now') - 2440587.5) * 86400.0);
END;
"""
    for table in _LEGACY_TABLES
)

#: The triggers versions 1 and 2 had (dropped by the migration to 3).
LEGACY_TRIGGER_NAMES: tuple[str, ...] = tuple(
    f"{table}_changelog_{event}"
    for table in _LEGACY_TABLES
    for event in ("insert", "update", "delete")
)

#: Version 1's schema and version 2's addition, as they were shipped.
LEGACY_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE switch (
        id TEXT PRIMARY KEY,
        date REAL NOT NULL,              -- interval start, unix seconds (UTC)
        delta REAL NOT NULL CHECK (delta >= 0),
        workspace_index INTEGER NOT NULL,
        workspace TEXT NOT NULL,
        task_id TEXT,
        task TEXT,
        host TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX switch_by_date ON switch (date, id);
    CREATE INDEX switch_by_delta ON switch (delta);
    CREATE TABLE task (
        id TEXT PRIMARY KEY,
        path TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        updated REAL NOT NULL
    );
    CREATE TABLE task_history (
        id TEXT PRIMARY KEY,
        task_id TEXT NOT NULL,
        path TEXT NOT NULL,
        since REAL NOT NULL
    );
    CREATE INDEX task_history_by_task ON task_history (task_id, since);
    CREATE TABLE state (
        id TEXT PRIMARY KEY CHECK (id = 'current'),
        workspace_index INTEGER NOT NULL,
        workspace TEXT NOT NULL,
        since REAL NOT NULL,
        heartbeat REAL NOT NULL,
        interval_id TEXT NOT NULL,
        task_id TEXT,
        task TEXT,
        host TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE changelog (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        collection TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
        at REAL NOT NULL
    );
    CREATE INDEX changelog_by_doc ON changelog (collection, doc_id);
    """
    + _LEGACY_TRIGGERS,
    """
    CREATE INDEX switch_totals ON switch (date, delta, task, workspace, workspace_index);
    """,
)


def statements(script: str) -> Iterator[str]:
    """Split a script into statements (triggers contain ';' inside BEGIN…END)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer
            buffer = ""
    if buffer.strip():
        yield buffer
