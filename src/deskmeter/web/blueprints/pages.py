"""The HTML pages: today and any day, the month calendar, the switches list, the tasks tree."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response as BaseResponse

from deskmeter.web.context import current_reports, web_context
from deskmeter.web.formatting import Palette
from deskmeter.web.params import (
    MAX_PAGE,
    MAX_RANGE_DAYS,
    ParameterError,
    check_day,
    parse_day,
    parse_int,
    parse_month,
    parse_range,
)
from deskmeter.web.reports import day_bounds
from deskmeter.web.timeline import build_timeline

blueprint = Blueprint("pages", __name__)

#: Page links shown around the current page of the switches list.
PAGE_WINDOW = 2


@blueprint.get("/")
def today() -> str:
    return _day_page(current_reports().today())


@blueprint.get("/day")
def day_picker() -> BaseResponse:
    """The date picker's target: ``/day?date=YYYY-MM-DD`` → ``/day/YYYY-MM-DD``."""
    text = request.args.get("date", "")
    if not text:
        return redirect(url_for("pages.today"))
    day = parse_day("date", text)
    return redirect(url_for("pages.day", day_text=day.isoformat()))


@blueprint.get("/day/<day_text>")
def day(day_text: str) -> str:
    return _day_page(parse_day("day", day_text))


def _day_page(day: date) -> str:
    reports = current_reports()
    start, end = day_bounds(day, reports.tz)
    if end <= start:  # a day the zone skipped (Pacific/Apia, 2011-12-30)
        raise NotFound(f"{day} does not exist in the time zone {reports.settings.timezone}")
    report = reports.day(day)
    palette = Palette(t.key for t in report.tasks)
    timeline = build_timeline(report, reports.tz, palette, reports.now)
    return render_template(
        "day.html",
        report=report,
        timeline=timeline,
        palette=palette,
        prev_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
        is_today=day == reports.today(),
        nav="day",
    )


@blueprint.get("/calendar")
def calendar_picker() -> BaseResponse:
    """The month picker's target: ``/calendar?month=YYYY-MM``; without it, this month."""
    text = request.args.get("month", "")
    if not text:
        today = current_reports().today()
        return redirect(url_for("pages.calendar", year=today.year, month=today.month))
    parts = text.split("-")
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() for p in parts):
        raise ParameterError("month", f"expected YYYY-MM, got {text[:40]!r}")
    first = parse_month(int(parts[0]), int(parts[1]))
    return redirect(url_for("pages.calendar", year=first.year, month=first.month))


@blueprint.get("/calendar/<int:year>/<int:month>")
def calendar(year: int, month: int) -> str:
    first = parse_month(year, month)
    reports = current_reports()
    report = reports.month(first)
    palette = Palette(t.key for t in report.tasks)
    max_week = max((w.seconds for w in report.weeks), default=0.0)
    return render_template(
        "calendar.html",
        report=report,
        palette=palette,
        max_week=max_week,
        today_day=reports.today(),
        nav="calendar",
    )


@blueprint.get("/switches")
def switches() -> str:
    context = web_context()
    reports = current_reports()
    start, end = parse_range(
        request.args, reports.tz, default_start=None, default_end=None, max_days=None
    )
    page = parse_int(request.args, "page", 1, 1, MAX_PAGE)
    per_page = context.settings.web.per_page
    total = reports.store.count_switches(start, end)
    items = reports.store.switches(
        start, end, limit=per_page, offset=(page - 1) * per_page, order="desc"
    )
    pages = max(1, (total + per_page - 1) // per_page)
    window = range(max(1, page - PAGE_WINDOW), min(pages, page + PAGE_WINDOW) + 1)
    return render_template(
        "switches.html",
        items=items,
        label=reports.label,
        total=total,
        page=page,
        pages=pages,
        window=window,
        start_text=request.args.get("start", "") if start else "",
        end_text=request.args.get("end", "") if end else "",
        first_index=(page - 1) * per_page,
        nav="switches",
    )


@blueprint.get("/tasks")
def tasks() -> str:
    reports = current_reports()
    today = reports.today()
    first_switch = reports.store.switches(limit=1)
    first_day = first_switch[0].date.astimezone(reports.tz).date() if first_switch else today
    month_ago = today - timedelta(days=29)
    start, end = parse_range(
        request.args,
        reports.tz,
        default_start=day_bounds(month_ago, reports.tz)[0],
        default_end=day_bounds(today, reports.tz)[1],
        max_days=MAX_RANGE_DAYS,
    )
    assert start is not None and end is not None
    tree = reports.task_tree(start, end)
    rows = [node for node in tree.rows() if node.depth >= 0]
    palette = Palette(node.path for node in rows if node.depth == 0)
    first_shown = start.astimezone(reports.tz).date()
    last_shown = (end - timedelta(microseconds=1)).astimezone(reports.tz).date()
    check_day("start", first_shown)
    all_start = max(first_day, today - timedelta(days=MAX_RANGE_DAYS - 1))
    presets = [
        ("Last 7 days", today - timedelta(days=6), today),
        ("Last 30 days", month_ago, today),
        ("This month", today.replace(day=1), today),
        ("This year", today.replace(month=1, day=1), today),
        ("All time", min(all_start, today), today),
    ]
    return render_template(
        "tasks.html",
        tree=tree,
        rows=rows,
        palette=palette,
        first_shown=first_shown,
        last_shown=last_shown,
        presets=presets,
        nav="tasks",
    )
