"""Deskmeter's own record sources: a MongoDB database (the original Deskmeter) or JSON text.

Other tools' files are read by ``deskmeter.formats``, which picks the reader.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from bson import json_util
from bson.errors import InvalidBSON
from pymongo import MongoClient
from pymongo.errors import ConfigurationError, OperationFailure, PyMongoError

from deskmeter.models import SwitchValues
from deskmeter.store.mongo.connection import DEFAULT_DATABASE, redact

_JSON_OPTIONS = json_util.RELAXED_JSON_OPTIONS.with_options(tz_aware=True)
#: ``json_records``' default: no parsed document was given.
_UNPARSED = object()


class ImportSourceError(RuntimeError):
    """The source cannot be read; the message says why."""


@dataclass
class ImportSource:
    """Records to import, with their number when known (for progress)."""

    name: str
    records: Iterator[Mapping[str, Any]]
    total: int | None
    #: A source read in bulk (``bulk_json``): the values of every record with this host
    #: stamped (None: each its own), or None when one of them is not for the quick way
    #: (then ``records`` gives them to check one by one).
    values: Callable[[str | None], list[SwitchValues] | None] | None = None


def json_records(path: str, text: str, parsed: Any = _UNPARSED) -> ImportSource:
    """Deskmeter JSON records (an array, one object, or one object per line) from ``text``.

    ``parsed``: ``text`` already read as plain JSON (format detection does); used as it is
    when the text has no MongoDB extended JSON (``{"$oid": …}``, ``{"$date": …}``), which
    only ``bson.json_util`` reads (and more slowly: a hook per object).
    """
    try:
        if parsed is not _UNPARSED and '"$' not in text:
            data = parsed
        else:
            data = json_util.loads(text, json_options=_JSON_OPTIONS)
    except (json.JSONDecodeError, InvalidBSON, TypeError, ValueError):
        data = _json_lines(path, text)  # mongoexport writes one document per line
    if isinstance(data, Mapping):
        data = [data]
    if not isinstance(data, list) or (
        not set(map(type, data)) <= {dict}  # plain JSON: every record a dict (one C pass)
        and not all(isinstance(r, Mapping) for r in data)
    ):
        raise ImportSourceError(f"{path}: expected a JSON array of switch records")
    return ImportSource(path, iter(data), len(data))


def _json_lines(path: str, text: str) -> list[Any]:
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(json_util.loads(line, json_options=_JSON_OPTIONS))
        except (json.JSONDecodeError, InvalidBSON, TypeError, ValueError) as exc:
            raise ImportSourceError(f"{path}:{number}: not JSON: {exc}") from None
    return records


def mongo_records(
    uri: str,
    *,
    collection: str = "switch",
    client: MongoClient[dict[str, Any]] | None = None,
    timeout_seconds: float = 10.0,
) -> ImportSource:
    """The ``collection`` of the database in ``uri`` (default ``deskmeter``, as the original)."""
    try:
        if client is None:
            client = MongoClient(
                uri, tz_aware=True, serverSelectionTimeoutMS=int(timeout_seconds * 1000)
            )
        database = client.get_default_database(DEFAULT_DATABASE)
        source = database[collection]
        total = int(source.estimated_document_count())
    except ConfigurationError as exc:
        raise ImportSourceError(f"bad MongoDB URI {redact(uri)}: {exc}") from exc
    except OperationFailure as exc:
        raise ImportSourceError(f"MongoDB at {redact(uri)} refused: {exc}") from exc
    except PyMongoError as exc:
        raise ImportSourceError(f"cannot reach MongoDB at {redact(uri)}: {exc}") from exc

    def records() -> Iterator[Mapping[str, Any]]:
        try:
            yield from source.find({}).sort("_id", 1)
        except PyMongoError as exc:
            raise ImportSourceError(f"reading {redact(uri)} failed: {exc}") from exc

    return ImportSource(f"{redact(uri)} ({database.name}.{collection})", records(), total)
