"""Deskmeter's own formats: its JSON and CSV export, and the original Deskmeter's MongoDB.

Records keep their own ids (the original ObjectIds), so a re-import replaces them.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from deskmeter.formats.base import (
    ExportContext,
    ExportFormat,
    ImportContext,
    ImportFormat,
    ImportSource,
    ImportSourceError,
    Sample,
    json_depth_refused,
    text_of,
)
from deskmeter.importing import bulk_json
from deskmeter.importing.readers import json_records, mongo_records
from deskmeter.models import Switch
from deskmeter.records import FIELDS, switch_record_schema, write_csv, write_json


def _is_switch_record(item: Any) -> bool:
    return isinstance(item, Mapping) and "date" in item and "delta" in item


def sniff_json(sample: Sample) -> bool:
    data = sample.json
    if not sample.is_json:
        # mongoexport writes one document per line
        first = sample.text.lstrip().split("\n", 1)[0]
        return first.startswith("{") and '"date"' in first and '"delta"' in first
    if isinstance(data, Mapping):
        return _is_switch_record(data)
    return isinstance(data, list) and (not data or _is_switch_record(data[0]))


def read_json(spec: str, sample: Sample | None, context: ImportContext) -> ImportSource:
    assert sample is not None
    return _json_source(spec, sample)


def _json_source(spec: str, sample: Sample) -> ImportSource:
    if sample.is_json:  # detection parsed it already: not twice
        return json_records(spec, sample.text, sample.json)
    return json_records(spec, sample.text)


def quick_json(spec: str, data: bytes) -> ImportSource | None:
    """The source of a file (``data``, its bytes) that is a JSON array of usual export
    records, read in bulk (``importing/bulk_json.py``: no dict per record, not even the
    text decoded first), else None (detection and ``read_json`` decide, as ever).

    Such a file is one detection gives to this format: ``bulk_json`` decodes only a JSON
    array whose records are objects with a text ``date`` and a numeric ``delta`` and no text
    ``start``, which no format before this one in ``IMPORTS`` takes (ActivityWatch wants an
    object, Timewarrior a text ``start``, Watson arrays, CSV no JSON at all).
    """
    decoded = bulk_json.decode(data.removeprefix(codecs.BOM_UTF8))
    if decoded is None:
        return None
    return ImportSource(
        spec,
        _parsed_later(spec, data),
        len(decoded),
        values=partial(bulk_json.switch_values, decoded),
    )


def _parsed_later(spec: str, data: bytes) -> Iterator[Mapping[str, Any]]:
    """The records of the file the exact way, parsed only when asked for (the bulk values
    were refused, or ``--map`` rewrites the records)."""
    with json_depth_refused(spec):  # (deeper in the stack than the bulk decoder was)
        source = _json_source(spec, Sample(text_of(data, Path(spec))))
    yield from source.records


def sniff_csv(sample: Sample) -> bool:
    header = sample.header
    return "id" in header and "date" in header and "delta" in header


def csv_record(row: Mapping[str, str | None]) -> dict[str, Any]:
    """A CSV row as the JSON record it was written from (CSV has only strings)."""
    record: dict[str, Any] = dict(row)
    index = (row.get("workspace_index") or "").strip()
    if index.lstrip("-").isdigit():
        record["workspace_index"] = int(index)
    for key in ("task_id", "task"):
        if record.get(key) == "":
            record[key] = None
    return record


def read_csv(spec: str, sample: Sample | None, context: ImportContext) -> ImportSource:
    assert sample is not None
    rows = [csv_record(r) for r in csv.DictReader(io.StringIO(sample.text.lstrip("\ufeff")))]
    return ImportSource(spec, iter(rows), len(rows))


def read_mongodb(spec: str, sample: Sample | None, context: ImportContext) -> ImportSource:
    if sample is not None:
        raise ImportSourceError(f"{spec}: the mongodb format reads a mongodb:// URI, not a file")
    return mongo_records(spec, collection=context.collection)


def _write_json(switches: Sequence[Switch], out: TextIO, context: ExportContext) -> None:
    write_json(switches, out)


def _write_csv(switches: Sequence[Switch], out: TextIO, context: ExportContext) -> None:
    write_csv(switches, out)


IMPORTS = (
    ImportFormat(
        name="mongodb",
        title="Original Deskmeter (MongoDB)",
        summary="A mongodb:// URI of an original Deskmeter database: its switch collection.",
        sniff=lambda sample: False,
        read=read_mongodb,
        uri=True,
    ),
    ImportFormat(
        name="json",
        title="Deskmeter JSON",
        summary="deskmeter export --format json, or mongoexport output of a switch collection.",
        sniff=sniff_json,
        read=read_json,
    ),
    ImportFormat(
        name="csv",
        title="Deskmeter CSV",
        summary="deskmeter export --format csv (columns " + ", ".join(FIELDS) + ").",
        sniff=sniff_csv,
        read=read_csv,
    ),
)

EXPORTS = (
    ExportFormat(
        name="json",
        title="Deskmeter JSON",
        summary="Every switch as a JSON record (re-imports as it is).",
        media_type="application/json",
        extension="json",
        write=_write_json,
        schema={"type": "array", "items": {"$ref": "#/components/schemas/Switch"}},
    ),
    ExportFormat(
        name="csv",
        title="Deskmeter CSV",
        summary="Every switch as a CSV row, columns " + ", ".join(FIELDS) + ".",
        media_type="text/csv",
        extension="csv",
        write=_write_csv,
    ),
)

__all__ = ["EXPORTS", "IMPORTS", "switch_record_schema"]
