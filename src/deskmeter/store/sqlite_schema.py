"""The SQLite schema, as numbered migrations applied in order (``PRAGMA user_version``).

Every change to ``switch``, ``task``, ``task_history`` and ``state`` is written to ``changelog``
by triggers, in the same transaction as the change itself: sync reads it as its source.
A document keeps only its newest changelog row (sync ships the document as it is now), so
the log stays as small as the number of unsynced documents.
"""

from __future__ import annotations

_CHANGELOG_TRIGGERS = "\n".join(
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
    for table in ("switch", "task", "task_history", "state")
)


def _changelog_triggers(table: str) -> str:
    """The change-log triggers of one table (a table added by a later migration)."""
    start = _CHANGELOG_TRIGGERS.index("CREATE TRIGGER switch_changelog_insert")
    end = _CHANGELOG_TRIGGERS.index("CREATE TRIGGER task_changelog_insert")
    return _CHANGELOG_TRIGGERS[start:end].replace("switch", table)


MIGRATIONS: list[str] = [
    # 1: the data model, its indexes, the change log.
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
    + _CHANGELOG_TRIGGERS,
    # 2: a covering index for the dashboard's day totals (range on date, sums of delta per
    #    task or workspace), so the hot query never touches the table rows.
    """
    CREATE INDEX switch_totals ON switch (date, delta, task, workspace, workspace_index);
    """,
    # 3: away time (issue 13): switches and the open interval can be away stretches, stored
    #    but never counted as work; the ``edit`` log of history corrections (synced). The
    #    totals index gains ``away`` so the hot query still reads only the index.
    """
    ALTER TABLE switch ADD COLUMN away INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE state ADD COLUMN away INTEGER NOT NULL DEFAULT 0;
    DROP INDEX switch_totals;
    CREATE INDEX switch_totals ON switch (date, delta, task, workspace, workspace_index, away);
    CREATE TABLE edit (
        id TEXT PRIMARY KEY,
        at REAL NOT NULL,                -- when the edit was made, unix seconds (UTC)
        body TEXT NOT NULL               -- the edit document as JSON (deskmeter.edits.record)
    );
    CREATE INDEX edit_by_at ON edit (at, id);
    """
    + _changelog_triggers("edit"),
]

SCHEMA_VERSION = len(MIGRATIONS)
