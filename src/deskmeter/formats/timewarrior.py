"""Timewarrior: ``timew export`` JSON in, the same JSON out.

An interval is ``{"id": N, "start": "20260105T090000Z", "end": "...", "tags": [...]}``; ``id``
counts back from the latest (@1) and changes as intervals are added, so the imported id is
derived from the start (intervals never overlap in one database). Tags map to a task by the
rule in ``formats/tags.py``. An open interval (no ``end``) is skipped and reported. The
workspace of an imported switch is ``timewarrior``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

from deskmeter.formats.base import (
    BadRecord,
    ExportContext,
    ExportFormat,
    ImportContext,
    ImportFormat,
    ImportSource,
    Sample,
    json_array_source,
    stable_id,
)
from deskmeter.formats.tags import task_fields, task_from_tags
from deskmeter.models import NO_TASK, Switch

_STAMP = re.compile(r"^\d{8}T\d{6}Z$")
WORKSPACE = "timewarrior"


def parse_stamp(value: Any) -> datetime:
    if not isinstance(value, str) or not _STAMP.match(value):
        raise ValueError(f"{value!r} is not a Timewarrior time (YYYYMMDDTHHMMSSZ)")
    return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def sniff(sample: Sample) -> bool:
    data = sample.json
    return (
        isinstance(data, list)
        and bool(data)
        and isinstance(data[0], Mapping)
        and isinstance(data[0].get("start"), str)
        and bool(_STAMP.match(data[0]["start"]))
    )


def interval_record(item: Any, context: ImportContext) -> Mapping[str, Any]:
    if not isinstance(item, Mapping):
        return BadRecord("not a Timewarrior interval (an object with start, end, tags)")
    try:
        start = parse_stamp(item.get("start"))
    except ValueError as exc:
        return BadRecord(f"start: {exc}")
    if item.get("end") is None:
        return BadRecord(
            f"the interval from {item['start']} is still open (no end): "
            "stop it (timew stop) and export again"
        )
    try:
        end = parse_stamp(item["end"])
    except ValueError as exc:
        return BadRecord(f"end: {exc}")
    if end < start:
        return BadRecord(f"ends ({item['end']}) before it starts ({item['start']})")
    tags = item.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        return BadRecord("tags: not a list of strings")
    return {
        "id": stable_id("timewarrior", item["start"]),
        "date": start,
        "delta": (end - start).total_seconds(),
        "workspace": WORKSPACE,
        **task_fields(task_from_tags(tags, context.task_ids), context.task_ids),
    }


def read(spec: str, sample: Sample | None, context: ImportContext) -> ImportSource:
    return json_array_source(
        spec,
        sample,
        "the JSON array timew export writes",
        lambda item: interval_record(item, context),
    )


def whole_seconds(switch: Switch) -> tuple[datetime, datetime]:
    """The switch rounded to whole seconds (Timewarrior's, Toggl's and Clockify's precision)."""
    start = _round(switch.date)
    end = _round(switch.date + timedelta(seconds=switch.delta))
    return start, end


def _round(moment: datetime) -> datetime:
    floor = moment.replace(microsecond=0)
    return floor + timedelta(seconds=1) if moment.microsecond >= 500_000 else floor


def worked(switches: Sequence[Switch]) -> list[tuple[Switch, datetime, datetime]]:
    """The switches an export to another tool carries: not away, at least a second long."""
    kept = []
    for switch in sorted(switches, key=lambda s: (s.date, s.id)):
        if switch.away:
            continue
        start, end = whole_seconds(switch)
        if end > start:
            kept.append((switch, start, end))
    return kept


def write(switches: Sequence[Switch], out: TextIO, context: ExportContext) -> None:
    kept = worked(switches)
    out.write("[\n")
    for number, (switch, start, end) in enumerate(kept):
        item: dict[str, Any] = {"id": len(kept) - number, "start": stamp(start), "end": stamp(end)}
        if switch.task and switch.task != NO_TASK:
            item["tags"] = [switch.task]
        comma = "," if number < len(kept) - 1 else ""
        out.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + comma + "\n")
    out.write("]\n")


IMPORT = ImportFormat(
    name="timewarrior",
    title="Timewarrior",
    summary="timew export JSON (start/end as YYYYMMDDTHHMMSSZ, tags → task).",
    sniff=sniff,
    read=read,
)

EXPORT = ExportFormat(
    name="timewarrior",
    title="Timewarrior",
    summary="JSON exactly as timew export writes it (tags: the task path).",
    media_type="application/json",
    extension="timew.json",
    write=write,
    schema={
        "type": "array",
        "items": {
            "type": "object",
            "required": ["id", "start", "end"],
            "properties": {
                "id": {"type": "integer"},
                "start": {"type": "string", "pattern": "^[0-9]{8}T[0-9]{6}Z$"},
                "end": {"type": "string", "pattern": "^[0-9]{8}T[0-9]{6}Z$"},
                "tags": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
)
