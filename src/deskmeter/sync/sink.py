"""The sink: the remote MongoDB, applying changes idempotently.

Each batch becomes one ``bulk_write(ordered=False)`` per collection of ``ReplaceOne`` (upsert)
and ``DeleteOne`` by ``_id``: applying a batch twice leaves the same documents, so a crash
between "applied" and "checkpoint saved" only repeats work.

Several workstations push into one remote at the same time, each through its own sink (its
``host``). A sink only ever deletes its own host's documents (every ``DeleteOne`` and every
sweep names ``host``), and an upsert matches the ``_id`` *and* the document's host, so a
document of another host with the same ``_id`` is refused (E11000), never overwritten. After
each batch the sink notes the host's last sync (and last switch) in the remote's ``host``
collection (``MongoStore.last_syncs`` reads it for the dashboard's hosts list).
"""

from __future__ import annotations

import logging
import socket
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Protocol

import bson
from pymongo import ASCENDING, DeleteOne, MongoClient, ReplaceOne
from pymongo.errors import ConfigurationError
from pymongo.uri_parser import parse_uri

from deskmeter import limits
from deskmeter.hosts import character_problem
from deskmeter.models import utcnow
from deskmeter.store.adopt import adopt_legacy
from deskmeter.store.base import COLLECTIONS, HOST_COLLECTION
from deskmeter.store.documents import Document, switch_from_doc
from deskmeter.store.mongo.connection import DEFAULT_DATABASE, redact
from deskmeter.store.mongo.documents import MongoDocuments
from deskmeter.store.mongo.store import MongoStore
from deskmeter.sync.changes import DocChange, DocId, SyncConfigError, latest_per_document
from deskmeter.sync.errors import translate_errors

#: MongoDB's largest document (BSON bytes).
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
#: Up to this many documents, ``distinct`` lists the ids in one reply (under 16 MB).
DISTINCT_LIMIT = 200_000


log = logging.getLogger("deskmeter.sync")


class Sink(Protocol):
    """Where changes go, for one host (``host``: the workstation that syncs)."""

    host: str

    def describe(self) -> str:
        """Where, without secrets (also the checkpoint's key: a new remote means a full copy)."""

    def check(self) -> None:
        """Reach the remote once; SyncConfigError for what retrying cannot fix."""

    def apply(self, changes: Sequence[DocChange]) -> int:
        """Apply idempotently; return when acknowledged; return the documents written."""

    def count(self, collection: str) -> int:
        """How many documents of ``host`` ``collection`` holds."""

    def ids(self, collection: str) -> set[DocId]:
        """Every ``_id`` of ``host`` in ``collection`` (to remove what the local store no
        longer has: a sweep never sees, so never removes, another host's documents)."""


def operations(
    changes: Iterable[DocChange], host: str
) -> dict[str, list[ReplaceOne[Document] | DeleteOne]]:
    """The bulk operations per collection, one per document (the newest change wins).

    A delete removes the document only if it is ``host``'s; an upsert replaces it only if
    it has the host the new version names (else the insert collides on ``_id`` and the
    remote refuses it: another host's document is never replaced).
    """
    ops: dict[str, list[ReplaceOne[Document] | DeleteOne]] = defaultdict(list)
    for change in latest_per_document(list(changes)):
        if change.document is None:
            ops[change.collection].append(DeleteOne({"_id": change.doc_id, "host": host}))
        elif (
            change.collection == "switch"
            and not limits.plainly_valid_doc(change.document)  # the usual case: checked so
            and not any(limits.readable([change.document], switch_from_doc))
        ):
            continue  # outside deskmeter.limits (reported there): never shipped
        elif (problem := refused(change)) is not None:
            log.error("not syncing %s %s: %s", change.collection, change.doc_id, problem)
            continue  # the remote would refuse it for ever: the stream goes on without it
        else:
            owner = change.document.get("host", "")
            ops[change.collection].append(
                ReplaceOne({"_id": change.doc_id, "host": owner}, change.document, upsert=True)
            )
    return ops


def refused(change: DocChange) -> str | None:
    """Why the remote must not get ``change``'s document (None: it may).

    A document over MongoDB's size limit (``MAX_DOCUMENT_BYTES``) would fail its batch on
    every retry and stall the stream; a host name with invisible or reordering characters
    (``deskmeter.hosts``) would show on the dashboard as another host's.
    """
    document = change.document
    if document is None:
        return None
    owner = document.get("host")
    if isinstance(owner, str) and owner and (problem := character_problem(owner)) is not None:
        return f"its host name {problem}"
    if change.collection != "switch":  # a switch is bounded by deskmeter.limits
        size = len(bson.encode(document))
        if size > MAX_DOCUMENT_BYTES:
            return (
                f"it is {size:,} bytes, over MongoDB's limit of {MAX_DOCUMENT_BYTES:,} bytes "
                "per document"
            )
    return None


def last_switch_end(changes: Iterable[DocChange], host: str) -> datetime | None:
    """The latest end of ``host``'s switches written by ``changes`` (None: none)."""
    ends = [
        c.document["end"]
        for c in changes
        if c.collection == "switch"
        and c.document is not None
        and c.document.get("host") == host
        and isinstance(c.document.get("end"), datetime)
    ]
    return max(ends) if ends else None


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
        host: str | None = None,
    ) -> None:
        self.uri = uri
        #: The workstation this sink syncs for (default: this machine's name).
        self.host = socket.gethostname() if host is None else host
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
            for collection in COLLECTIONS:  # the per-host sweeps read by host
                self.db[collection].create_index([("host", ASCENDING), ("_id", ASCENDING)])
            adopted = adopt_legacy(MongoDocuments(self.db), self.host)
        if adopted:
            log.info("the remote's single-host documents are host %s's now: %s", self.host, adopted)

    def apply(self, changes: Sequence[DocChange]) -> int:
        written = 0
        with translate_errors("remote", self._where):
            for collection, ops in operations(changes, self.host).items():
                if ops:
                    ids = [c.doc_id for c in changes if c.collection == collection]
                    with MongoStore.keeping_day_totals(self.db, collection, ids):
                        self.db[collection].bulk_write(ops, ordered=False)
                    written += len(ops)
            if changes:
                self._note_sync(last_switch_end(changes, self.host))
        return written

    def _note_sync(self, last_switch: datetime | None) -> None:
        """This host's record in the remote's ``host`` collection: when it last synced, the
        end of its latest switch."""
        update: dict[str, Any] = {"$set": {"host": self.host, "last_sync": utcnow()}}
        if last_switch is not None:
            update["$max"] = {"last_switch": last_switch}
        self.db[HOST_COLLECTION].update_one({"_id": self.host}, update, upsert=True)

    def count(self, collection: str) -> int:
        with translate_errors("remote", self._where):
            return int(self.db[collection].count_documents({"host": self.host}))

    def ids(self, collection: str) -> set[DocId]:
        mine = {"host": self.host}
        with translate_errors("remote", self._where):
            source = self.db[collection]
            if source.estimated_document_count() <= DISTINCT_LIMIT:
                return set(source.distinct("_id", mine))  # one reply, well under 16 MB
            return {doc["_id"] for doc in source.find(mine, {"_id": 1})}

    def close(self) -> None:
        self.client.close()
