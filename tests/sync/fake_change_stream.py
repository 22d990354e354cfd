"""A hand-written stand-in for MongoDB change streams, over mongomock.

mongomock (an in-memory imitation of MongoDB) has no change streams. ``RecordingClient`` wraps
a mongomock client: every write made through it is performed by mongomock and recorded as a
change event with the documented shape (``_id`` resume token, ``operationType``,
``clusterTime``, ``wallTime``, ``ns``, ``documentKey``, ``fullDocument``,
``updateDescription``); ``db.watch(...)`` returns a ``FakeChangeStream`` over those events
with pymongo's ``try_next``/``resume_token``/``close`` behaviour, ``resume_after``, the
``$match`` pipeline (evaluated by mongomock's own filter code) and ``updateLookup``.

Faults it can play: the oplog losing history (resume fails with code 286,
ChangeStreamHistoryLost), an ``invalidate`` event, a broken connection (the local server
restarting), the server being down.
"""

from __future__ import annotations

import copy
import threading
import time
from datetime import UTC, datetime
from typing import Any

import mongomock
from bson.timestamp import Timestamp
from mongomock.filtering import filter_applies
from pymongo import DeleteOne, InsertOne, ReplaceOne, UpdateOne
from pymongo.errors import AutoReconnect, OperationFailure, ServerSelectionTimeoutError

HISTORY_LOST = 286
TOKEN_NOT_FOUND = 280


def token(seq: int) -> dict[str, str]:
    """The resume token of event number ``seq`` (0: before any event)."""
    return {"_data": f"8263{seq:016X}0000"}


def token_seq(value: Any) -> int:
    try:
        return int(value["_data"][4:20], 16)
    except (KeyError, TypeError, ValueError):
        raise OperationFailure("cannot resume: unknown resume token", TOKEN_NOT_FOUND) from None


class ChangeLog:
    """The recorded events (what the server's oplog would give a change stream)."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.events: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        #: Events numbered up to this one have left the oplog.
        self.trimmed_through = 0
        #: While True, the local server cannot be reached.
        self.down = False
        #: So many of the next reads fail as if the connection broke (a server restart).
        self.broken_reads = 0
        self.lookup: Any = None  # set by RecordingDatabase: (collection, _id) -> document

    def _append(self, event: dict[str, Any]) -> None:
        with self.lock:
            seq = len(self.events) + 1
            event["_id"] = token(seq)
            event["clusterTime"] = Timestamp(int(time.time()), seq)
            event["wallTime"] = datetime.now(UTC)
            self.events.append(event)

    def emit(
        self,
        op: str,
        collection: str,
        doc_id: Any,
        document: dict[str, Any] | None = None,
        update: dict[str, Any] | None = None,
    ) -> None:
        event: dict[str, Any] = {
            "operationType": op,
            "ns": {"db": self.database, "coll": collection},
            "documentKey": {"_id": doc_id},
        }
        if op in ("insert", "replace"):
            event["fullDocument"] = copy.deepcopy(document)
        if op == "update":
            event["updateDescription"] = update or {"updatedFields": {}, "removedFields": []}
        self._append(event)

    def invalidate(self) -> None:
        self._append({"operationType": "invalidate"})

    def lose_history(self) -> None:
        """The oplog rolls over: every event recorded so far is gone."""
        self.trimmed_through = len(self.events)


class FakeChangeStream:
    """What ``Database.watch`` returns, reading a ``ChangeLog``."""

    def __init__(
        self,
        log: ChangeLog,
        pipeline: list[dict[str, Any]] | None,
        full_document: str | None,
        resume_after: Any,
        max_await_time_ms: int | None,
    ) -> None:
        if log.down:
            raise ServerSelectionTimeoutError("localhost:27017: [Errno 111] Connection refused")
        self.log = log
        self.match = next((s["$match"] for s in pipeline or [] if "$match" in s), {})
        self.full_document = full_document
        self.await_seconds = min((max_await_time_ms or 1000) / 1000, 0.02)
        self.alive = True
        if resume_after is None:
            self.next_seq = len(log.events) + 1
        else:
            seq = token_seq(resume_after)
            if seq > len(log.events):
                raise OperationFailure("cannot resume: resume token not found", TOKEN_NOT_FOUND)
            if seq < log.trimmed_through:
                raise OperationFailure(
                    "Resume of change stream was not possible, as the resume point may no "
                    "longer be in the oplog.",
                    HISTORY_LOST,
                )
            self.next_seq = seq + 1
        self._token: dict[str, str] = token(self.next_seq - 1)

    @property
    def resume_token(self) -> dict[str, str]:
        return self._token

    def try_next(self) -> dict[str, Any] | None:
        if not self.alive:
            raise StopIteration
        if self.log.down:
            raise AutoReconnect("localhost:27017: connection closed")
        if self.log.broken_reads > 0:
            self.log.broken_reads -= 1
            raise AutoReconnect("localhost:27017: connection closed (server restarting)")
        if self.next_seq <= self.log.trimmed_through:
            raise OperationFailure("ChangeStreamHistoryLost", HISTORY_LOST)
        while self.next_seq <= len(self.log.events):
            event = copy.deepcopy(self.log.events[self.next_seq - 1])
            self.next_seq += 1
            self._token = event["_id"]
            if event["operationType"] != "invalidate" and not filter_applies(self.match, event):
                continue
            if event["operationType"] == "invalidate":
                self.alive = False
            elif event["operationType"] == "update" and self.full_document == "updateLookup":
                collection = event["ns"]["coll"]
                event["fullDocument"] = self.log.lookup(collection, event["documentKey"]["_id"])
            return event
        time.sleep(self.await_seconds)  # the server's maxAwaitTimeMS wait, shortened
        return None

    def close(self) -> None:
        self.alive = False

    def __enter__(self) -> FakeChangeStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Result:
    def __init__(self, **counts: int) -> None:
        self.__dict__.update(counts)
        self.acknowledged = True


class RecordingCollection:
    """A mongomock collection whose writes are recorded as change events."""

    def __init__(self, inner: Any, log: ChangeLog) -> None:
        self._inner, self._log = inner, log

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    @property
    def name(self) -> str:
        return str(self._inner.name)

    def insert_one(self, document: dict[str, Any]) -> Any:
        result = self._inner.insert_one(document)
        self._log.emit(
            "insert",
            self.name,
            result.inserted_id,
            self._inner.find_one({"_id": result.inserted_id}),
        )
        return result

    def replace_one(self, filter: Any, document: Any, upsert: bool = False, **kw: Any) -> Any:
        existed = self._inner.find_one(filter)
        result = self._inner.replace_one(filter, document, upsert=upsert)
        doc_id = existed["_id"] if existed else result.upserted_id
        if existed or result.upserted_id is not None:
            stored = self._inner.find_one({"_id": doc_id})
            self._log.emit("replace" if existed else "insert", self.name, doc_id, stored)
        return result

    def update_one(self, filter: Any, update: Any, upsert: bool = False, **kw: Any) -> Any:
        existed = self._inner.find_one(filter)
        result = self._inner.update_one(filter, update, upsert=upsert)
        if existed:
            fields = dict(update.get("$set", {}))
            self._log.emit(
                "update",
                self.name,
                existed["_id"],
                update={"updatedFields": fields, "removedFields": []},
            )
        elif result.upserted_id is not None:
            stored = self._inner.find_one({"_id": result.upserted_id})
            self._log.emit("insert", self.name, result.upserted_id, stored)
        return result

    def delete_one(self, filter: Any, **kw: Any) -> Any:
        existed = self._inner.find_one(filter)
        result = self._inner.delete_one(filter)
        if existed and result.deleted_count:
            self._log.emit("delete", self.name, existed["_id"])
        return result

    def bulk_write(self, requests: list[Any], ordered: bool = True, **kw: Any) -> Any:
        for op in requests:
            if isinstance(op, ReplaceOne):
                self.replace_one(op._filter, op._doc, upsert=bool(op._upsert))
            elif isinstance(op, UpdateOne):
                self.update_one(op._filter, op._doc, upsert=bool(op._upsert))
            elif isinstance(op, DeleteOne):
                self.delete_one(op._filter)
            elif isinstance(op, InsertOne):
                self.insert_one(op._doc)
            else:
                raise NotImplementedError(type(op).__name__)
        return _Result(matched_count=0, modified_count=0, upserted_count=0)


class RecordingDatabase:
    def __init__(self, inner: Any, log: ChangeLog) -> None:
        self._inner, self._log = inner, log
        self._collections: dict[str, RecordingCollection] = {}
        log.lookup = lambda collection, doc_id: inner[collection].find_one({"_id": doc_id})

    @property
    def name(self) -> str:
        return str(self._inner.name)

    def __getitem__(self, name: str) -> RecordingCollection:
        if name not in self._collections:
            self._collections[name] = RecordingCollection(self._inner[name], self._log)
        return self._collections[name]

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._inner, name)
        if isinstance(value, mongomock.Collection):
            return self[name]
        return value

    def watch(
        self,
        pipeline: list[dict[str, Any]] | None = None,
        full_document: str | None = None,
        resume_after: Any = None,
        max_await_time_ms: int | None = None,
        **kw: Any,
    ) -> FakeChangeStream:
        return FakeChangeStream(self._log, pipeline, full_document, resume_after, max_await_time_ms)


class RecordingClient:
    """A mongomock client whose databases record change events (one ``ChangeLog`` each)."""

    def __init__(self) -> None:
        self._inner = mongomock.MongoClient(tz_aware=True)
        self.logs: dict[str, ChangeLog] = {}

    def __getitem__(self, name: str) -> RecordingDatabase:
        log = self.logs.setdefault(name, ChangeLog(name))
        return RecordingDatabase(self._inner[name], log)

    def close(self) -> None:
        """Nothing to release."""
