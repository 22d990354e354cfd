"""``deskmeter export``: the switches of a date range as JSON or CSV."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO
from zoneinfo import ZoneInfo

import typer

from deskmeter.cli.context import app_context
from deskmeter.models import Switch

FIELDS = (
    "id",
    "date",
    "end",
    "delta",
    "workspace_index",
    "workspace",
    "task_id",
    "task",
    "host",
    "away",
)


class Format(StrEnum):
    json = "json"
    csv = "csv"


def switch_record(switch: Switch) -> dict[str, Any]:
    return {
        "id": switch.id,
        "date": switch.date.isoformat(),
        "end": switch.end.isoformat(),
        "delta": switch.delta,
        "workspace_index": switch.workspace_index,
        "workspace": switch.workspace,
        "task_id": switch.task_id,
        "task": switch.task,
        "host": switch.host,
        "away": switch.away,
    }


def write_json(switches: list[Switch], out: TextIO) -> None:
    json.dump([switch_record(s) for s in switches], out, indent=1)
    out.write("\n")


def write_csv(switches: list[Switch], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for switch in switches:
        writer.writerow(switch_record(switch))


def day_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def export(
    ctx: typer.Context,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="json or csv.")] = Format.json,
    start: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="First day (YYYY-MM-DD, local time zone)."),
    ] = None,
    end: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Last day, included (YYYY-MM-DD)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to a file instead of stdout.")
    ] = None,
) -> None:
    """Export the switches that start between --start and --end (whole days, inclusive)."""
    app = app_context(ctx)
    tz = app.settings.tz
    lo = day_start(start.date(), tz) if start else None
    hi = day_start(end.date() + timedelta(days=1), tz) if end else None
    if lo and hi and hi <= lo:
        typer.echo("deskmeter: error: --end is before --start", err=True)
        raise typer.Exit(2)
    with app.open_store() as store:
        switches = store.switches(lo, hi)
    writer = write_json if fmt is Format.json else write_csv
    if output is None:
        writer(switches, sys.stdout)
    else:
        with output.open("w", encoding="utf-8", newline="") as handle:
            writer(switches, handle)
        typer.echo(f"wrote {len(switches)} switches to {output}", err=True)
