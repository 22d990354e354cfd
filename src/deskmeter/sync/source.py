"""Sources of ordered changes with a resume position.

* ``SQLiteSource``: the SQLite backend's change log (store/sqlite/changelog.py), written in
  the same transaction as each change once sync started; the position is its sequence
  number. A log row names the document only: the document is read as it is *now* (a later
  row for it will follow if it changes again, so reading the newest value is always right).
* ``MongoSource``: a change stream on the local database (``watch`` with the resume token,
  ``full_document="updateLookup"``); the position is the resume token.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import suppress
from datetime import datetime
from typing import Any, Protocol

from bson.timestamp import Timestamp
from pymongo.errors import PyMongoError

from deskmeter import systemd_notify
from deskmeter.models import as_utc
from deskmeter.store.base import COLLECTIONS
from deskmeter.store.documents import Document
from deskmeter.store.mongo import MongoStore
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.sync.changes import (
    Batch,
    DocChange,
    DocId,
    LocalUnavailableError,
    Position,
    PositionLostError,
    ResumeToken,
)
from deskmeter.sync.errors import translate_errors
from deskmeter.sync.watcher import SAFETY_POLL_SECONDS, Watcher, open_watcher

log = logging.getLogger(__name__)


class Source(Protocol):
    """Where changes come from."""

    kind: str
    #: Seconds to wait after an empty read (the MongoDB source already waited in the server).
    idle_wait: float

    def describe(self) -> str: ...

    def start_position(self) -> Position:
        """A position taken *now*: a copy made after it, then reading from it, misses nothing."""

    def count(self) -> int:
        """How many documents a full copy sends (for progress)."""

    def last_id(self, collection: str) -> DocId | None:
        """The highest ``_id`` of ``collection`` now (None when empty).

        A full copy stops there: a document with a higher id was created after the copy's
        start position, so the change log or stream delivers it anyway.
        """

    def snapshot(
        self, collection: str, after: DocId | None = None, until: DocId | None = None
    ) -> Iterator[Document]:
        """The documents of ``collection`` as they are now, by ``_id``, in (after, until]."""

    def ids(self, collection: str) -> set[DocId]:
        """Every ``_id`` of ``collection`` now."""

    def read(self, position: Position, limit: int) -> Batch:
        """Up to ``limit`` changes after ``position`` (maybe none); raise PositionLostError."""

    def pending(self, position: Position) -> int | None:
        """Changes after ``position`` not yet read, or None when the source cannot tell."""

    def oldest_pending(self, position: Position) -> datetime | None:
        """When the oldest change after ``position`` was made (None: none or unknown)."""

    def compact(self, position: Position) -> None:
        """Forget what is at or before ``position`` (applied and checkpointed)."""

    def close(self) -> None: ...


#: Documents read per query during a full copy.
PAGE = 1000
#: Under a steady stream, the change log is pruned once this many entries are behind.
PRUNE_BEHIND = 10_000
#: The beginning of every error message about the local SQLite store.
SQLITE_FAILED = "the local SQLite store failed"


def change_seq(position: Position) -> int:
    """The SQLite change-log sequence number ``position`` must be."""
    if isinstance(position, int):
        return position
    raise PositionLostError("the checkpoint holds a change-stream token, not a change-log position")


def resume_token(position: Position | None) -> ResumeToken | None:
    """The change-stream resume token ``position`` must be (None: start now)."""
    if position is None or isinstance(position, dict):
        return position
    raise PositionLostError("the checkpoint holds a change-log position, not a resume token")


def as_token(value: Mapping[str, Any]) -> ResumeToken:
    return ResumeToken(dict(value))


# -- SQLite -----------------------------------------------------------------------------------


class SQLiteSource:
    """The SQLite backend's change log, read when the database file changes.

    A watcher (sync/watcher.py: on Linux inotify read by the sync thread itself) wakes
    ``wait_for_change`` on every commit by any process; ``safety_poll_seconds`` bounds the
    sleep where inotify misses writes. When the folder cannot be watched at all, the log is
    polled every ``poll_seconds`` as before. ``watch=False``: poll only (and no watcher is
    opened: what ``sync status``, ``doctor`` and ``/metrics`` use). ``close_watcher`` (and
    ``close``) release the watcher; a later ``wait_for_change`` opens it again.
    """

    kind = "sqlite"

    def __init__(
        self,
        store: SQLiteStore,
        *,
        poll_seconds: float = 0.2,
        safety_poll_seconds: float = SAFETY_POLL_SECONDS,
        watch: bool = True,
    ) -> None:
        self.store = store
        self.idle_wait = poll_seconds
        self._poll_seconds = poll_seconds
        self._safety_poll_seconds = safety_poll_seconds
        self._watch = watch
        self._watcher: Watcher | None = None
        #: ``PRAGMA data_version`` before the last read: a wake-up whose commit is only this
        #: connection's own (sync's heartbeat, checkpoint) leaves it unchanged.
        self._version: int | None = None
        if watch:
            self._open_watcher()

    def _open_watcher(self) -> Watcher | None:
        self._watcher = open_watcher(self.store.path, block_seconds=self._safety_poll_seconds)
        if self._watcher is None:
            log.warning(
                "cannot watch %s for changes: sync polls every %g s instead",
                self.store.path.parent,
                self._poll_seconds,
            )
            self._watch = False
        self.idle_wait = self._poll_seconds if self._watcher is None else self._safety_poll_seconds
        return self._watcher

    @property
    def watching(self) -> bool:
        """Whether commits wake the source (else it polls every ``idle_wait`` seconds)."""
        return self._watcher is not None

    def wait_for_change(self, stop: threading.Event, timeout: float) -> None:
        """Sleep until another connection commits, ``stop`` is set or ``timeout`` passes."""
        watcher = self._watcher
        if watcher is None and self._watch:
            watcher = self._open_watcher()
        if watcher is None:
            systemd_notify.wait(stop, timeout)
            return
        deadline = time.monotonic() + timeout
        while not stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0 or not watcher.wait(stop, left):
                return
            with translate_errors("local", SQLITE_FAILED):
                version = self.store.data_version()
            if version != self._version:  # another connection committed: read
                return

    def close_watcher(self) -> None:
        """Release the watcher (its descriptors or threads)."""
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.close()

    def describe(self) -> str:
        return self.store.describe()

    def start_position(self) -> int:
        with translate_errors("local", SQLITE_FAILED):
            return self.store.changelog.start()  # from now on every write is logged

    def count(self) -> int:
        with translate_errors("local", SQLITE_FAILED):
            return sum(self.store.count_documents(name) for name in COLLECTIONS)

    def last_id(self, collection: str) -> DocId | None:
        with translate_errors("local", SQLITE_FAILED):
            return self.store.last_document_id(collection)

    def snapshot(
        self, collection: str, after: DocId | None = None, until: DocId | None = None
    ) -> Iterator[Document]:
        # The store compares ids itself (its id order is not Python's string order).
        while until is not None:
            with translate_errors("local", SQLITE_FAILED):
                page = self.store.documents_page(collection, after, PAGE, until)
            yield from page
            if len(page) < PAGE:
                return
            after = page[-1]["_id"]

    def ids(self, collection: str) -> set[DocId]:
        with translate_errors("local", SQLITE_FAILED):
            return {d["_id"] for d in self.store.documents(collection)}

    def read(self, position: Position, limit: int) -> Batch:
        seq = change_seq(position)
        log = self.store.changelog
        with translate_errors("local", SQLITE_FAILED):
            if self._watcher is not None:  # before reading: a commit after it wakes the wait
                self._version = self.store.data_version()
            if not log.enabled():
                raise PositionLostError("the SQLite change log is not recording: full copy")
            pruned = log.pruned_through()
            if seq < pruned:
                raise PositionLostError(
                    f"the SQLite change log was pruned through {pruned}, past the checkpoint {seq}"
                )
            entries = log.changes_after(seq, limit)
            if not entries and seq > log.last_seq():
                raise PositionLostError(
                    f"the checkpoint {seq} is ahead of the change log "
                    f"({log.last_seq()}): the local store was replaced"
                )
            if seq > pruned and (not entries or seq - pruned >= PRUNE_BEHIND):
                # Applied and checkpointed: the log keeps only unsynced changes. Pruning is a
                # write (it may wait for another process's transaction), so it is done when
                # nothing is waiting to go out, not between a commit and its sending.
                log.prune(seq)
            changes = [
                DocChange(e.collection, e.doc_id, self.store.get_document(e.collection, e.doc_id))
                for e in entries
            ]
        if not entries:
            return Batch([], seq)
        return Batch(changes, entries[-1].seq, entries[-1].at, read=len(entries))

    def pending(self, position: Position) -> int:
        with translate_errors("local", SQLITE_FAILED):
            return self.store.changelog.pending(change_seq(position))

    def oldest_pending(self, position: Position) -> datetime | None:
        with translate_errors("local", SQLITE_FAILED):
            entries = self.store.changelog.changes_after(change_seq(position), 1)
        return entries[0].at if entries else None

    def compact(self, position: Position) -> None:
        with translate_errors("local", SQLITE_FAILED):
            self.store.changelog.prune(change_seq(position))

    def close(self) -> None:
        self._watch = False
        self.close_watcher()
        self.store.close()


# -- MongoDB ----------------------------------------------------------------------------------

#: Change-stream events after which the stream cannot continue (or has a gap).
ENDING_EVENTS = frozenset({"invalidate", "drop", "dropDatabase", "rename"})
#: The beginnings of the error messages about the local MongoDB.
UNREACHABLE = "cannot reach the local MongoDB"
UNREADABLE = "cannot read the local MongoDB"
STREAM_FAILED = "the local change stream failed"

WATCH_PIPELINE: list[dict[str, Any]] = [
    {
        "$match": {
            "$or": [
                {"ns.coll": {"$in": list(COLLECTIONS)}},
                {"operationType": {"$in": ["invalidate", "dropDatabase"]}},
            ]
        }
    }
]


def event_time(event: dict[str, Any]) -> datetime | None:
    """When the change happened: ``wallTime`` (MongoDB 6+), else ``clusterTime``."""
    wall = event.get("wallTime")
    if isinstance(wall, datetime):
        return as_utc(wall)
    cluster = event.get("clusterTime")
    if isinstance(cluster, Timestamp):
        return cluster.as_datetime()
    return None


def event_change(event: dict[str, Any]) -> DocChange | None:
    """The change an event carries (None for events that change no synced document)."""
    op = event["operationType"]
    if op not in ("insert", "update", "replace", "delete"):
        return None
    collection = event["ns"]["coll"]
    doc_id = event["documentKey"]["_id"]
    document = None if op == "delete" else event.get("fullDocument")
    # An update whose lookup found nothing: the document is gone (its delete follows).
    return DocChange(collection, doc_id, document)


class MongoSource:
    """A change stream on the local MongoDB database (a replica set, e.g. ``rs0``)."""

    kind = "mongodb"
    idle_wait = 0.0

    def __init__(self, store: MongoStore, *, max_await_seconds: float = 0.2) -> None:
        self.store = store
        self.max_await_ms = max(1, int(max_await_seconds * 1000))
        self._stream: Any = None
        self._stream_at: Position | None = None

    def describe(self) -> str:
        return self.store.describe()

    def _open(self, position: Position | None) -> Any:
        self._close_stream()
        with translate_errors("local", UNREACHABLE):
            return self.store.db.watch(
                WATCH_PIPELINE,
                full_document="updateLookup",
                resume_after=resume_token(position),
                max_await_time_ms=self.max_await_ms,
            )

    def _close_stream(self) -> None:
        if self._stream is not None:
            with suppress(PyMongoError):
                self._stream.close()
        self._stream = None
        self._stream_at = None

    def start_position(self) -> ResumeToken:
        stream = self._open(None)
        try:
            with translate_errors("local", STREAM_FAILED):
                stream.try_next()
                token = stream.resume_token
        finally:
            stream.close()
        if token is None:
            raise LocalUnavailableError("the local MongoDB gave no resume token")
        return as_token(token)

    def count(self) -> int:
        with translate_errors("local", UNREACHABLE):
            return sum(int(self.store.db[name].estimated_document_count()) for name in COLLECTIONS)

    def last_id(self, collection: str) -> DocId | None:
        with translate_errors("local", UNREADABLE):
            last = self.store.db[collection].find_one({}, {"_id": 1}, sort=[("_id", -1)])
        return None if last is None else last["_id"]

    def snapshot(
        self, collection: str, after: DocId | None = None, until: DocId | None = None
    ) -> Iterator[Document]:
        if until is None:
            return
        bounds = {"$lte": until} if after is None else {"$gt": after, "$lte": until}
        query = {"_id": bounds}
        with translate_errors("local", UNREADABLE):
            yield from self.store.db[collection].find(query).sort("_id", 1)

    def ids(self, collection: str) -> set[DocId]:
        with translate_errors("local", UNREADABLE):
            return {d["_id"] for d in self.store.db[collection].find({}, {"_id": 1})}

    def read(self, position: Position, limit: int) -> Batch:
        if self._stream is None or self._stream_at != position:
            self._stream = self._open(position)
            self._stream_at = position
        changes: list[DocChange] = []
        last, when, read = position, None, 0
        with translate_errors("local", STREAM_FAILED, cleanup=self._close_stream):
            while read < limit:
                event = self._stream.try_next()
                if event is None:
                    break
                read += 1
                op = event["operationType"]
                if op in ENDING_EVENTS:
                    self._close_stream()
                    raise PositionLostError(f"the local change stream ended with a {op!r} event")
                change = event_change(event)
                if change is not None:
                    changes.append(change)
                last, when = as_token(event["_id"]), event_time(event)
            if not read and self._stream.resume_token is not None:
                last = as_token(self._stream.resume_token)  # the server's high-water mark
        self._stream_at = last
        return Batch(changes, last, when, read=read)

    def pending(self, position: Position) -> int | None:
        return None  # a change stream cannot count what is ahead of it

    def oldest_pending(self, position: Position) -> datetime | None:
        return None

    def compact(self, position: Position) -> None:
        """The server trims its own oplog."""

    def close(self) -> None:
        self._close_stream()
        self.store.close()
