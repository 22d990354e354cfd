"""Stand-in parts for rows added to the registries at test time (labelled: they are stand-ins).

A test adds a row naming one of these (``monkeypatch.setitem`` on the table) and checks that a
reader of the table (config validation, CLI help, the API, the OpenAPI document) has it
without any edit to that reader. Nothing here reads a desktop or a file format of a real tool.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, TextIO

from deskmeter.formats import ExportContext, ExportFormat, ImportContext, ImportFormat
from deskmeter.formats.base import Sample, listed, stable_id
from deskmeter.importing.readers import ImportSource
from deskmeter.models import Switch
from deskmeter.registry.presence_sources import PresenceKind
from deskmeter.registry.workspace_sources import SourceOptions, SourceSpec
from deskmeter.tracker.events import Emit


class StandInSource:
    """A workspace source that emits nothing (stand-in: no desktop behind it)."""

    name = "teletype"

    def __init__(self, retry_seconds: float = 5.0) -> None:
        self.retry_seconds = retry_seconds

    @classmethod
    def from_options(cls, options: SourceOptions) -> StandInSource:
        return cls(options.retry_seconds)

    def run(self, emit: Emit, stop: threading.Event) -> None:
        stop.wait()


class StandInPresence:
    """A presence source that sees no input (stand-in: no idle protocol behind it)."""

    def __init__(self, threshold_seconds: float) -> None:
        self.threshold_seconds = threshold_seconds

    def run(self, emit: Emit, stop: threading.Event) -> None:
        stop.wait()

    def wake(self) -> None:
        """Nothing to wake."""


def write_lines(switches: Sequence[Switch], out: TextIO, context: ExportContext) -> None:
    """One line per switch: its start in the export zone and its task."""
    for switch in switches:
        out.write(f"{switch.date.astimezone(context.tz).isoformat()} {switch.task or '-'}\n")


def read_lines(spec: str, sample: Sample | None, context: ImportContext) -> ImportSource:
    """``LINES`` then ``START SECONDS TASK`` per line."""
    assert sample is not None
    records: list[Mapping[str, Any]] = []
    for line in sample.text.splitlines()[1:]:
        start, seconds, task = line.split()
        records.append(
            {
                "id": stable_id("lines", start),
                "date": datetime.fromisoformat(start),
                "delta": float(seconds),
                "workspace": "lines",
                "task": task,
            }
        )
    return listed(records, spec)


SOURCE_ROW = SourceSpec(
    "teletype",
    "tests.registries.parts:StandInSource",
    "a stand-in source added at test time",
    "never (choose it by name)",
)
PRESENCE_ROW = PresenceKind(
    "braille", "tests.registries.parts:StandInPresence", True, "a stand-in idle watcher"
)
EXPORT_ROW = ExportFormat(
    name="lines",
    title="Plain lines",
    summary="One line per switch: its start and its task (a row added at test time).",
    media_type="text/x-deskmeter-lines",
    extension="lines",
    write=write_lines,
)
IMPORT_ROW = ImportFormat(
    name="lines",
    title="Plain lines",
    summary="LINES, then START SECONDS TASK per line (a row added at test time).",
    sniff=lambda sample: sample.text.startswith("LINES\n"),
    read=read_lines,
)

__all__ = ["EXPORT_ROW", "IMPORT_ROW", "PRESENCE_ROW", "SOURCE_ROW"]
