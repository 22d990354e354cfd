"""The HTML pages: today and any day, the month calendar, the switches list, the tasks tree."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response as BaseResponse

from deskmeter.models import area_of
from deskmeter.reports import goals as goal_rules
from deskmeter.reports.compare import Delta, compare, ordinal_day
from deskmeter.reports.edit_range import default_edit_range
from deskmeter.reports.neighbours import days_with_data
from deskmeter.reports.shapes import DayCell, MonthReport, day_bounds
from deskmeter.reports.shares import whole_percents
from deskmeter.reports.switch_filter import KINDS, SwitchFilter
from deskmeter.reports.timesheet import build_timesheet, timesheet_csv
from deskmeter.store.totals import day_of
from deskmeter.web import markup, month_markup
from deskmeter.web.calendar_grid import GoalMark, calendar_weeks
from deskmeter.web.charts import build_chart, chart_svg, heatmap_svg
from deskmeter.web.colors import TaskColours, shared_colours
from deskmeter.web.context import current_reports, times_hidden, web_context
from deskmeter.web.hosts import host_query
from deskmeter.web.month_chart import month_chart
from deskmeter.web.params import (
    MAX_RANGE_DAYS,
    ParameterError,
    check_day,
    parse_choice,
    parse_day,
    parse_month,
    parse_range,
)
from deskmeter.web.switch_list import read_switch_list
from deskmeter.web.timeline import build_timeline

blueprint = Blueprint("pages", __name__)
# Drawn many times a page: Python, not Jinja macros (see deskmeter.web.markup).
blueprint.add_app_template_global(markup.dot, "dot")
blueprint.add_app_template_global(markup.bar, "bar")
blueprint.add_app_template_global(chart_svg, "trend_chart")
blueprint.add_app_template_global(whole_percents, "whole_percents")

#: Page links shown around the current page of the switches list.
PAGE_WINDOW = 2
#: How often an open page of today reloads its numbers (seconds).
REFRESH_SECONDS = 60
#: The month's tasks shown as chips under the calendar.
MONTH_CHIPS = 16
#: The longest timesheet (days).
MAX_TIMESHEET_DAYS = 366


@blueprint.get("/")
def today() -> str:
    return _day_page(current_reports().today())


@blueprint.get("/day")
def day_picker() -> BaseResponse:
    """The date picker's target: ``/day?date=YYYY-MM-DD`` → ``/day/YYYY-MM-DD``."""
    text = request.args.get("date", "")
    if not text:
        return redirect(url_for("pages.today"))
    day = parse_day("date", text, current_reports().today())
    return redirect(url_for("pages.day", day_text=day.isoformat()))


@blueprint.get("/day/<day_text>")
def day(day_text: str) -> str:
    """``/day/YYYY-MM-DD``, or a relative day: ``/day/yesterday``, ``/day/monday``, ``/day/-7d``."""
    return _day_page(parse_day("day", day_text, current_reports().today()))


def colours() -> TaskColours:
    known = current_reports().store.task_paths()
    return shared_colours(web_context().settings.views.colors, known)


def exact_times() -> bool:
    """Clock times are shown locally, and on a portfolio page only when turned on."""
    context = web_context()
    return not context.portfolio or context.settings.portfolio.show_times


def _day_page(day: date) -> str:
    reports = current_reports()
    start, end = day_bounds(day, reports.tz, reports.day_start)
    if end <= start:  # a day the zone skipped (Pacific/Apia, 2011-12-30)
        raise NotFound(f"{day} does not exist in the time zone {reports.settings.timezone}")
    report = reports.day(day)
    palette = colours()
    timeline = build_timeline(
        report,
        reports.tz,
        palette,
        reports.now,
        away=report.away_stretches,
        exact_times=exact_times(),
    )
    return render_template(
        "day.html",
        report=report,
        timeline=timeline,
        palette=palette,
        exact_times=exact_times(),
        goals=goal_rules.evaluate(
            web_context().settings.goals,
            "day",
            {t.key: t.seconds for t in report.tasks},
            finished=day < reports.today(),
        )
        if day <= reports.today()
        else [],
        refresh_seconds=REFRESH_SECONDS if day == reports.today() else None,
        prev_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
        with_data=days_with_data(
            reports.store, start, end, reports.tz, day_start=reports.day_start, host=reports.host
        )
        if not report.pieces
        else (None, None),
        first_run=not report.pieces
        and not reports.states()
        and not reports.store.switches(limit=1, host=reports.host),
        task_file=str(web_context().settings.task_file),
        edit_range=default_edit_range(
            start,
            end,
            max((p.end for p in report.pieces), default=None),
            reports.now,
            reports.tz,
        ),
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


@blueprint.get("/calendar/<day_text>")
def calendar_of_day(day_text: str) -> BaseResponse:
    """``/calendar/today``, ``/calendar/-1m``, ``/calendar/2024-05-17``: that day's month."""
    day = parse_day("day", day_text, current_reports().today())
    return redirect(url_for("pages.calendar", year=day.year, month=day.month))


@blueprint.get("/calendar/<int:year>/<int:month>")
def calendar(year: int, month: int) -> str:
    first = parse_month(year, month)
    reports = current_reports()
    goals = web_context().settings.goals
    # the neighbouring months' days show their totals only, unless goals mark them
    report = reports.month(first, outside_tasks=bool(goals))
    palette = colours()
    query = host_query()
    month_root = url_for("pages.calendar", year=1, month=1, host=None)[: -len("1/1")]
    chart = month_chart(report, palette)
    return render_template(
        "calendar.html",
        report=report,
        palette=palette,
        chart=chart,
        chart_keys=month_markup.chart_legend(chart.series),
        chips=month_markup.task_chips(report.tasks[:MONTH_CHIPS], palette),
        year_links=month_markup.year_strip(first.month, f"{month_root}{first.year}/", query),
        month_root=month_root,
        month_name=first.strftime("%B %Y"),
        picker_url=url_for("pages.calendar_picker"),
        query=query,
        full_day=reports.full_day(),
        weeks=calendar_weeks(
            report,
            palette,
            day_marks=_day_marks(report) if goals else {},
            week_marks=[_week_mark(week.days, reports.today()) for week in report.weeks]
            if goals
            else [],
            max_week=max((w.seconds for w in report.weeks), default=0.0),
            day_base=url_for("pages.day", day_text="0", host=None)[:-1],
            week_base=url_for("pages.week", day_text="0", host=None)[:-1],
            query=query,
        ),
        today_day=reports.today(),
        goals_set=bool(goals),
        delta=_delta_month(report.first, report.seconds),
        nav="calendar",
    )


@blueprint.get("/week")
def week_picker() -> BaseResponse:
    """``/week``: this week; ``/week?date=YYYY-MM-DD`` (or ``monday``, ``-7d``): that one."""
    text = request.args.get("date", "")
    day = parse_day("date", text, current_reports().today()) if text else current_reports().today()
    return redirect(url_for("pages.week", day_text=day.isoformat()))


@blueprint.get("/week/<day_text>")
def week(day_text: str) -> str:
    reports = current_reports()
    report = reports.week(parse_day("day", day_text, reports.today()))  # or monday, -7d…
    palette = colours()
    return render_template(
        "week.html",
        report=report,
        palette=palette,
        chart=build_chart(report.trend, palette),
        goals=goal_rules.evaluate(
            web_context().settings.goals,
            "week",
            {r.key: r.seconds for r in report.rows},
            finished=report.days[-1] < reports.today(),
        )
        if report.monday <= reports.today()
        else [],
        refresh_seconds=REFRESH_SECONDS
        if report.monday <= reports.today() <= report.days[-1]
        else None,
        delta=compare(
            _seconds_between,
            report.seconds,
            report.monday,
            report.days[-1],
            report.prev,
            report.prev + timedelta(days=6),
            reports.today(),
            f"week {report.prev.isocalendar().week}",
            lambda day: day.strftime("%a"),
        ),
        nav="week",
    )


@blueprint.get("/year")
def year_picker() -> BaseResponse:
    return redirect(url_for("pages.year", year=current_reports().today().year))


def parse_year(text: str, today: date) -> int:
    """``2024``, or any day the date parser knows (``today``, ``-1y``): that day's year."""
    if text.isascii() and text.isdigit() and len(text) <= 4:
        year = int(text)
    else:
        try:
            year = parse_day("year", text, today).year
        except ParameterError:
            expected = "expected a year YYYY or a date (today, -1y, 2024-05-01)"
            raise ParameterError("year", f"{expected}, got {text[:40]!r}") from None
    parse_month(year, 1)
    return year


@blueprint.get("/year/<year>")
def year(year: str) -> str:
    reports = current_reports()
    report = reports.year(parse_year(year, reports.today()))
    palette = colours()
    return render_template(
        "year.html",
        report=report,
        palette=palette,
        chart=build_chart(report.trend, palette),
        heatmap=heatmap_svg(
            report, url_for("pages.day", day_text="0", host=None)[:-1], host_query()
        ),
        max_month=max(report.months, default=0.0),
        full_day=reports.full_day(),
        today_day=reports.today(),
        delta=compare(
            _seconds_between,
            report.seconds,
            date(report.year, 1, 1),
            date(report.year, 12, 31),
            date(report.year - 1, 1, 1),
            date(report.year - 1, 12, 31),
            reports.today(),
            str(report.year - 1),
            lambda day: day.strftime("%-d %b"),
        ),
        nav="year",
    )


@blueprint.get("/switches")
def switches() -> str:
    reports = current_reports()
    chosen = SwitchFilter(
        kind=parse_choice(request.args, "show", KINDS, "all"),
        task=request.args.get("task", "").strip()[:200],
    )
    found = read_switch_list(reports, per_page=web_context().settings.web.per_page, chosen=chosen)
    start, end, page, per_page = found.start, found.end, found.page, found.per_page
    total, items = found.total, found.items
    pages = max(1, found.pages)
    if page > pages:  # past the last page: there is no such page (and no pager to draw)
        abort(404)
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
        chosen=chosen,
        nav="switches",
    )


@blueprint.get("/tasks")
def tasks() -> str:
    reports = current_reports()
    today = reports.today()
    first_switch = reports.store.switches(limit=1, host=reports.host)
    first_day = first_switch[0].date.astimezone(reports.tz).date() if first_switch else today
    month_ago = today - timedelta(days=29)
    start, end = parse_range(
        request.args,
        reports.tz,
        default_start=day_bounds(month_ago, reports.tz, reports.day_start)[0],
        default_end=day_bounds(today, reports.tz, reports.day_start)[1],
        max_days=MAX_RANGE_DAYS,
        today=today,
        day_start=reports.day_start,
        whole_days=times_hidden(),
    )
    assert start is not None and end is not None
    tree = reports.task_tree(start, end)
    rows = [node for node in tree.rows() if node.depth >= 0]
    palette = colours()
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


def _mark(progress: list[goal_rules.Progress]) -> GoalMark | None:
    status = goal_rules.summary(progress)
    return None if status is None else GoalMark(status, goal_rules.describe_marks(progress))


def _week_mark(days: tuple[DayCell, ...], today: date) -> GoalMark | None:
    """A week's goal mark; none for a week that has not begun."""
    if days[0].day > today:
        return None
    goals = web_context().settings.goals
    return _mark(
        goal_rules.evaluate(goals, "week", _sum_cells(days), finished=days[-1].day < today)
    )


def _seconds_between(first: date, last: date) -> float:
    """Seconds counted on the local days ``first`` … ``last``."""
    reports = current_reports()
    return sum(reports.day_seconds(*reports.bounds(first, last)).values())


def _delta_month(first: date, seconds: float) -> Delta:
    previous = (first - timedelta(days=1)).replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    reports = current_reports()
    return compare(
        reports.seconds_of_days,
        seconds,
        first,
        last,
        previous,
        first - timedelta(days=1),
        reports.today(),
        previous.strftime("%B %Y"),
        ordinal_day,
    )


def _day_marks(report: MonthReport) -> dict[date, GoalMark | None]:
    """Each tracked day's goal mark (met, short, missed, ok, over) and what it says."""
    goals = web_context().settings.goals
    today = current_reports().today()
    return {
        cell.day: _mark(
            goal_rules.evaluate(
                goals, "day", {t.key: t.seconds for t in cell.tasks}, finished=cell.day < today
            )
        )
        for week in report.weeks
        for cell in week.days
        if cell.seconds > 0
    }


def _sum_cells(cells: object) -> dict[str, float]:
    sums: dict[str, float] = {}
    for cell in cells:  # type: ignore[attr-defined]
        for t in cell.tasks:
            sums[t.key] = sums.get(t.key, 0.0) + t.seconds
    return sums


@blueprint.get("/timesheet")
def timesheet() -> str | BaseResponse:
    """Per day first start, last end, total and tasks in decimal hours; ``?format=csv``."""
    context = web_context()
    if context.portfolio and not context.settings.portfolio.show_times:
        abort(404)
    reports = current_reports()
    today = reports.today()
    start, end = parse_range(
        request.args,
        reports.tz,
        default_start=reports.bounds(today.replace(day=1), today)[0],
        default_end=reports.bounds(today, today)[1],
        max_days=MAX_TIMESHEET_DAYS,
        today=today,
        day_start=reports.day_start,
        whole_days=times_hidden(),
    )
    assert start is not None and end is not None
    first = day_of(start, reports.tz, reports.day_start)
    last = day_of(end - timedelta(microseconds=1), reports.tz, reports.day_start)
    sheet = build_timesheet(reports, first, last)
    fmt = parse_choice(request.args, "format", ("html", "csv"), "html")
    if fmt == "csv":
        return Response(
            timesheet_csv(sheet, reports),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="timesheet-{first}-{last}.csv"'},
        )
    return render_template("timesheet.html", sheet=sheet, nav="timesheet")


@blueprint.get("/summary")
def summary() -> str:
    """A page fit to link from a CV: this week's and this year's hours by area."""
    reports = current_reports()
    today = reports.today()
    monday = today - timedelta(days=today.weekday())
    palette = colours()
    week = reports.week(today)
    year = reports.year(today.year)
    return render_template(
        "summary.html",
        week=week,
        year=year,
        week_areas=_areas_of(week.rows),
        monday=monday,
        palette=palette,
        chart=build_chart(year.trend, palette),
        nav="summary",
    )


def _areas_of(rows: object) -> list[tuple[str, float]]:
    sums: dict[str, float] = {}
    for row in rows:  # type: ignore[attr-defined]
        area = area_of(row.key)
        sums[area] = sums.get(area, 0.0) + row.seconds
    return sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))
