"""``deskmeter export``: a date range's switches in any export format (``deskmeter.formats``)."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from deskmeter.cli.context import app_context, choice_of
from deskmeter.cli.table_help import named_list, table_option
from deskmeter.dates import DateError, parse_date
from deskmeter.formats import EXPORTS, ExportContext, default_export, export_format
from deskmeter.store.totals import day_of, local_midnight


def formats_help() -> str:
    """``--format``'s help, from the export table (read when the command is built)."""
    rows = ((f.name, f.title) for f in EXPORTS.values())
    return f"The file format: {named_list(rows)} (docs/formats.md)."


def _day(name: str, text: str | None, today: date) -> date | None:
    if text is None:
        return None
    try:
        return parse_date(text, today)
    except DateError as exc:
        raise typer.BadParameter(str(exc), param_hint=name) from None


def export(
    ctx: typer.Context,
    fmt: Annotated[
        str,
        table_option(
            "--format",
            "-f",
            callback=choice_of(EXPORTS.names),
            describe=formats_help,
        ),
    ] = default_export(),
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
    host: Annotated[
        str | None,
        typer.Option("--host", metavar="NAME", help="Only this host's switches (default: all)."),
    ] = None,
    email: Annotated[
        str,
        typer.Option(
            "--email", help="toggl, clockify: the e-mail address each entry is filed under."
        ),
    ] = "",
    merge_minutes: Annotated[
        float,
        typer.Option(
            "--merge-minutes",
            min=0,
            max=24 * 60,
            help="ical: other tasks and gaps shorter than this inside a task's stretch are "
            "merged into it.",
        ),
    ] = 5.0,
) -> None:
    """Export the switches that start between --start and --end (whole days, inclusive).

    Days are the configured ones (``timezone``, ``[views] day_starts_at``), as in ``report``:
    with days starting at 04:00, ``today`` at 02:00 is the day before, and each day runs
    from 04:00 to 04:00.
    """
    app = app_context(ctx)
    tz = app.settings.tz
    starts_at = app.settings.views.day_start
    today = day_of(app.now(), tz, starts_at)
    first = _day("--start", start, today)
    last = _day("--end", end, today)
    lo = local_midnight(first, tz, starts_at) if first else None
    hi = local_midnight(last + timedelta(days=1), tz, starts_at) if last else None
    if lo and hi and hi <= lo:
        typer.echo("deskmeter: error: --end is before --start", err=True)
        raise typer.Exit(2)
    with app.open_store(read_only=True) as store:
        switches = store.switches(lo, hi, host=host)
    chosen = export_format(fmt)
    context = ExportContext(
        tz=tz, now=app.now(), email=email, merge_gap=timedelta(minutes=merge_minutes)
    )
    if output is None:
        chosen.write(switches, sys.stdout, context)
    else:
        with output.open("w", encoding="utf-8", newline="") as handle:
            chosen.write(switches, handle, context)
        typer.echo(f"wrote {len(switches)} switches to {output} ({chosen.title})", err=True)
