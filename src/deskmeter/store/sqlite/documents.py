"""The SQLite backend's records in their MongoDB shape (store/documents.py), for sync.

Sync's full copy pages through a collection by id (``page``) and resumes after a crash;
its change-log reader (store/sqlite/changelog.py) fetches the documents that changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from deskmeter.store.base import StoreError
from deskmeter.store.documents import (
    Document,
    history_to_doc,
    state_to_doc,
    switch_to_doc,
    task_to_doc,
)
from deskmeter.store.edit_record import edit_from_json, edit_to_doc
from deskmeter.store.sqlite.codec import SWITCH_COLUMNS, Key, decode_id, encode_id
from deskmeter.store.sqlite.connection import Connections
from deskmeter.store.sqlite.schema import SYNCED_TABLES
from deskmeter.store.sqlite.state import StateTable
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
