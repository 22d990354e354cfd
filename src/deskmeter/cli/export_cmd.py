"""``deskmeter export``: the switches of a date range as JSON or CSV (``SwitchRecord``)."""

from __future__ import annotations

import sys
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from deskmeter.cli.context import app_context
from deskmeter.records import write_csv, write_json


class Format(StrEnum):
    json = "json"
    csv = "csv"


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
    with app.open_store(read_only=True) as store:
        switches = store.switches(lo, hi)
    writer = write_json if fmt is Format.json else write_csv
    if output is None:
        writer(switches, sys.stdout)
    else:
        with output.open("w", encoding="utf-8", newline="") as handle:
            writer(switches, handle)
        typer.echo(f"wrote {len(switches)} switches to {output}", err=True)
