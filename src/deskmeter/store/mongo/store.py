"""The MongoDB backend (pymongo): the seed's production store.

Collections ``switch``, ``task``, ``task_history``, ``state`` (the seed's names), ``edit``,
``meta`` (checkpoints; never synced) and, on a remote, ``host`` (each syncing host's last sync,
written by sync's sink). ``state`` has one document per host (``current@HOST``), tasks are
keyed ``HOST:ID``. Datetimes are stored as UTC BSON dates.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pymongo import ASCENDING, DESCENDING, MongoClient, ReplaceOne
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import (
    DuplicateKeyError,
    OperationFailure,
    PyMongoError,
)

from deskmeter import limits
from deskmeter.models import State, Switch, Task, TaskHistoryEntry, as_utc, state_key
from deskmeter.store.adopt import Adopted, adopt_legacy
from deskmeter.store.base import (
    HOST_COLLECTION,
    SortOrder,
    Store,
    StoreError,
    state_host,
)
from deskmeter.store.day_grid import Zone
from deskmeter.store.documents import (
    Document,
    history_from_doc,
    history_to_doc,
    state_from_doc,
    state_to_doc,
    switch_from_doc,
    switch_to_doc,
    task_from_doc,
    task_to_doc,
)
from deskmeter.store.edit_record import EditRecord, edit_from_doc, edit_to_doc
from deskmeter.store.mongo.connection import connect, ensure_indexes, redact
from deskmeter.store.mongo.documents import MongoDocuments
from deskmeter.store.mongo.totals import MongoDayTotals
from deskmeter.store.totals import MIDNIGHT, Period, Sums


def _range(start: datetime | None, end: datetime | None, host: str | None = None) -> dict[str, Any]:
    query: dict[str, Any] = {} if host is None else {"host": host}
    condition: dict[str, Any] = {}
    if start is not None:
        condition["$gte"] = start
    if end is not None:
        condition["$lt"] = end
    if condition:
        query["date"] = condition
    return query


def _checked_doc(switch: Switch) -> Document:
    limits.validate_switch(switch)  # refuse what the queries cannot handle
    return switch_to_doc(switch)


class MongoStore(Store):
    """A store in a MongoDB database (a single-node replica set ``rs0`` for change streams)."""

    kind = "mongodb"
    write_errors = (StoreError, OSError, PyMongoError)

    def __init__(
        self,
        uri: str,
        *,
        client: MongoClient[Document] | None = None,
        database: str | None = None,
        timeout_ms: int = 5000,
    ) -> None:
        self.uri = uri
        self.client: MongoClient[Document]
        self.db: Database[Document]
        self.client, self.db = connect(uri, client=client, database=database, timeout_ms=timeout_ms)
        #: The day totals kept ready (store/mongo/totals.py).
        self.day_totals_kept = MongoDayTotals(self.db)
        self._ensure_indexes()

    def describe(self) -> str:
        return f"mongodb:{redact(self.uri)}/{self.db.name}"

    def _ensure_indexes(self) -> None:
        try:
            ensure_indexes(self.db)
            self.day_totals_kept.ensure_indexes()
        except OperationFailure as exc:
            raise StoreError(f"MongoDB refused {self.describe()}: {exc}") from exc
        except PyMongoError as exc:
            raise StoreError(f"cannot reach MongoDB at {self.describe()}: {exc}") from exc

    def collection(self, name: str) -> Collection[Document]:
        return self.db[name]

    def close(self) -> None:
        self.client.close()

    # -- switches ---------------------------------------------------------------------------

    def add_switches(self, switches: Iterable[Switch]) -> int:
        docs = [_checked_doc(s) for s in switches]
        ops = [ReplaceOne({"_id": d["_id"]}, d, upsert=True) for d in docs]
        if not ops:
            return 0
        with self.day_totals_kept.keeping([d["_id"] for d in docs]):
            self.db.switch.bulk_write(ops, ordered=False)
        return len(ops)

    @staticmethod
    def keeping_day_totals(
        db: Database[Document], collection: str, ids: Sequence[Any]
    ) -> AbstractContextManager[None]:
        """Around a write of documents ``ids`` of ``collection`` into ``db``: for switches,
        the day totals of the days they touch (before and after) are recomputed.

        Sync's sink calls it for each batch it ships to the remote; a crash in between is
        repaired as store/mongo/totals.py says.
        """
        if collection != "switch":
            return nullcontext()
        return MongoDayTotals(db).keeping(ids)

    def switches(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        order: SortOrder = "asc",
        host: str | None = None,
    ) -> list[Switch]:
        direction = DESCENDING if order == "desc" else ASCENDING
        cursor = self.db.switch.find(_range(start, end, host)).sort(
            [("date", direction), ("_id", direction)]
        )
        if offset:
            cursor = cursor.skip(offset)
        if limit is not None:
            cursor = cursor.limit(limit)
        return list(limits.readable(cursor, switch_from_doc))

    def count_switches(
        self, start: datetime | None = None, end: datetime | None = None, *, host: str | None = None
    ) -> int:
        return int(self.db.switch.count_documents(_range(start, end, host)))

    def last_switch_ends(self) -> dict[str, datetime]:
        return self.day_totals_kept.last_ends()

    def count_existing_switches(self, ids: Sequence[str]) -> int:
        unique = list(dict.fromkeys(ids))
        return int(self.db.switch.count_documents({"_id": {"$in": unique}})) if unique else 0

    def longest_switch(self) -> float:
        doc = self.db.switch.find_one({}, {"delta": 1}, sort=[("delta", DESCENDING)])
        return limits.clamp_delta(float(doc["delta"])) if doc else 0.0

    # -- totals (the day totals kept ready: store/mongo/totals.py) --------------------------

    def _kept_sums(
        self,
        start: datetime,
        end: datetime,
        tz: ZoneInfo,
        day_start: timedelta,
        grp: int,
        host: str | None,
        by: Period | None,
    ) -> Sums | None:
        """µs per (local day, key) from the day totals; None when they cannot answer."""
        zone = Zone(tz, day_start)
        if not self.day_totals_kept.serves(zone):
            return None
        return self.day_totals_kept.day_sums(zone, start, end, grp, host)

    def rebuild_day_totals(self, tz: ZoneInfo, day_start: timedelta = MIDNIGHT) -> None:
        """Recompute the day totals for ``tz`` (a new zone, or repair; see totals.py)."""
        self.day_totals_kept.rebuild(Zone(tz, day_start))

    # -- tasks ------------------------------------------------------------------------------

    def upsert_tasks(self, tasks: Sequence[Task]) -> None:
        if tasks:
            self.db.task.bulk_write(
                [ReplaceOne({"_id": t.key}, task_to_doc(t), upsert=True) for t in tasks],
                ordered=False,
            )

    def tasks(self, *, include_inactive: bool = False, host: str | None = None) -> list[Task]:
        query: dict[str, Any] = {} if include_inactive else {"active": True}
        if host is not None:
            query["host"] = host or {"$in": [None, ""]}
        found = [task_from_doc(d) for d in self.db.task.find(query)]
        return sorted(found, key=lambda t: (t.path, t.host, t.id))

    def add_task_history(self, entries: Sequence[TaskHistoryEntry]) -> None:
        if entries:
            self.db.task_history.bulk_write(
                [ReplaceOne({"_id": e.id}, history_to_doc(e), upsert=True) for e in entries],
                ordered=False,
            )

    def task_history(
        self, task_id: str | None = None, *, host: str | None = None
    ) -> list[TaskHistoryEntry]:
        query: dict[str, Any] = {} if task_id is None else {"task_id": task_id}
        if host is not None:
            query["host"] = host or {"$in": [None, ""]}
        cursor = self.db.task_history.find(query).sort(
            [("task_id", ASCENDING), ("since", ASCENDING)]
        )
        return [history_from_doc(d) for d in cursor]

    # -- state ------------------------------------------------------------------------------

    def states(self) -> list[State]:
        cursor = self.db.state.find({}).sort([("heartbeat", DESCENDING), ("host", ASCENDING)])
        return list(limits.readable(cursor, state_from_doc, "state"))

    def get_state(self, host: str | None = None) -> State | None:
        if host is None:
            return super().get_state()
        doc = self.db.state.find_one({"_id": state_key(host)})
        return limits.readable_one(doc, state_from_doc, "state")

    def put_state(self, state: State | None, *, host: str | None = None) -> None:
        key = state_key(state_host(state, host))
        if state is None:
            self.db.state.delete_one({"_id": key})
        else:
            self.db.state.replace_one({"_id": key}, state_to_doc(state), upsert=True)

    def close_interval(
        self, switch: Switch | None, state: State | None, *, host: str | None = None
    ) -> None:
        owner = state_host(state, host)
        if switch is not None:
            self.add_switch(switch)
        self.put_state(state, host=owner)

    def adopt_legacy(self, host: str) -> Adopted:
        """To the host the single-host data names, else ``host`` (several hosts may share
        this database)."""
        return adopt_legacy(MongoDocuments(self.db), host)

    def last_syncs(self) -> dict[str, datetime]:
        """When each host last synced into this database (the ``host`` collection sync's
        sink keeps; empty for a local store)."""
        return {
            str(d["_id"]): as_utc(d["last_sync"])
            for d in self.db[HOST_COLLECTION].find({})
            if isinstance(d.get("last_sync"), datetime)
        }

    # -- edits ----------------------------------------------------------------------------

    def apply_edit(self, remove: Sequence[str], add: Sequence[Switch], edit: EditRecord) -> None:
        self.db.edit.replace_one({"_id": edit.id}, edit_to_doc(edit), upsert=True)
        self.add_switches(add)
        if remove:
            with self.day_totals_kept.keeping(list(remove)):
                self.db.switch.delete_many({"_id": {"$in": list(remove)}})

    def replaced_switch_ids(self, ids: Sequence[str]) -> set[str]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return set()
        kept = self.db.edit.distinct(
            "before._id", {"undone_at": None, "before._id": {"$in": wanted}}
        )
        undone = self.db.edit.distinct(
            "after._id", {"undone_at": {"$ne": None}, "after._id": {"$in": wanted}}
        )
        return {str(i) for i in (*kept, *undone)} & set(wanted)

    def last_undoable_edit(self, host: str = "") -> EditRecord | None:
        query: dict[str, Any] = {"undone_at": None}
        if host:
            query["host"] = {"$in": [host, "", None]}
        doc = self.db.edit.find_one(query, sort=[("at", DESCENDING), ("_id", DESCENDING)])
        return None if doc is None else edit_from_doc(doc)

    def edits(self, *, limit: int | None = None) -> list[EditRecord]:
        cursor = self.db.edit.find({}).sort([("at", DESCENDING), ("_id", DESCENDING)])
        if limit is not None:
            cursor = cursor.limit(limit)
        return [edit_from_doc(doc) for doc in cursor]

    # -- meta -------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        doc = self.db.meta.find_one({"_id": key})
        return str(doc["value"]) if doc else None

    def set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self.db.meta.delete_one({"_id": key})
        else:
            self.db.meta.replace_one({"_id": key}, {"_id": key, "value": value}, upsert=True)

    def swap_meta(self, key: str, expected: str | None, new: str | None) -> bool:
        meta = self.db.meta
        if expected is None:
            if new is None:
                return meta.find_one({"_id": key}) is None
            try:
                meta.insert_one({"_id": key, "value": new})
            except DuplicateKeyError:
                return False
            return True
        if new is None:
            return bool(meta.delete_one({"_id": key, "value": expected}).deleted_count)
        found = meta.update_one({"_id": key, "value": expected}, {"$set": {"value": new}})
        return bool(found.matched_count)

    # -- documents (for sync) ---------------------------------------------------------------

    def get_document(self, collection: str, doc_id: str) -> Document | None:
        return self.db[collection].find_one({"_id": doc_id})

    def documents(self, collection: str) -> Iterator[Document]:
        return iter(self.db[collection].find({}))
