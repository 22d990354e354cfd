"""ActivityWatch: its export JSON (``GET /api/0/export``, or the web UI's "Export all buckets").

``{"buckets": {ID: {"type", "hostname", "events": [{"timestamp", "duration", "data"}]}}}``:

* ``currentwindow`` buckets (aw-watcher-window): each event is a switch whose workspace is the
  app (``data.app``) and whose task is the first ``[[import.activitywatch.rules]]`` rule whose
  ``app`` and ``title`` regular expressions both match (searched, case-insensitive); none
  matches: no task.
* ``afkstatus`` buckets (aw-watcher-afk): ``status = "afk"`` stretches become away time, and
  window time inside them is cut out (what ActivityWatch itself counts: window events that
  intersect "not-afk"); with no afk bucket for a host the window events count as they are.
* Other buckets (browser, editor, Deskmeter's own workspace bucket) are left out.

Each switch carries its bucket's ``hostname`` as its host (``--host`` replaces it). Ids come
from the bucket and the event's timestamp (and the piece, where afk time cut an event).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from deskmeter.formats.base import (
    BadRecord,
    ImportContext,
    ImportFormat,
    ImportSource,
    ImportSourceError,
    Sample,
    TitleRule,
    stable_id,
)
from deskmeter.formats.tags import task_fields
from deskmeter.models import as_utc

AWAY_WORKSPACE = "afk"


def sniff(sample: Sample) -> bool:
    data = sample.json
    return isinstance(data, Mapping) and isinstance(data.get("buckets"), Mapping)


@dataclass(frozen=True)
class Event:
    bucket: str
    start: datetime
    end: datetime
    data: Mapping[str, Any]


def _event(bucket: str, raw: Any) -> Event | BadRecord:
    if not isinstance(raw, Mapping):
        return BadRecord(f"{bucket}: an event is not an object")
    try:
        start = as_utc(datetime.fromisoformat(str(raw["timestamp"]).replace("Z", "+00:00")))
        seconds = float(raw.get("duration", 0))
    except (KeyError, TypeError, ValueError) as exc:
        return BadRecord(
            f"{bucket}: event {raw.get('timestamp')!r}: bad timestamp or duration ({exc})"
        )
    if not math.isfinite(seconds) or seconds < 0:
        return BadRecord(f"{bucket}: event {raw['timestamp']}: negative duration")
    found = raw.get("data")
    data: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    return Event(bucket, start, start + timedelta(seconds=seconds), data)


class Rules:
    def __init__(self, rules: Sequence[TitleRule]) -> None:
        self.compiled = [
            (re.compile(r.app, re.IGNORECASE), re.compile(r.title, re.IGNORECASE), r.task)
            for r in rules
        ]

    def task(self, app: str, title: str) -> str | None:
        for app_re, title_re, task in self.compiled:
            if app_re.search(app) and title_re.search(title):
                return task
        return None


def _merged(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    out: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _minus(
    start: datetime, end: datetime, holes: list[tuple[datetime, datetime]]
) -> Iterator[tuple[datetime, datetime]]:
    cursor = start
    for hole_start, hole_end in holes:
        if hole_end <= cursor or hole_start >= end:
            continue
        if hole_start > cursor:
            yield cursor, hole_start
        cursor = max(cursor, hole_end)
    if cursor < end:
        yield cursor, end


def records(data: Mapping[str, Any], context: ImportContext) -> list[Mapping[str, Any]]:
    rules = Rules(context.rules)
    out: list[Mapping[str, Any]] = []
    windows: dict[str, list[Event]] = {}
    afk: dict[str, list[Event]] = {}
    for bucket_id, bucket in data["buckets"].items():
        if not isinstance(bucket, Mapping):
            out.append(BadRecord(f"bucket {bucket_id!r} is not an object"))
            continue
        kind = bucket.get("type")
        if kind not in ("currentwindow", "afkstatus"):
            continue
        host = str(bucket.get("hostname") or "")
        target = windows if kind == "currentwindow" else afk
        for raw in bucket.get("events") or []:
            event = _event(str(bucket_id), raw)
            if isinstance(event, BadRecord):
                out.append(event)
            else:
                target.setdefault(host, []).append(event)
    for host, events in afk.items():
        for event in events:
            if event.data.get("status") != "afk" or event.end <= event.start:
                continue
            out.append(
                {
                    "id": stable_id("activitywatch", event.bucket, event.start.isoformat()),
                    "date": event.start,
                    "delta": (event.end - event.start).total_seconds(),
                    "workspace": AWAY_WORKSPACE,
                    "host": host,
                    "away": True,
                }
            )
    for host, events in windows.items():
        holes = _merged(
            [(e.start, e.end) for e in afk.get(host, []) if e.data.get("status") == "afk"]
        )
        for event in events:
            app = str(event.data.get("app") or "")
            title = str(event.data.get("title") or "")
            fields = task_fields(rules.task(app, title), context.task_ids)
            for piece, (start, end) in enumerate(_minus(event.start, event.end, holes)):
                out.append(
                    {
                        "id": stable_id(
                            "activitywatch", event.bucket, event.start.isoformat(), piece
                        ),
                        "date": start,
                        "delta": (end - start).total_seconds(),
                        "workspace": app or "(unknown app)",
                        "host": host,
                        **fields,
                    }
                )
    return out


def read(spec: str, sample: Sample | None, context: ImportContext) -> ImportSource:
    assert sample is not None
    data = sample.json
    if not isinstance(data, Mapping) or not isinstance(data.get("buckets"), Mapping):
        raise ImportSourceError(f"{spec}: expected ActivityWatch's export (an object with buckets)")
    found = records(data, context)
    return ImportSource(spec, iter(found), len(found))


IMPORT = ImportFormat(
    name="activitywatch",
    title="ActivityWatch",
    summary="ActivityWatch's export JSON (window events → switches, app → workspace, "
    "[import.activitywatch] rules → task; afk → away).",
    sniff=sniff,
    read=read,
)
