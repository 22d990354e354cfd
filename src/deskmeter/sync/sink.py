"""The sink: the remote MongoDB, applying changes idempotently.

Each batch becomes one ``bulk_write(ordered=False)`` per collection of ``ReplaceOne`` (upsert)
and ``DeleteOne`` by ``_id``: applying a batch twice leaves the same documents, so a crash
between "applied" and "checkpoint saved" only repeats work.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol

from pymongo import DeleteOne, MongoClient, ReplaceOne
from pymongo.errors import ConfigurationError
from pymongo.uri_parser import parse_uri

from deskmeter import limits
from deskmeter.store.base import COLLECTIONS
from deskmeter.store.documents import Document, switch_from_doc
from deskmeter.store.mongo import DEFAULT_DATABASE, MongoStore, redact
from deskmeter.sync.changes import DocChange, DocId, SyncConfigError, latest_per_document
from deskmeter.sync.errors import translate_errors

#: Up to this many documents, ``distinct`` lists the ids in one reply (under 16 MB).
DISTINCT_LIMIT = 200_000


class Sink(Protocol):
    """Where changes go."""

    def describe(self) -> str:
        """Where, without secrets (also the checkpoint's key: a new remote means a full copy)."""

    def check(self) -> None:
        """Reach the remote once; SyncConfigError for what retrying cannot fix."""

    def apply(self, changes: Sequence[DocChange]) -> int:
        """Apply idempotently; return when acknowledged; return the documents written."""

    def count(self, collection: str) -> int:
        """How many documents ``collection`` holds."""

    def ids(self, collection: str) -> set[DocId]:
        """Every ``_id`` in ``collection`` (to remove what the local store no longer has)."""


def operations(changes: Iterable[DocChange]) -> dict[str, list[ReplaceOne[Document] | DeleteOne]]:
    """The bulk operations per collection, one per document (the newest change wins)."""
    ops: dict[str, list[ReplaceOne[Document] | DeleteOne]] = defaultdict(list)
    for change in latest_per_document(list(changes)):
        if change.document is None:
            ops[change.collection].append(DeleteOne({"_id": change.doc_id}))
        elif change.collection == "switch" and not any(
            limits.readable([change.document], switch_from_doc)
        ):
            continue  # outside deskmeter.limits (reported there): never shipped
        else:
            ops[change.collection].append(
                ReplaceOne({"_id": change.doc_id}, change.document, upsert=True)
            )
    return ops


@contextmanager
def bad_uri(uri: str) -> Iterator[None]:
    """A malformed remote URI as SyncConfigError (without its credentials)."""
    try:
        yield
    except (ConfigurationError, ValueError) as exc:
        raise SyncConfigError(f"bad remote URI {redact(uri)}: {exc}") from exc


def uri_parts(uri: str) -> tuple[str, str]:
    """The host list and the database of a MongoDB URI, without credentials or options."""
    rest = uri.split("://", 1)[-1].split("?", 1)[0]
    hosts, _, database = rest.partition("/")
    return hosts.rsplit("@", 1)[-1], database


class MongoSink:
    """The remote MongoDB database named by ``uri`` (its database part, else ``deskmeter``)."""

    def __init__(
        self,
        uri: str,
        *,
        client: MongoClient[Document] | None = None,
        database: str | None = None,
        timeout_seconds: float = 10.0,
    ) -> None:
        self.uri = uri
        hosts, path_db = uri_parts(uri)
        if not uri.startswith("mongodb+srv://"):  # +srv would need DNS: MongoClient checks it
            with bad_uri(uri):
                parse_uri(uri)
        name = database or path_db or DEFAULT_DATABASE
        self._where = f"{uri.split('://', 1)[0]}://{hosts}/{name}"
        if client is None:
            ms = int(timeout_seconds * 1000)
            with bad_uri(uri):
                client = MongoClient(
                    uri,
                    tz_aware=True,
                    connect=False,
                    serverSelectionTimeoutMS=ms,
                    connectTimeoutMS=ms,
                    socketTimeoutMS=max(ms, 60_000),
                )
        self.client: MongoClient[Document] = client
        self.db = client[name]

    def describe(self) -> str:
        return self._where

    def check(self) -> None:
        with translate_errors("remote", self._where):
            self.db.command("ping")
            # Writing needs more rights than ping: prove them on a collection sync owns.
            self.db[COLLECTIONS[0]].find_one({}, {"_id": 1})

    def apply(self, changes: Sequence[DocChange]) -> int:
        written = 0
        with translate_errors("remote", self._where):
            for collection, ops in operations(changes).items():
                if ops:
                    ids = [c.doc_id for c in changes if c.collection == collection]
                    with MongoStore.keeping_day_totals(self.db, collection, ids):
                        self.db[collection].bulk_write(ops, ordered=False)
                    written += len(ops)
        return written

    def count(self, collection: str) -> int:
        with translate_errors("remote", self._where):
            return int(self.db[collection].count_documents({}))

    def ids(self, collection: str) -> set[DocId]:
        with translate_errors("remote", self._where):
            source = self.db[collection]
            if source.estimated_document_count() <= DISTINCT_LIMIT:
                return set(source.distinct("_id"))  # one reply, well under 16 MB
            return {doc["_id"] for doc in source.find({}, {"_id": 1})}

    def close(self) -> None:
        self.client.close()
