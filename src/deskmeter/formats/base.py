"""What an import format and an export format are: one entry of a registry table each.

An import format turns a file (or a URI) into Deskmeter-shaped records (``id``, ``date``,
``delta``, ``workspace``, ``task``, ``task_id``, ``host``, ``away``) that the importer checks
and stores like its own (``importing.records``). An export format writes switches to a text
stream. The CLI help, the API's ``format`` choices, the OpenAPI document and docs/formats.md all
read the tables in ``deskmeter.formats``.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from deskmeter.importing.readers import ImportSource, ImportSourceError
from deskmeter.importing.records import BadRecord
from deskmeter.models import Switch

__all__ = [
    "BadRecord",
    "ExportContext",
    "ExportFormat",
    "ImportContext",
    "ImportFormat",
    "ImportSource",
    "ImportSourceError",
    "Sample",
    "TitleRule",
    "stable_id",
]


@dataclass(frozen=True)
class TitleRule:
    """``[[import.activitywatch.rules]]``: window events whose app and title match → a task."""

    task: str
    #: A regular expression searched in the app name ("" matches every app).
    app: str = ""
    #: A regular expression searched in the window title ("" matches every title).
    title: str = ""


@dataclass(frozen=True)
class ImportContext:
    """What a reader may need beyond the file: the zone of local times, known tasks, rules."""

    #: Local dates and times without an offset (Toggl, Clockify CSVs) are in this zone.
    tz: ZoneInfo
    #: The task file's paths → their task ids (tags and projects that name one get its id).
    task_ids: Mapping[str, str] = field(default_factory=dict)
    #: ActivityWatch window events → task, first match wins.
    rules: Sequence[TitleRule] = ()
    #: The collection read from a ``mongodb://`` source.
    collection: str = "switch"


@dataclass(frozen=True)
class ExportContext:
    """What a writer may need beyond the switches."""

    tz: ZoneInfo
    #: "Now" for stamps written into the file (iCalendar's DTSTAMP), from the caller's clock.
    now: datetime
    #: The e-mail address Toggl and Clockify put each entry under ("" leaves it empty).
    email: str = ""
    #: iCalendar: a stretch of another task shorter than this inside a task's stretch is
    #: absorbed into it, and so is a gap this short.
    merge_gap: timedelta = timedelta(minutes=5)


_NOT_JSON = object()


@dataclass
class Sample:
    """A file as the detectors see it: its text, its JSON (if it is JSON), its first line."""

    text: str
    _json: Any = None
    _parsed: bool = False

    @property
    def json(self) -> Any:
        """The parsed JSON document, or ``NOT_JSON``."""
        if not self._parsed:
            self._parsed = True
            try:
                self._json = json.loads(self.text)
            except ValueError:
                self._json = _NOT_JSON
        return self._json

    @property
    def is_json(self) -> bool:
        return self.json is not _NOT_JSON

    @property
    def header(self) -> list[str]:
        """The cells of the first line read as CSV."""
        first = self.text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
        return next(csv.reader([first]), [])


@dataclass(frozen=True)
class ImportFormat:
    name: str
    title: str
    #: What the file is and how to get one (CLI help, docs).
    summary: str
    #: True when the file looks like this format (content, never the file name).
    sniff: Callable[[Sample], bool]
    #: The records of a file (its name and its ``Sample``) or of a URI (``sample`` None).
    read: Callable[[str, Sample | None, ImportContext], ImportSource]
    #: Reads a URI (``mongodb://``) rather than a file.
    uri: bool = False

    @property
    def description(self) -> str:
        """One line for the registry's readers (help, docs): the title and the summary."""
        return f"{self.title}: {self.summary}"


@dataclass(frozen=True)
class ExportFormat:
    name: str
    title: str
    summary: str
    media_type: str
    extension: str
    write: Callable[[Sequence[Switch], TextIO, ExportContext], None]
    #: The JSON Schema of the body for the OpenAPI document (None: a plain string).
    schema: Mapping[str, Any] | None = None

    @property
    def description(self) -> str:
        """One line for the registry's readers (help, docs): the title and the summary."""
        return f"{self.title}: {self.summary}"


def stable_id(kind: str, *parts: object) -> str:
    """A 24-hex-digit id derived from what identifies the record in its own tool.

    The same record imported twice gets the same id, so the store replaces instead of adding.
    """
    key = "|".join([kind, *(str(p) for p in parts)]).encode()
    return hashlib.sha1(key, usedforsecurity=False).hexdigest()[:24]


def source_of(name: str, records: Iterable[Mapping[str, Any]], total: int | None) -> ImportSource:
    return ImportSource(name, iter(records), total)


def listed(records: list[Mapping[str, Any]], name: str) -> ImportSource:
    return ImportSource(name, iter(records), len(records))


def json_array_source(
    spec: str,
    sample: Sample | None,
    expected: str,
    record: Callable[[Any], Mapping[str, Any] | BadRecord],
) -> ImportSource:
    """The records of a file that holds one JSON array (``expected`` names it in the error)."""
    assert sample is not None
    data = sample.json
    if not isinstance(data, list):
        raise ImportSourceError(f"{spec}: expected {expected}")
    return listed([record(item) for item in data], spec)


@contextmanager
def json_depth_refused(spec: str) -> Iterator[None]:
    """Python's JSON parsers recurse: a file nested thousands deep ends in ``RecursionError``,
    which becomes one line of error here."""
    try:
        yield
    except RecursionError:
        raise ImportSourceError(f"{spec}: its JSON is nested too deeply to read") from None


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImportSourceError(f"cannot read {path}: {exc.strerror}") from exc


def text_of(data: bytes, path: Path) -> str:
    """``data`` read from ``path`` as UTF-8 text (a byte order mark left out)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportSourceError(f"cannot read {path}: not UTF-8 text ({exc.reason})") from None


def seconds_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds()


def iter_nonempty(values: Iterable[str]) -> Iterator[str]:
    return (v for v in values if v)
