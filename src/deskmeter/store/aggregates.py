"""Pre-aggregated day totals: per local day and key, tagged with the zone and start of day.

Every view (day, week, month, year, all-time tasks) reads days. Cutting ten years of switches
into days on every request costs tens of milliseconds, so finished days are kept in a table
(SQLite) or a collection (MongoDB), one set per *tag* = time zone + start of day (a change of
either simply uses another tag, so nothing is ever wrong after a zone change):

* ``day_total``: (tag, group, day, key) → seconds, filled the first time a day is read;
* ``day_total_done``: (tag, group, day) markers saying that day's rows are complete.

Writes keep it exact in the *same transaction*: SQLite triggers on ``switch`` (insert,
replace, update, delete) drop the markers of every local day the old and the new interval can
touch in any zone (UTC −26 h … +14 h covers offsets from −12 h to +14 h and a day start up to
12:00); the next read recomputes only those days. MongoDB does the same from ``MongoStore``'s
write methods and from sync's sink (``invalidate_mongo``).

This module holds the pure parts (tags, the day range an interval touches, the migration
SQL) so the write hooks in the backends stay one line each.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

#: How far before an interval's start (UTC) a local day can begin: a day start of 12:00 in a
#: UTC−12 zone puts the day's beginning 24 h after its UTC date; 26 h leaves margin.
BEFORE = timedelta(hours=26)
#: How far after an interval's end a local day can still contain it (UTC+14).
AFTER = timedelta(hours=14)

_BEFORE_S = int(BEFORE.total_seconds())
_AFTER_S = int(AFTER.total_seconds())

#: The SQLite migration (appended at the end of ``MIGRATIONS``).
SQLITE_MIGRATION = f"""
CREATE TABLE day_total (
    tag TEXT NOT NULL,            -- time zone and start of day, e.g. 'Europe/Madrid|240'
    grp TEXT NOT NULL,            -- 'task' or 'workspace'
    day TEXT NOT NULL,            -- local day, YYYY-MM-DD
    key TEXT NOT NULL,
    seconds REAL NOT NULL,
    PRIMARY KEY (tag, grp, day, key)
) WITHOUT ROWID;
CREATE TABLE day_total_done (
    tag TEXT NOT NULL,
    grp TEXT NOT NULL,
    day TEXT NOT NULL,
    PRIMARY KEY (tag, grp, day)
) WITHOUT ROWID;
CREATE INDEX day_total_done_by_day ON day_total_done (day);
CREATE TRIGGER switch_day_total_before_insert BEFORE INSERT ON switch BEGIN
    DELETE FROM day_total_done WHERE day BETWEEN
        (SELECT date(date - {_BEFORE_S}, 'unixepoch') FROM switch WHERE id = NEW.id)
        AND (SELECT date(date + delta + {_AFTER_S}, 'unixepoch') FROM switch WHERE id = NEW.id);
END;
CREATE TRIGGER switch_day_total_after_insert AFTER INSERT ON switch BEGIN
    DELETE FROM day_total_done WHERE day BETWEEN date(NEW.date - {_BEFORE_S}, 'unixepoch')
        AND date(NEW.date + NEW.delta + {_AFTER_S}, 'unixepoch');
END;
CREATE TRIGGER switch_day_total_update AFTER UPDATE ON switch BEGIN
    DELETE FROM day_total_done WHERE day BETWEEN date(OLD.date - {_BEFORE_S}, 'unixepoch')
        AND date(OLD.date + OLD.delta + {_AFTER_S}, 'unixepoch');
    DELETE FROM day_total_done WHERE day BETWEEN date(NEW.date - {_BEFORE_S}, 'unixepoch')
        AND date(NEW.date + NEW.delta + {_AFTER_S}, 'unixepoch');
END;
CREATE TRIGGER switch_day_total_delete AFTER DELETE ON switch BEGIN
    DELETE FROM day_total_done WHERE day BETWEEN date(OLD.date - {_BEFORE_S}, 'unixepoch')
        AND date(OLD.date + OLD.delta + {_AFTER_S}, 'unixepoch');
END;
"""  # noqa: S608 - only the integer constants above are formatted in

#: MongoDB collections.
MONGO_TOTALS = "day_total"
MONGO_DONE = "day_total_done"


def tag(tz: ZoneInfo, day_start: timedelta) -> str:
    """The cache tag of a zone and a start of day."""
    return f"{tz.key}|{int(day_start.total_seconds() // 60)}"


def touched_days(start: datetime, end: datetime) -> tuple[str, str]:
    """The first and last day (ISO) whose cached totals an interval can change, any zone."""
    first = (start.astimezone(UTC) - BEFORE).date()
    last = (end.astimezone(UTC) + AFTER).date()
    return first.isoformat(), last.isoformat()


def whole_days(
    start: datetime,
    end: datetime,
    tz: ZoneInfo,
    day_start: timedelta,
) -> tuple[list[date], list[tuple[datetime, datetime]]]:
    """Split ``[start, end)`` into whole local days and the partial edges left over.

    Only the first and the last day can be partial, so only they are checked.
    """
    from deskmeter.store.totals import day_of, local_midnight

    if end <= start:
        return [], []
    first = day_of(start, tz, day_start)
    last = day_of(end - timedelta(microseconds=1), tz, day_start)
    edges: list[tuple[datetime, datetime]] = []
    if first == last:
        lo = local_midnight(first, tz, day_start)
        hi = local_midnight(first + timedelta(days=1), tz, day_start)
        if lo == start and hi == end:
            return [first], []
        return [], [(start, end)]
    first_lo = local_midnight(first, tz, day_start)
    if first_lo < start:
        edges.append((start, local_midnight(first + timedelta(days=1), tz, day_start)))
        first += timedelta(days=1)
    last_hi = local_midnight(last + timedelta(days=1), tz, day_start)
    if last_hi > end:
        edges.append((local_midnight(last, tz, day_start), end))
        last -= timedelta(days=1)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return days, edges


def invalidate_mongo(db: Any, intervals: Iterable[tuple[datetime, datetime]]) -> None:
    """Drop MongoDB's day markers that the given intervals can change (any zone)."""
    ranges = [touched_days(lo, hi) for lo, hi in intervals]
    if not ranges:
        return
    clauses = [{"day": {"$gte": first, "$lte": last}} for first, last in ranges]
    for index in range(0, len(clauses), 500):
        db[MONGO_DONE].delete_many({"$or": clauses[index : index + 500]})


def switch_intervals(docs: Sequence[dict[str, Any]]) -> list[tuple[datetime, datetime]]:
    """(start, end) of switch documents in their MongoDB shape (``date``, ``delta``)."""
    out = []
    for doc in docs:
        when = doc.get("date")
        if isinstance(when, datetime):
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            out.append((when, when + timedelta(seconds=float(doc.get("delta") or 0))))
    return out


# -- MongoDB: the same tables as collections, maintained by the writers ------------------------

#: The meta document counting invalidations (a fill that raced a write is discarded).
MONGO_GENERATION = "day_total_generation"
#: The meta document a fill stamps (unix time) before it computes: writers then count.
MONGO_FILLING = "day_total_filling"
#: Seconds a fill stamp keeps writers counting (longer than any fill takes).
FILL_WINDOW = 300.0


def mongo_indexes(db: Any) -> None:
    db[MONGO_TOTALS].create_index([("tag", 1), ("grp", 1), ("day", 1)])
    db[MONGO_DONE].create_index([("tag", 1), ("grp", 1), ("day", 1)])
    db[MONGO_DONE].create_index([("day", 1)])


def mongo_invalidate(db: Any, ids: Sequence[Any], new_docs: Sequence[dict[str, Any]]) -> None:
    """Before switches ``ids`` are replaced by ``new_docs`` (or deleted): drop their days.

    Call it before the write, in the same step; the old versions are read here.
    """
    if not ids and not new_docs:
        return
    old = list(db.switch.find({"_id": {"$in": list(ids)}}, {"date": 1, "delta": 1}))
    intervals = switch_intervals(old) + switch_intervals(new_docs)
    if not intervals:
        return
    ranges = [touched_days(lo, hi) for lo, hi in intervals]
    clauses = [{"day": {"$gte": first, "$lte": last}} for first, last in ranges]
    chunks = [clauses[i : i + 500] for i in range(0, len(clauses), 500)]
    cached = any(db[MONGO_DONE].find_one({"$or": chunk}, {"_id": 1}) for chunk in chunks)
    filling = db.meta.find_one({"_id": MONGO_FILLING})
    busy = filling is not None and time.time() - float(filling.get("value", 0)) < FILL_WINDOW
    if not cached and not busy:  # nothing cached to go stale, no fill to warn: write nothing
        return
    db.meta.update_one({"_id": MONGO_GENERATION}, {"$inc": {"value": 1}}, upsert=True)
    for chunk in chunks:
        db[MONGO_DONE].delete_many({"$or": chunk})


def _generation(db: Any) -> int:
    doc = db.meta.find_one({"_id": MONGO_GENERATION})
    return int(doc.get("value", 0)) if doc else 0


def mongo_fill(
    store: Any, days: list[date], tz: ZoneInfo, group: str, day_start: timedelta
) -> None:
    """Compute and store the days of ``days`` that have no complete marker."""
    from deskmeter.store.base import Store
    from deskmeter.store.totals import local_midnight

    db = store.db
    cache_tag = tag(tz, day_start)
    first, last = days[0].isoformat(), days[-1].isoformat()
    done = {
        doc["day"]
        for doc in db[MONGO_DONE].find(
            {"tag": cache_tag, "grp": group, "day": {"$gte": first, "$lte": last}}, {"day": 1}
        )
    }
    missing = [d for d in days if d.isoformat() not in done]
    if not missing:
        return
    db.meta.update_one({"_id": MONGO_FILLING}, {"$set": {"value": time.time()}}, upsert=True)
    generation = _generation(db)
    runs: list[tuple[date, date]] = []
    for day in missing:
        if runs and runs[-1][1] + timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    markers: list[str] = []
    for run_first, run_last in runs:
        lo = local_midnight(run_first, tz, day_start)
        hi = local_midnight(run_last + timedelta(days=1), tz, day_start)
        totals = Store.totals(store, lo, hi, tz, group=group, by="day", day_start=day_start)  # type: ignore[arg-type]
        db[MONGO_TOTALS].delete_many(
            {
                "tag": cache_tag,
                "grp": group,
                "day": {"$gte": run_first.isoformat(), "$lte": run_last.isoformat()},
            }
        )
        docs = [
            {
                "_id": f"{cache_tag}|{group}|{t.period.isoformat()}|{t.key}",
                "tag": cache_tag,
                "grp": group,
                "day": t.period.isoformat(),
                "key": t.key,
                "seconds": t.seconds,
            }
            for t in totals
            if t.period is not None
        ]
        if docs:
            db[MONGO_TOTALS].insert_many(docs, ordered=False)
        span = (run_last - run_first).days + 1
        markers += [(run_first + timedelta(days=i)).isoformat() for i in range(span)]
    marker_docs = [
        {"_id": f"{cache_tag}|{group}|{day}", "tag": cache_tag, "grp": group, "day": day}
        for day in markers
    ]
    for doc in marker_docs:
        db[MONGO_DONE].replace_one({"_id": doc["_id"]}, doc, upsert=True)
    if _generation(db) != generation:  # a write raced the fill: let the next read redo it
        db[MONGO_DONE].delete_many({"_id": {"$in": [d["_id"] for d in marker_docs]}})


def mongo_day_rows(
    db: Any, days: list[date], tz: ZoneInfo, group: str, day_start: timedelta
) -> list[tuple[str, str, float]]:
    cursor = db[MONGO_TOTALS].find(
        {
            "tag": tag(tz, day_start),
            "grp": group,
            "day": {"$gte": days[0].isoformat(), "$lte": days[-1].isoformat()},
        },
        {"day": 1, "key": 1, "seconds": 1},
    )
    return [(doc["day"], doc["key"], float(doc["seconds"])) for doc in cursor]


def mongo_key_sums(
    db: Any, days: list[date], tz: ZoneInfo, group: str, day_start: timedelta
) -> dict[str, float]:
    """Seconds per key over ``days``, summed by MongoDB (an aggregation pipeline)."""
    pipeline = [
        {
            "$match": {
                "tag": tag(tz, day_start),
                "grp": group,
                "day": {"$gte": days[0].isoformat(), "$lte": days[-1].isoformat()},
            }
        },
        {"$group": {"_id": "$key", "seconds": {"$sum": "$seconds"}}},
    ]
    return {doc["_id"]: float(doc["seconds"]) for doc in db[MONGO_TOTALS].aggregate(pipeline)}
