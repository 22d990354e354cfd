"""A MongoDB database's host-less records as documents, for adopting them (store/adopt.py).

Works on a bare ``Database``: the store's own, or the remote sync writes into (which several
hosts may share: every write tolerates another host adopting the same document at once).
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from typing import Any

from pymongo import DESCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from deskmeter.store.documents import LEGACY_STATE_ID, Document

#: Matches a document that has no host (the field is missing, null or empty).
NO_HOST: dict[str, Any] = {"host": {"$in": [None, ""]}}


def _hostless(collection: str) -> dict[str, Any]:
    if collection == "state":
        return {"$or": [{"_id": LEGACY_STATE_ID}, NO_HOST]}
    return NO_HOST


class MongoDocuments:
    """``HostlessDocuments`` over one MongoDB database."""

    def __init__(self, db: Database[Document]) -> None:
        self._db = db

    def hostless(self, collection: str) -> Iterable[Document]:
        return self._db[collection].find(_hostless(collection))

    def find(self, collection: str, doc_id: Any) -> Document | None:
        return self._db[collection].find_one({"_id": doc_id})

    def write(self, collection: str, doc: Document) -> None:
        with suppress(DuplicateKeyError):  # another host adopted it at the same moment
            self._db[collection].replace_one({"_id": doc["_id"]}, doc, upsert=True)

    def drop_hostless(self, collection: str, doc_id: Any) -> None:
        self._db[collection].delete_one({"$and": [{"_id": doc_id}, _hostless(collection)]})

    def named_host(self) -> str:
        state = self._db.state.find_one({"_id": LEGACY_STATE_ID})
        if state and state.get("host"):
            return str(state["host"])
        latest = self._db.switch.find_one(
            {"host": {"$nin": [None, ""]}}, {"host": 1}, sort=[("date", DESCENDING)]
        )
        return str(latest["host"]) if latest and latest.get("host") else ""
