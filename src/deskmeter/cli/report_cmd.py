"""``deskmeter report``: totals in the terminal, as a table, CSV or JSON, or a timesheet.

The figures are the dashboard's (``deskmeter.reports``): the same cut of days in the
configured time zone and start of day, the running interval included.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import shutil
from collections import defaultdict
from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated, Any

import typer

from deskmeter.cli.context import app_context
from deskmeter.dates import DateError, parse_date
from deskmeter.models import area_of
from deskmeter.reports import goals as goal_rules
from deskmeter.reports.formatting import decimal_hours, duration
from deskmeter.reports.service import Reports
from deskmeter.reports.shares import whole_percents
from deskmeter.reports.terminal_table import fit_table, table_width
from deskmeter.reports.timesheet import build_timesheet, timesheet_rows
from deskmeter.store.totals import Group


class PeriodName(StrEnum):
    today = "today"
    yesterday = "yesterday"
    week = "week"
    month = "month"
    year = "year"


class By(StrEnum):
    task = "task"
    area = "area"
    workspace = "workspace"
    day = "day"


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


#: The key of the CSV form's last row: the seconds away, never part of the other rows.
AWAY_ROW = "(away, not counted)"


def period_range(name: PeriodName, today: date) -> tuple[date, date]:
    """The first and last local day of the named period that contains ``today``."""
    if name is PeriodName.today:
        return today, today
    if name is PeriodName.yesterday:
        day = today - timedelta(days=1)
        return day, day
    if name is PeriodName.week:
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=6)
    if name is PeriodName.month:
        first = today.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)
    return today.replace(month=1, day=1), today.replace(month=12, day=31)


def _day_option(name: str, text: str | None, today: date) -> date | None:
    if text is None:
        return None
    try:
        return parse_date(text, today)
    except DateError as exc:
        raise typer.BadParameter(str(exc), param_hint=name) from None


def compute_rows(reports: Reports, first: date, last: date, by: By) -> list[tuple[str, float]]:
    """(key, seconds) rows, biggest first (by day: in date order)."""
    start, end = reports.bounds(first, last)
    if by is By.day:
        per_day: dict[date, float] = defaultdict(float)
        for total in reports.day_totals(start, end):
            if total.period is not None:
                per_day[total.period] += total.seconds
        return [(day.isoformat(), round(per_day[day], 3)) for day in sorted(per_day)]
    group: Group = "workspace" if by is By.workspace else "task"
    sums: dict[str, float] = defaultdict(float)
    for total in reports.totals(start, end, group, None):
        key = area_of(total.key) if by is By.area else total.key
        sums[key] += total.seconds
    return sorted(((k, round(v, 3)) for k, v in sums.items() if v > 0), key=lambda r: (-r[1], r[0]))


def _goals(reports: Reports, first: date, last: date) -> list[goal_rules.Progress]:
    """Day goals for a one-day report, week goals for a Monday-to-Sunday one."""
    goals = reports.settings.goals
    if not goals:
        return []
    per = ""
    if first == last:
        per = "day"
    elif first.weekday() == 0 and last == first + timedelta(days=6):
        per = "week"
    if not per:
        return []
    start, end = reports.bounds(first, last)
    sums = {t.key: t.seconds for t in reports.totals(start, end, "task", None)}
    return goal_rules.evaluate(goals, per, sums, finished=last < reports.today())


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().rstrip("\n")


def report(
    ctx: typer.Context,
    period: Annotated[
        PeriodName,
        typer.Argument(help="The period that contains today (ignored with --start/--end)."),
    ] = PeriodName.today,
    start: Annotated[
        str | None,
        typer.Option(
            "--start", help="First day: YYYY-MM-DD, today, yesterday, monday, -7d, -1m ..."
        ),
    ] = None,
    end: Annotated[
        str | None, typer.Option("--end", help="Last day, included (same forms as --start).")
    ] = None,
    by: Annotated[By, typer.Option("--by", help="Rows per task, area, workspace or day.")] = (
        By.task
    ),
    fmt: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
    timesheet: Annotated[
        bool,
        typer.Option(
            "--timesheet",
            help="Per day: first start, last end, total and each task in decimal hours.",
        ),
    ] = False,
    host: Annotated[
        str | None,
        typer.Option(
            "--host", help="One workstation's figures (default: every host, each moment once)."
        ),
    ] = None,
) -> None:
    """Totals per task, area, workspace or day for a period (the dashboard's figures)."""
    app = app_context(ctx)
    settings = app.settings
    with app.open_store(read_only=True) as store:
        if host is not None:
            known = sorted(h.name for h in store.hosts())
            if host not in known:
                guess = difflib.get_close_matches(host, known, n=1)
                hint = f" (did you mean {guess[0]!r}?)" if guess else ""
                listed = ", ".join(known) or "none yet"
                raise typer.BadParameter(
                    f"no host {host!r} in this store{hint}; hosts: {listed}", param_hint="--host"
                )
        reports = Reports(store, settings, app.now(), host=host)
        today = reports.today()
        first, last = period_range(period, today)
        given_start = _day_option("--start", start, today)
        given_end = _day_option("--end", end, today)
        if given_start is not None or given_end is not None:
            first = given_start or given_end or today
            last = given_end or (first if given_start is None else max(first, today))
        if last < first:
            raise typer.BadParameter("must not be before --start", param_hint="--end")
        if (last - first).days > 7320:
            raise typer.BadParameter("the range may cover at most 7320 days", param_hint="--end")
        if timesheet:
            typer.echo(_timesheet_output(reports, first, last, fmt, by))
            return
        rows = compute_rows(reports, first, last, by)
        progress = _goals(reports, first, last)
        away = reports.away_seconds(*reports.bounds(first, last))
    total = sum(seconds for _, seconds in rows)
    if fmt is Format.json:
        body: dict[str, Any] = {
            "start": first.isoformat(),
            "end": last.isoformat(),
            "by": by.value,
            "host": host,
            "timezone": settings.timezone,
            "day_starts_at": settings.views.day_starts_at,
            "total_seconds": round(total, 3),
            "away_seconds": away,
            "rows": [{"key": k, "seconds": s} for k, s in rows],
            "goals": [
                {"path": p.path, "per": p.per, "kind": p.kind, "status": p.status, "text": p.text}
                for p in progress
            ],
        }
        typer.echo(json.dumps(body, indent=2))
        return
    if fmt is Format.csv:
        table = [[by.value, "seconds", "hours"]]
        table += [[k, f"{s:.0f}", decimal_hours(s)] for k, s in rows]
        if away:  # as the table's first line and the JSON's away_seconds: apart, last
            table.append([AWAY_ROW, f"{away:.0f}", decimal_hours(away)])
        typer.echo(_csv(table))
        return
    span = first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"
    away_note = f", away {duration(away)} (not counted)" if away else ""
    on = f", host {host}" if host else ""
    typer.echo(f"{span} ({settings.timezone}{on}) — total {duration(total)}{away_note}")
    if not rows:
        typer.echo("nothing recorded")
    else:
        table = [[by.value, "time", "hours", "share"]]
        shares = whole_percents([s for _, s in rows], total)
        table += [
            [k, duration(s), decimal_hours(s), f"{share}%"]
            for (k, s), share in zip(rows, shares, strict=True)
        ]
        typer.echo(
            fit_table(
                table, right={1, 2, 3}, width=terminal_width(), bar_values=[s for _, s in rows]
            )
        )
    for item in progress:
        mark = {**goal_rules.STATUS_WORDS, "over": "OVER"}[item.status]
        typer.echo(f"goal {item.path} ({item.kind} per {item.per}): {item.text} — {mark}")


def terminal_width() -> int:
    """The terminal's columns (``COLUMNS`` when set; 100 when not a terminal)."""
    return shutil.get_terminal_size((100, 24)).columns


def _timesheet_output(
    reports: Reports, first: date, last: date, fmt: Format, by: By = By.task
) -> str:
    if by not in (By.task, By.area):
        raise typer.BadParameter("a timesheet has a column per task or per area", param_hint="--by")
    sheet = build_timesheet(reports, first, last, by_area=by is By.area)
    rows = timesheet_rows(sheet, reports)
    if fmt is Format.json:
        header = rows[0]
        return json.dumps(
            {
                "start": first.isoformat(),
                "end": last.isoformat(),
                "timezone": reports.settings.timezone,
                "days": [dict(zip(header, row, strict=True)) for row in rows[1:]],
                "total_hours": decimal_hours(sheet.seconds),
            },
            indent=2,
        )
    if fmt is Format.csv:
        return _csv(rows)
    if len(rows) == 1:
        return f"{first.isoformat()} to {last.isoformat()}: nothing recorded"
    footer = ["total", "", "", decimal_hours(sheet.seconds)]
    footer += [decimal_hours(sheet.task_seconds(t)) for t in sheet.tasks]
    blank = [[cell if cell != "0.00" else "" for cell in row] for row in [*rows, footer]]
    width = terminal_width()
    if table_width(blank) <= width:
        return fit_table(blank, right=set(range(1, len(rows[0]))), width=width)
    # too wide for the terminal: the days, then the tasks as rows (never wrapped)
    days = [row[:4] for row in blank]
    key = "area" if by is By.area else "task"
    tasks = [[key, "hours"], *([t, decimal_hours(sheet.task_seconds(t))] for t in sheet.tasks)]
    return (
        fit_table(days, right={1, 2, 3}, width=width)
        + "\n\n"
        + fit_table(
            tasks,
            right={1},
            width=width,
            bar_values=[sheet.task_seconds(t) for t in sheet.tasks],
        )
    )
