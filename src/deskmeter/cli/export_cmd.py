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
from deskmeter.dates import DateError, parse_date
from deskmeter.records import write_csv, write_json


class Format(StrEnum):
    json = "json"
    csv = "csv"


def day_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def _day(name: str, text: str | None, today: date) -> date | None:
    if text is None:
        return None
    try:
        return parse_date(text, today)
    except DateError as exc:
        raise typer.BadParameter(str(exc), param_hint=name) from None


def export(
    ctx: typer.Context,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="json or csv.")] = Format.json,
    start: Annotated[
        str | None,
        typer.Option(help="First day: YYYY-MM-DD, today, yesterday, monday, -7d (local)."),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(help="Last day, included (same forms as --start)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to a file instead of stdout.")
    ] = None,
) -> None:
    """Export the switches that start between --start and --end (whole days, inclusive)."""
    app = app_context(ctx)
    tz = app.settings.tz
    today = app.clock().astimezone(tz).date()
    first = _day("--start", start, today)
    last = _day("--end", end, today)
    lo = day_start(first, tz) if first else None
    hi = day_start(last + timedelta(days=1), tz) if last else None
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
