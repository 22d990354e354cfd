"""Records without a host become one host's (SQLite): the single-host data of older versions.

Before several workstations were a case, ``state`` was one row (``current``) and tasks were
keyed by their bare id. ``adopt`` gives such rows to ``owner`` (rekeyed ``current@HOST``,
``HOST:ID``, ``HOST:ID@SINCE``; edit records get their ``host``). It runs inside the
caller's write transaction; every change is recorded in the change log (when sync records),
so the remote follows. Nothing is lost: a row whose new key is already taken (the host wrote
it since) keeps the newer of the two.
"""

from __future__ import annotations

import socket
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime

from deskmeter.models import Task, TaskHistoryEntry, state_key
from deskmeter.store.edit_record import edit_from_json, edit_to_json
from deskmeter.store.sqlite.changelog import ChangeLog


def legacy_owner(db: sqlite3.Connection) -> str:
    """Whose the host-less rows are: the host the state names, else the latest switch's,
    else this machine (the file was written here)."""
    row = db.execute("SELECT host FROM state WHERE host != '' LIMIT 1").fetchone()
    if row:
        return str(row[0])
    row = db.execute(
        "SELECT label.text FROM switch JOIN label ON label.id = switch.host "
        "WHERE label.text != '' ORDER BY switch.start DESC LIMIT 1"
    ).fetchone()
    return str(row[0]) if row else socket.gethostname()


def _dt(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def adopt(db: sqlite3.Connection, owner: str) -> int:
    """Give every host-less task, task history entry, state and edit to ``owner``.

    Returns how many rows changed. A no-op when ``owner`` is empty or nothing is host-less.
    """
    if not owner:
        return 0
    changed = _adopt_tasks(db, owner) + _adopt_history(db, owner) + _adopt_state(db, owner)
    return changed + _adopt_edits(db, owner)


def _adopt_tasks(db: sqlite3.Connection, owner: str) -> int:
    rows = db.execute(
        "SELECT id, task_id, path, active, updated FROM task WHERE host = ''"
    ).fetchall()
    for old_key, task_id, path, active, updated in rows:
        task = Task(task_id, path, bool(active), _dt(updated), host=owner)
        taken = db.execute("SELECT updated FROM task WHERE id = ?", (task.key,)).fetchone()
        if taken is None or taken[0] < updated:
            db.execute(
                "INSERT OR REPLACE INTO task (id, host, task_id, path, active, updated) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (task.key, owner, task_id, path, int(active), updated),
            )
            ChangeLog.record(db, "task", [task.key], "upsert")
        db.execute("DELETE FROM task WHERE id = ?", (old_key,))
        ChangeLog.record(db, "task", [old_key], "delete")
    return len(rows)


def _adopt_history(db: sqlite3.Connection, owner: str) -> int:
    rows = db.execute(
        "SELECT id, task_id, path, since FROM task_history WHERE host = ''"
    ).fetchall()
    for old_key, task_id, path, since in rows:
        entry = TaskHistoryEntry(task_id, path, _dt(since), host=owner)
        db.execute(
            "INSERT OR IGNORE INTO task_history (id, host, task_id, path, since) "
            "VALUES (?, ?, ?, ?, ?)",
            (entry.id, owner, task_id, path, since),
        )
        ChangeLog.record(db, "task_history", [entry.id], "upsert")
        db.execute("DELETE FROM task_history WHERE id = ?", (old_key,))
        ChangeLog.record(db, "task_history", [old_key], "delete")
    return len(rows)


def _adopt_state(db: sqlite3.Connection, owner: str) -> int:
    legacy = state_key("")
    row = db.execute("SELECT heartbeat FROM state WHERE id = ?", (legacy,)).fetchone()
    if row is None:
        return 0
    mine = db.execute("SELECT heartbeat FROM state WHERE host = ?", (owner,)).fetchone()
    if mine is None or mine[0] < row[0]:
        db.execute("DELETE FROM state WHERE host = ?", (owner,))
        db.execute(
            "UPDATE state SET id = ?, host = ? WHERE id = ?", (state_key(owner), owner, legacy)
        )
        ChangeLog.record(db, "state", [state_key(owner)], "upsert")
    else:  # the host's own open interval is newer
        db.execute("DELETE FROM state WHERE id = ?", (legacy,))
    ChangeLog.record(db, "state", [legacy], "delete")
    return 1


def _adopt_edits(db: sqlite3.Connection, owner: str) -> int:
    count = 0
    rows = db.execute(
        "SELECT id, body FROM edit WHERE COALESCE(json_extract(body, '$.host'), '') = ''"
    ).fetchall()
    for edit_id, body in rows:
        edit = edit_from_json(body)
        if edit.host:
            continue
        db.execute(
            "UPDATE edit SET body = ? WHERE id = ?",
            (edit_to_json(replace(edit, host=owner)), edit_id),
        )
        ChangeLog.record(db, "edit", [edit_id], "upsert")
        count += 1
    return count


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
