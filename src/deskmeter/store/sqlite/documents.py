"""The SQLite backend's records in their MongoDB shape (store/documents.py).

``DocumentReader`` is for sync: its full copy pages through a collection by id (``page``)
and resumes after a crash; its change-log reader (store/sqlite/changelog.py) fetches the
documents that changed. ``SQLiteDocuments`` offers the host-less records to store/adopt.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from typing import Any, ClassVar

from deskmeter.store.base import StoreError
from deskmeter.store.documents import (
    LEGACY_STATE_ID,
    Document,
    history_from_doc,
    history_to_doc,
    state_from_doc,
    state_to_doc,
    switch_to_doc,
    task_from_doc,
    task_to_doc,
)
from deskmeter.store.edit_record import edit_from_doc, edit_from_json, edit_to_doc, edit_to_json
from deskmeter.store.sqlite.changelog import ChangeLog
from deskmeter.store.sqlite.codec import SWITCH_COLUMNS, Key, decode_id, encode_id
from deskmeter.store.sqlite.connection import Connections, to_seconds
from deskmeter.store.sqlite.schema import SYNCED_TABLES
from deskmeter.store.sqlite.state import STATE_COLUMNS, StateTable, put_state, state_row
from deskmeter.store.sqlite.switches import SwitchTable
from deskmeter.store.sqlite.tasks import HISTORY_COLUMNS, TASK_COLUMNS, history_row, task_row


def check_collection(collection: str) -> None:
    if collection not in SYNCED_TABLES:
        raise StoreError(f"unknown collection {collection!r}")


def key_of(collection: str, doc_id: str) -> Key:
    """A document id as the table keys it (a switch's ObjectId as its 12 bytes)."""
    return encode_id(doc_id) if collection == "switch" else doc_id


class DocumentReader:
    """Every synced table of one store, read as documents."""

    def __init__(self, connections: Connections, switches: SwitchTable, states: StateTable) -> None:
        self._connections = connections
        self._switches = switches
        self._states = states

    def get(self, collection: str, doc_id: str) -> Document | None:
        """The document ``doc_id`` of ``collection`` in its MongoDB shape, or None."""
        docs = self._documents(collection, " WHERE id = ?", [key_of(collection, doc_id)])
        return docs[0] if docs else None

    def all(self, collection: str) -> Iterator[Document]:
        """Every document of ``collection`` in its MongoDB shape."""
        return iter(self._documents(collection, "", []))

    def count(self, collection: str) -> int:
        check_collection(collection)
        return int(self._connections.query(f"SELECT COUNT(*) FROM {collection}")[0][0])

    def last_id(self, collection: str) -> str | None:
        """The highest id in ``collection`` in the store's id order (None when empty)."""
        check_collection(collection)
        rows = self._connections.query(f"SELECT MAX(id) FROM {collection}")
        return None if rows[0][0] is None else decode_id(rows[0][0])

    def page(
        self, collection: str, after: str | None, limit: int, until: str | None = None
    ) -> list[Document]:
        """Up to ``limit`` documents of ``collection`` with ids in (after, until], by id.

        The order is the store's own (text ids before ObjectId ids): compare ids only here.
        """
        clauses, params = [], []
        if after is not None:
            clauses.append("id > ?")
            params.append(key_of(collection, after))
        if until is not None:
            clauses.append("id <= ?")
            params.append(key_of(collection, until))
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        return self._documents(collection, where + " ORDER BY id LIMIT ?", [*params, limit])

    def _documents(self, collection: str, where: str, params: list[Any]) -> list[Document]:
        check_collection(collection)
        query = self._connections.query
        if collection == "switch":
            sql = f"SELECT {SWITCH_COLUMNS} FROM switch{where}"
            return [switch_to_doc(s) for s in self._switches.read(sql, params)]
        if collection == "task":
            rows = query(f"SELECT {TASK_COLUMNS} FROM task{where}", params)
            return [task_to_doc(task_row(r)) for r in rows]
        if collection == "task_history":
            rows = query(f"SELECT {HISTORY_COLUMNS} FROM task_history{where}", params)
            return [history_to_doc(history_row(r)) for r in rows]
        if collection == "edit":
            rows = query(f"SELECT body FROM edit{where}", params)
            return [edit_to_doc(edit_from_json(r[0])) for r in rows]
        return [state_to_doc(s) for s in self._states.rows(where, params)]


class SQLiteDocuments:
    """``HostlessDocuments`` (store/adopt.py) over one connection, inside its open write
    transaction; every change is recorded in the change log, so the remote follows."""

    #: The columns each adopted table is read by, and how a row becomes a document.
    _READ: ClassVar[dict[str, tuple[str, Callable[[Sequence[Any]], Document]]]] = {
        "task": (TASK_COLUMNS, lambda r: task_to_doc(task_row(r))),
        "task_history": (HISTORY_COLUMNS, lambda r: history_to_doc(history_row(r))),
        "state": (STATE_COLUMNS, lambda r: state_to_doc(state_row(r))),
        "edit": ("body", lambda r: edit_to_doc(edit_from_json(r[0]))),
    }
    _HOSTLESS: ClassVar[dict[str, str]] = {
        "task": "host = ''",
        "task_history": "host = ''",
        "state": f"(id = '{LEGACY_STATE_ID}' OR host = '')",
        "edit": "COALESCE(json_extract(body, '$.host'), '') = ''",
    }

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def _select(self, collection: str, where: str, params: Sequence[Any]) -> list[Document]:
        columns, to_doc = self._READ[collection]
        rows = self._db.execute(f"SELECT id, {columns} FROM {collection} WHERE {where}", params)
        return [{**to_doc(row[1:]), "_id": row[0]} for row in rows.fetchall()]

    def hostless(self, collection: str) -> list[Document]:
        return self._select(collection, self._HOSTLESS[collection], ())

    def find(self, collection: str, doc_id: Any) -> Document | None:
        found = self._select(collection, "id = ?", (doc_id,))
        return found[0] if found else None

    def write(self, collection: str, doc: Document) -> None:
        db = self._db
        if collection == "state":
            put_state(db, state_from_doc(doc), str(doc["host"]))
            return
        if collection == "task":
            task = task_from_doc(doc)
            db.execute(
                "INSERT OR REPLACE INTO task (id, host, task_id, path, active, updated) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    task.key,
                    task.host,
                    task.id,
                    task.path,
                    int(task.active),
                    to_seconds(task.updated),
                ),
            )
        elif collection == "task_history":
            entry = history_from_doc(doc)
            db.execute(
                "INSERT OR REPLACE INTO task_history (id, host, task_id, path, since) "
                "VALUES (?, ?, ?, ?, ?)",
                (entry.id, entry.host, entry.task_id, entry.path, to_seconds(entry.since)),
            )
        else:
            edit = edit_from_doc(doc)
            db.execute(
                "INSERT OR REPLACE INTO edit (id, at, body) VALUES (?, ?, ?)",
                (edit.id, to_seconds(edit.at), edit_to_json(edit)),
            )
        ChangeLog.record(db, collection, [str(doc["_id"])], "upsert")

    def drop_hostless(self, collection: str, doc_id: Any) -> None:
        where = self._HOSTLESS[collection]
        sql = f"DELETE FROM {collection} WHERE id = ? AND {where}"
        if self._db.execute(sql, (doc_id,)).rowcount:
            ChangeLog.record(self._db, collection, [str(doc_id)], "delete")

    def named_host(self) -> str:
        """A state's host, else the latest switch's (the file was written by one host)."""
        row = self._db.execute("SELECT host FROM state WHERE host != '' LIMIT 1").fetchone()
        if row:
            return str(row[0])
        row = self._db.execute(
            "SELECT label.text FROM switch JOIN label ON label.id = switch.host "
            "WHERE label.text != '' ORDER BY switch.start DESC LIMIT 1"
        ).fetchone()
        return str(row[0]) if row else ""
