"""Toggl Track and Clockify: their detailed-report CSVs in, their CSV import files out.

Both write local dates and times with no offset: they are read in the configured time zone
(``timezone``; export from the tool with the same zone). The length is the ``Duration`` column
(``HH:MM:SS``) when there is one, else end minus start, so a DST change inside an entry does
not add or lose an hour. Client / project / task → a task path (``formats/tags.py``); the
workspace is the tool's name. The id comes from the user (e-mail, else name) and the local
start as written, so the same file imports to the same ids whatever the zone.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, TextIO

from deskmeter.formats.base import (
    BadRecord,
    ExportContext,
    ExportFormat,
    ImportContext,
    ImportFormat,
    ImportSource,
    Sample,
    stable_id,
)
from deskmeter.formats.tags import levels_of, task_fields, task_from_levels
from deskmeter.formats.timewarrior import worked
from deskmeter.models import Switch

_HMS = re.compile(r"^(\d+):([0-5]\d):([0-5]\d)$")


def parse_duration(text: str) -> float:
    """``HH:MM:SS`` (hours may exceed 24) or decimal hours (``1.50``) → seconds."""
    text = text.strip()
    if match := _HMS.match(text):
        hours, minutes, seconds = (int(g) for g in match.groups())
        return float(hours * 3600 + minutes * 60 + seconds)
    try:
        hours_float = float(text)
    except ValueError:
        raise ValueError(f"duration {text!r} is not HH:MM:SS") from None
    if hours_float < 0:
        raise ValueError(f"negative duration {text!r}")
    return round(hours_float * 3600, 3)


def format_duration(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y")
_TIME_FORMATS = ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p")


def parse_date(text: str) -> date:
    for form in _DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), form).date()
        except ValueError:
            continue
    raise ValueError(
        f"date {text!r} is not YYYY-MM-DD, MM/DD/YYYY or DD.MM.YYYY "
        "(set the tool's date format to one of them)"
    )


def parse_time(text: str) -> time:
    for form in _TIME_FORMATS:
        try:
            return datetime.strptime(text.strip().upper(), form).time()
        except ValueError:
            continue
    raise ValueError(f"time {text!r} is not HH:MM[:SS] or hh:mm[:ss] AM/PM")


@dataclass(frozen=True)
class Columns:
    """Where one tool writes each field (its header names)."""

    tool: str
    start_date: str
    start_time: str
    end_date: str
    end_time: str
    duration: str
    #: Headers whose presence (all of them) says "this tool's CSV".
    signature: tuple[str, ...]


TOGGL = Columns(
    tool="toggl",
    start_date="Start date",
    start_time="Start time",
    end_date="End date",
    end_time="End time",
    duration="Duration",
    signature=("Start date", "Start time", "Duration"),
)
CLOCKIFY = Columns(
    tool="clockify",
    start_date="Start Date",
    start_time="Start Time",
    end_date="End Date",
    end_time="End Time",
    duration="Duration (h)",
    signature=("Start Date", "Start Time"),
)


def row_record(
    row: Mapping[str, str | None], cols: Columns, context: ImportContext
) -> Mapping[str, Any]:
    def cell(name: str) -> str:
        value = row.get(name)
        return value.strip() if isinstance(value, str) else ""

    try:
        start_local = datetime.combine(
            parse_date(cell(cols.start_date)), parse_time(cell(cols.start_time))
        )
        start = start_local.replace(tzinfo=context.tz)
        if cell(cols.duration):
            seconds = parse_duration(cell(cols.duration))
        elif cell("Duration (decimal)"):
            seconds = parse_duration(cell("Duration (decimal)"))
        elif cell(cols.end_date) and cell(cols.end_time):
            end_local = datetime.combine(
                parse_date(cell(cols.end_date)), parse_time(cell(cols.end_time))
            )
            seconds = (end_local.replace(tzinfo=context.tz) - start).total_seconds()
        else:
            raise ValueError(f"no {cols.duration!r} and no end date and time")
    except ValueError as exc:
        return BadRecord(str(exc))
    if seconds < 0:
        return BadRecord("ends before it starts")
    who = cell("Email") or cell("User")
    path = task_from_levels(cell("Client"), cell("Project"), cell("Task"))
    return {
        "id": stable_id(cols.tool, who, cell(cols.start_date), cell(cols.start_time)),
        "date": start,
        "delta": seconds,
        "workspace": cols.tool,
        **task_fields(path, context.task_ids),
    }


def reader(cols: Columns) -> Callable[[str, Sample | None, ImportContext], ImportSource]:
    def read(spec: str, sample: Sample | None, context: ImportContext) -> ImportSource:
        assert sample is not None
        rows = list(csv.DictReader(io.StringIO(sample.text.lstrip("\ufeff"))))
        records = [row_record(row, cols, context) for row in rows]
        return ImportSource(spec, iter(records), len(records))

    return read


def sniffer(cols: Columns) -> Callable[[Sample], bool]:
    def sniff(sample: Sample) -> bool:
        if sample.is_json:
            return False
        header = sample.header
        return all(name in header for name in cols.signature)

    return sniff


TOGGL_EXPORT_COLUMNS = (
    "Email", "Client", "Project", "Task", "Description", "Billable",
    "Start date", "Start time", "Duration", "Tags",
)  # fmt: skip
CLOCKIFY_EXPORT_COLUMNS = (
    "Project", "Client", "Description", "Task", "User", "Group", "Email", "Tags", "Billable",
    "Start Date", "Start Time", "End Date", "End Time", "Duration (h)", "Duration (decimal)",
)  # fmt: skip


def _rows(switches: Sequence[Switch], context: ExportContext) -> list[dict[str, Any]]:
    rows = []
    for switch, start, end in worked(switches):
        client, project, task = levels_of(switch.task)
        local_start = start.astimezone(context.tz)
        local_end = end.astimezone(context.tz)
        seconds = (end - start).total_seconds()
        rows.append(
            {
                "client": client,
                "project": project,
                "task": task,
                "description": switch.workspace_label,
                "start": local_start,
                "end": local_end,
                "seconds": seconds,
            }
        )
    return rows


def _safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (as ``csvsafe`` does for our CSV)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_toggl(switches: Sequence[Switch], out: TextIO, context: ExportContext) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TOGGL_EXPORT_COLUMNS)
    for row in _rows(switches, context):
        writer.writerow(
            [
                context.email,
                _safe(row["client"]),
                _safe(row["project"]),
                _safe(row["task"]),
                _safe(row["description"]),
                "No",
                row["start"].strftime("%Y-%m-%d"),
                row["start"].strftime("%H:%M:%S"),
                format_duration(row["seconds"]),
                "",
            ]
        )


def write_clockify(switches: Sequence[Switch], out: TextIO, context: ExportContext) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CLOCKIFY_EXPORT_COLUMNS)
    for row in _rows(switches, context):
        writer.writerow(
            [
                _safe(row["project"]),
                _safe(row["client"]),
                _safe(row["description"]),
                _safe(row["task"]),
                "",
                "",
                context.email,
                "",
                "No",
                row["start"].strftime("%m/%d/%Y"),
                row["start"].strftime("%I:%M:%S %p"),
                row["end"].strftime("%m/%d/%Y"),
                row["end"].strftime("%I:%M:%S %p"),
                format_duration(row["seconds"]),
                f"{row['seconds'] / 3600:.2f}",
            ]
        )


IMPORTS = (
    ImportFormat(
        name="toggl",
        title="Toggl Track",
        summary="A Toggl Track detailed report CSV (Client, Project, Task, Start date, "
        "Start time, Duration, ...; client/project/task → task).",
        sniff=sniffer(TOGGL),
        read=reader(TOGGL),
    ),
    ImportFormat(
        name="clockify",
        title="Clockify",
        summary="A Clockify detailed report CSV (Project, Client, Task, Start Date, "
        "Start Time, Duration (h), ...; client/project/task → task).",
        sniff=sniffer(CLOCKIFY),
        read=reader(CLOCKIFY),
    ),
)

EXPORTS = (
    ExportFormat(
        name="toggl",
        title="Toggl Track",
        summary="A CSV for Toggl Track's CSV import (Email, Client, Project, Task, "
        "Description, Billable, Start date, Start time, Duration, Tags).",
        media_type="text/csv",
        extension="toggl.csv",
        write=write_toggl,
    ),
    ExportFormat(
        name="clockify",
        title="Clockify",
        summary="A CSV with Clockify's detailed report columns, for its CSV import.",
        media_type="text/csv",
        extension="clockify.csv",
        write=write_clockify,
    ),
)
