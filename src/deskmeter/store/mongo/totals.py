"""Day totals kept ready in MongoDB: the ``day_total`` and ``day_host`` collections.

The same idea as SQLite's (store/sqlite/totals.py), shaped for a database that several
workstations write at once:

* ``day_total`` holds each host's own microseconds per local day and key (task, workspace or
  away), ``_id`` ``{h, d, g, k}``; ``day_host`` which hosts have switches on which day. Every
  write of switches (the store's own, and sync's sink for each batch it ships,
  ``MongoStore.keeping_day_totals``) recomputes, from the switch collection, the (host, day)
  documents of the hosts and days the old and the new documents touch. A host only ever
  rewrites its own documents, so hosts syncing at the same time never undo each other's.
* "All hosts" is not kept: days on which two hosts have switches are computed from the
  switches by the rule of store/overlap.py, other days read their one host's documents (for
  work time these are the same; away time of a range with several hosts is computed live).
* **Crashes.** Before a batch writes switches it inserts a marker (the ids, the old days) in
  ``day_total_marker`` and removes it once the days are recomputed. While any marker exists
  the totals are answered live from the switches (exact); a marker older than
  ``STALE_MARKER`` (a writer that crashed) is replayed by the next batch: the days of the
  marked ids as they are now and the old days recomputed. ``rebuild_day_totals`` recomputes
  everything (for a new zone too).
* **Zone.** The documents are for the zone in ``meta`` ``day_totals`` (built on the first
  query when missing). A query in another zone is answered live until
  ``rebuild_day_totals`` is run for it: with several writers, a rebuild is a deliberate act.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.database import Database

from deskmeter import limits
from deskmeter.models import Switch, as_utc
from deskmeter.store.day_grid import AWAY, TASK, WORKSPACE, DayGrid, Zone, credited_all, day_runs
from deskmeter.store.documents import Document, switch_from_doc
from deskmeter.store.instants import from_us, to_us
from deskmeter.store.totals import AWAY_KEY, Sums, group_key

META_ID = "day_totals"
#: A marker older than this belongs to a writer that crashed: the next batch replays it.
STALE_MARKER = timedelta(minutes=5)
INDEXES: dict[str, list[list[tuple[str, int]]]] = {
    "day_total": [[("h", ASCENDING), ("g", ASCENDING), ("d", ASCENDING)]],
    "day_host": [[("h", ASCENDING), ("d", ASCENDING)], [("d", ASCENDING)]],
    "day_total_marker": [[("at", ASCENDING)]],
    "switch": [[("host", ASCENDING), ("end", DESCENDING)]],
}
#: The marker of a rebuild in progress (never replayed: a rebuild that crashed is redone).
BUILD_MARKER = "build"
#: (host, group, day, key) → microseconds.
ScopedSums = dict[tuple[str, int, int, str], int]


def add_piece(
    sums: ScopedSums, scope: str, switch: Switch, start: int, end: int, grid: DayGrid
) -> None:
    """Add ``[start, end)`` (µs) of ``switch`` under ``scope``, cut by the grid's days."""
    if end <= start:
        return
    for day, us in grid.cut(start, end):
        if switch.away:
            sums[(scope, AWAY, day, AWAY_KEY)] += us
        else:
            sums[(scope, TASK, day, group_key(switch, "task"))] += us
            sums[(scope, WORKSPACE, day, group_key(switch, "workspace"))] += us


def _span(switch: Switch) -> tuple[int, int]:
    return to_us(switch.date), to_us(switch.end)


class MongoDayTotals:
    """The day totals of one MongoDB database (used by MongoStore and by sync's sink)."""

    def __init__(self, db: Database[Document]) -> None:
        self.db = db

    def ensure_indexes(self) -> None:
        for name, indexes in INDEXES.items():
            for keys in indexes:
                self.db[name].create_index(keys)

    def zone(self) -> Zone | None:
        doc = self.db.meta.find_one({"_id": META_ID})
        return None if doc is None else Zone.parse(str(doc["zone"]))

    def lookback(self) -> int:
        doc = self.db.switch.find_one({}, {"delta": 1}, sort=[("delta", DESCENDING)])
        return round(limits.clamp_delta(float(doc["delta"])) * 1e6) if doc else 0

    # -- write side -------------------------------------------------------------------------

    def _spans(self, ids: Sequence[Any]) -> list[tuple[str, int, int]]:
        """(host, start µs, end µs) of the stored switches with these ids."""
        found = []
        for first in range(0, len(ids), 1000):
            for doc in self.db.switch.find({"_id": {"$in": list(ids[first : first + 1000])}}):
                for switch in limits.readable([doc], switch_from_doc):
                    found.append((switch.host, *_span(switch)))
        return found

    @contextmanager
    def keeping(self, ids: Sequence[Any]) -> Iterator[None]:
        """Around a write of the switches ``ids`` (upserts or deletes): recompute their days."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            yield
            return
        zone = self.zone()
        if zone is None:  # never built: nothing to keep (the first query builds them)
            yield
            return
        self.replay_stale(zone)
        old = self._spans(ids)
        marker = {
            "_id": uuid.uuid4().hex,
            "at": datetime.now(UTC),
            "ids": ids,
            "old": [list(s) for s in old],
        }
        self.db.day_total_marker.insert_one(marker)
        yield
        self.recompute(zone, [*old, *self._spans(ids)])
        self.db.day_total_marker.delete_one({"_id": marker["_id"]})

    def replay_stale(self, zone: Zone) -> None:
        """Recompute what writers that crashed left marked."""
        limit = datetime.now(UTC) - STALE_MARKER
        stale = self.db.day_total_marker.find({"at": {"$lt": limit}, "_id": {"$ne": BUILD_MARKER}})
        for marker in list(stale):
            old = [(str(h), int(s), int(e)) for h, s, e in marker.get("old", [])]
            self.recompute(zone, [*old, *self._spans(list(marker.get("ids", [])))])
            self.db.day_total_marker.delete_one({"_id": marker["_id"]})

    def recompute(self, zone: Zone, spans: Sequence[tuple[str, int, int]]) -> None:
        """Recompute the (host, day) documents the spans (host, start µs, end µs) touch."""
        if not spans:
            return
        grid = DayGrid.covering(zone, min(s for _, s, _ in spans), max(e for _, _, e in spans))
        days: dict[str, set[int]] = defaultdict(set)
        for host, start, end in spans:
            first = grid.day(start)
            last = grid.day(end - 1) if end > start else first
            days[host].update(range(first, last + 1))
        lookback = self.lookback()
        for host, wanted in days.items():
            for first, last in day_runs(wanted):
                self._recompute_run(zone, host, first, last, lookback)

    def _recompute_run(self, zone: Zone, host: str, first: int, last: int, lookback: int) -> None:
        grid = DayGrid(zone, first, last)
        switches = self.fetch(grid.bounds[0], grid.bounds[-1], lookback, host)
        sums: ScopedSums = defaultdict(int)
        presence: dict[int, int] = defaultdict(int)
        for switch in switches:
            start, end = _span(switch)
            add_piece(sums, host, switch, start, end, grid)
            if end > start:
                for day, _ in grid.cut(start, end):
                    presence[day] += 1
            elif grid.bounds[0] <= start < grid.bounds[-1]:
                presence[grid.day(start)] += 1
        days = {"$gte": first, "$lte": last}
        self.db.day_total.delete_many({"h": host, "d": days})
        self.db.day_host.delete_many({"h": host, "d": days})
        docs = [
            {"_id": {"h": h, "d": d, "g": g, "k": k}, "h": h, "d": d, "g": g, "k": k, "us": us}
            for (h, g, d, k), us in sums.items()
            if us > 0
        ]
        if docs:
            self.db.day_total.insert_many(docs)
        if presence:
            self.db.day_host.insert_many(
                [
                    {"_id": {"h": host, "d": d}, "h": host, "d": d, "n": n}
                    for d, n in presence.items()
                ]
            )

    def rebuild(self, zone: Zone) -> None:
        """Recompute every document for ``zone`` (and record it as the zone kept)."""
        text = zone.text
        if text is None:
            raise ValueError("the day totals need a named time zone")
        marker = {"_id": BUILD_MARKER, "at": datetime.now(UTC)}
        self.db.day_total_marker.replace_one({"_id": BUILD_MARKER}, marker, upsert=True)
        self.db.meta.replace_one({"_id": META_ID}, {"_id": META_ID, "zone": text}, upsert=True)
        self.db.day_total.delete_many({})
        self.db.day_host.delete_many({})
        # a document no Deskmeter wrote may hold anything in ``date``: only dates count
        first = self.db.switch.find_one(
            {"date": {"$type": "date"}}, {"date": 1}, sort=[("date", ASCENDING)]
        )
        ends = self.last_ends()
        if first is not None and ends:
            lo = to_us(as_utc(first["date"]))
            grid = DayGrid.covering(zone, lo, max(lo, *(to_us(e) for e in ends.values())))
            lookback = self.lookback()
            for host in ends:
                for run_first, run_last in day_runs(range(grid.first, grid.last + 1)):
                    self._recompute_run(zone, host, run_first, run_last, lookback)
        for pending in list(self.db.day_total_marker.find({"_id": {"$ne": BUILD_MARKER}})):
            old = [(str(h), int(s), int(e)) for h, s, e in pending.get("old", [])]
            self.recompute(zone, [*old, *self._spans(list(pending.get("ids", [])))])
        self.db.day_total_marker.delete_one({"_id": BUILD_MARKER})

    # -- read side --------------------------------------------------------------------------

    def serves(self, zone: Zone) -> bool:
        """Whether the documents answer exactly in ``zone`` now (built, no write in flight)."""
        if zone.text is None:
            return False
        current = self.zone()
        build = self.db.day_total_marker.find_one({"_id": BUILD_MARKER})
        crashed = build is not None and as_utc(build["at"]) < datetime.now(UTC) - STALE_MARKER
        if current is None or crashed:  # never built, or a rebuild died: build now
            if build is not None and not crashed:
                return False  # being built by someone else: live until done
            self.rebuild(zone if current is None else current)
            current = self.zone()
        if current is None or current.text != zone.text:
            return False
        return self.db.day_total_marker.find_one({}) is None

    def fetch(self, lo: int, hi: int, lookback: int, host: str | None = None) -> list[Switch]:
        """The switches that overlap ``[lo, hi)`` (µs), zero-length ones inside it too."""
        query: dict[str, Any] = {"date": {"$gte": from_us(lo - lookback), "$lt": from_us(hi)}}
        if host is not None:
            query["host"] = host
        cursor = self.db.switch.find(query).sort([("date", ASCENDING), ("_id", ASCENDING)])
        found = []
        for switch in limits.readable(cursor, switch_from_doc):
            start, end = _span(switch)
            if end > lo or start >= lo:
                found.append(switch)
        return found

    def hosts_in(self, zone: Zone, start: datetime, end: datetime) -> set[str]:
        """The hosts with a switch overlapping ``[start, end)`` (as the SQLite twin)."""
        lo, hi = to_us(start), to_us(end)
        if hi <= lo:
            return set()
        grid = DayGrid.covering(zone, lo, hi - 1)
        inner = [
            d for d in range(grid.first, grid.last + 1) if grid.lo(d) > lo and grid.hi(d) <= hi
        ]
        found: set[str] = set()
        windows = [(lo, hi)]
        if inner:
            found.update(
                str(h)
                for h in self.db.day_host.distinct(
                    "h", {"d": {"$gte": inner[0], "$lte": inner[-1]}}
                )
            )
            windows = [(lo, grid.lo(inner[0])), (grid.hi(inner[-1]), hi)]
        lookback = self.lookback()
        for w_lo, w_hi in windows:
            if w_hi > w_lo:
                for switch in self.fetch(w_lo, w_hi, lookback):
                    s, e = _span(switch)
                    if s < hi and e > lo:
                        found.add(switch.host)
        return found

    def day_sums(
        self, zone: Zone, start: datetime, end: datetime, grp: int, host: str | None
    ) -> Sums:
        """µs per (local day, key) of group ``grp`` in ``[start, end)`` (as SQLite's)."""
        lo, hi = to_us(start), to_us(end)
        if hi <= lo:
            return {}
        combined = False
        if host is None:
            hosts = self.hosts_in(zone, start, end)
            if not hosts:
                return {}
            combined = len(hosts) > 1
            host = None if combined else next(iter(hosts))
        lookback = self.lookback()
        sums: ScopedSums = defaultdict(int)
        if combined and grp == AWAY:  # away across hosts: only where no host worked
            self._live(sums, zone, lo, hi, lookback, None)
            return _keyed(sums, grp)
        grid = DayGrid.covering(zone, lo, hi - 1)
        whole = [
            d for d in range(grid.first, grid.last + 1) if grid.lo(d) >= lo and grid.hi(d) <= hi
        ]
        windows = [(lo, hi)]
        if whole:
            first, last = whole[0], whole[-1]
            span = {"$gte": first, "$lte": last}
            multi: set[int] = set()
            if combined:
                count: dict[int, int] = defaultdict(int)
                for doc in self.db.day_host.find({"d": span}, {"d": 1}):
                    count[int(doc["d"])] += 1
                multi = {d for d, n in count.items() if n > 1}
            query: dict[str, Any] = {"g": grp, "d": span}
            if host is not None:
                query["h"] = host
            for doc in self.db.day_total.find(query, {"d": 1, "k": 1, "us": 1}):
                if int(doc["d"]) not in multi:
                    sums[("", grp, int(doc["d"]), str(doc["k"]))] += int(doc["us"])
            for run_first, run_last in day_runs(multi):
                self._live(sums, zone, grid.lo(run_first), grid.hi(run_last), lookback, None)
            windows = [(lo, grid.lo(first)), (grid.hi(last), hi)]
        for w_lo, w_hi in windows:
            if w_hi > w_lo:
                self._live(sums, zone, w_lo, w_hi, lookback, None if combined else host)
        return _keyed(sums, grp)

    def _live(
        self, sums: ScopedSums, zone: Zone, lo: int, hi: int, lookback: int, host: str | None
    ) -> None:
        """Add ``[lo, hi)`` computed from the switches (host None: overlap.py's rule)."""
        grid = DayGrid.covering(zone, lo, hi - 1)
        grid.bounds[0], grid.bounds[-1] = lo, hi
        switches = self.fetch(lo, hi, lookback, host)
        pieces = credited_all(switches) if host is None else switches
        for piece in pieces:
            add_piece(sums, "", piece, *_span(piece), grid)

    def last_ends(self) -> dict[str, datetime]:
        """Each host's latest switch end (the ``end`` field, one index look-up per host)."""
        out: dict[str, datetime] = {}
        for host in self.db.switch.distinct("host"):
            doc = self.db.switch.find_one(
                {"host": host, "end": {"$type": "date"}}, {"end": 1}, sort=[("end", DESCENDING)]
            )
            if doc is not None and isinstance(doc.get("end"), datetime):
                out[str(host or "")] = as_utc(doc["end"])
        return out


def _keyed(sums: ScopedSums, grp: int) -> Sums:
    out: Sums = defaultdict(int)
    for (_, g, day, key), us in sums.items():
        if g == grp:
            out[(day, key)] += us
    return out
