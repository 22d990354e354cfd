"""The sink: the remote MongoDB, applying changes idempotently.

Each batch becomes one ``bulk_write(ordered=False)`` per collection of ``ReplaceOne`` (upsert)
and ``DeleteOne`` by ``_id``: applying a batch twice leaves the same documents, so a crash
between "applied" and "checkpoint saved" only repeats work.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from pymongo import DeleteOne, MongoClient, ReplaceOne
from pymongo.errors import (
    BulkWriteError,
    ConfigurationError,
    OperationFailure,
    PyMongoError,
)
from pymongo.uri_parser import parse_uri

from deskmeter.store import aggregates
from deskmeter.store.base import COLLECTIONS
from deskmeter.store.documents import Document
from deskmeter.store.mongo import DEFAULT_DATABASE, redact
from deskmeter.sync.changes import (
    DocChange,
    RemoteUnavailableError,
    SyncConfigError,
    latest_per_document,
)

#: Up to this many documents, ``distinct`` lists the ids in one reply (under 16 MB).
DISTINCT_LIMIT = 200_000
#: Server codes that no retry will fix: wrong credentials, not allowed.
AUTH_CODES = frozenset({13, 18, 8000})


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

    def ids(self, collection: str) -> set[Any]:
        """Every ``_id`` in ``collection`` (to remove what the local store no longer has)."""


def invalidate_switches(db: Any, changes: Sequence[DocChange]) -> None:
    """Drop the remote's cached day totals that these switch changes touch."""
    switches = [c for c in changes if c.collection == "switch"]
    aggregates.mongo_invalidate(
        db, [c.doc_id for c in switches], [c.document for c in switches if c.document]
    )


def operations(changes: Iterable[DocChange]) -> dict[str, list[ReplaceOne[Document] | DeleteOne]]:
    """The bulk operations per collection, one per document (the newest change wins)."""
    ops: dict[str, list[ReplaceOne[Document] | DeleteOne]] = defaultdict(list)
    for change in latest_per_document(list(changes)):
        if change.document is None:
            ops[change.collection].append(DeleteOne({"_id": change.doc_id}))
        else:
            ops[change.collection].append(
                ReplaceOne({"_id": change.doc_id}, change.document, upsert=True)
            )
    return ops


def short_error(exc: BaseException) -> str:
    """pymongo's message without the topology dump it appends to timeouts."""
    text = str(exc).split(", Timeout:", 1)[0].split(" (configured timeouts", 1)[0]
    return text if len(text) <= 300 else text[:297] + "..."


def remote_error(exc: PyMongoError, where: str) -> Exception:
    """SyncConfigError for errors no retry fixes, RemoteUnavailableError for the rest."""
    if isinstance(exc, OperationFailure) and exc.code in AUTH_CODES:
        return SyncConfigError(f"the remote {where} refused the credentials or access: {exc}")
    if isinstance(exc, ConfigurationError):
        return SyncConfigError(f"the remote {where} is misconfigured: {exc}")
    if isinstance(exc, BulkWriteError):
        first = (exc.details.get("writeErrors") or [{}])[0]
        return RemoteUnavailableError(
            f"the remote {where} rejected writes: {first.get('errmsg', exc)}"
        )
    return RemoteUnavailableError(f"cannot reach the remote {where}: {short_error(exc)}")


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
            try:
                parse_uri(uri)
            except (ConfigurationError, ValueError) as exc:
                raise SyncConfigError(f"bad remote URI {redact(uri)}: {exc}") from exc
        name = database or path_db or DEFAULT_DATABASE
        self._where = f"{uri.split('://', 1)[0]}://{hosts}/{name}"
        if client is None:
            ms = int(timeout_seconds * 1000)
            try:
                client = MongoClient(
                    uri,
                    tz_aware=True,
                    connect=False,
                    serverSelectionTimeoutMS=ms,
                    connectTimeoutMS=ms,
                    socketTimeoutMS=max(ms, 60_000),
                )
            except (ConfigurationError, ValueError) as exc:
                raise SyncConfigError(f"bad remote URI {redact(uri)}: {exc}") from exc
        self.client: MongoClient[Document] = client
        self.db = client[name]

    def describe(self) -> str:
        return self._where

    def check(self) -> None:
        try:
            self.db.command("ping")
            # Writing needs more rights than ping: prove them on a collection sync owns.
            self.db[COLLECTIONS[0]].find_one({}, {"_id": 1})
        except PyMongoError as exc:
            raise remote_error(exc, self.describe()) from exc

    def apply(self, changes: Sequence[DocChange]) -> int:
        written = 0
        try:
            for collection, ops in operations(changes).items():
                if ops:
                    if collection == "switch":  # keep the pre-aggregated days exact
                        invalidate_switches(self.db, changes)
                    self.db[collection].bulk_write(ops, ordered=False)
                    written += len(ops)
        except PyMongoError as exc:
            raise remote_error(exc, self.describe()) from exc
        return written

    def count(self, collection: str) -> int:
        try:
            return int(self.db[collection].count_documents({}))
        except PyMongoError as exc:
            raise remote_error(exc, self.describe()) from exc

    def ids(self, collection: str) -> set[Any]:
        try:
            source = self.db[collection]
            if source.estimated_document_count() <= DISTINCT_LIMIT:
                return set(source.distinct("_id"))  # one reply, well under 16 MB
            return {doc["_id"] for doc in source.find({}, {"_id": 1})}
        except PyMongoError as exc:
            raise remote_error(exc, self.describe()) from exc

    def close(self) -> None:
        self.client.close()
