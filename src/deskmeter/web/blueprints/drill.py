"""Drill-down pages: one task (``/task/<path>``) and the workstations (``/hosts``)."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, render_template, request

from deskmeter.reports.switch_filter import SwitchFilter, switch_page
from deskmeter.reports.task_history import task_history
from deskmeter.web.blueprints.pages import colours, exact_times
from deskmeter.web.context import current_reports, web_context
from deskmeter.web.params import MAX_PAGE, parse_int

blueprint = Blueprint("drill", __name__)
#: Switches listed on a task's page (newest first; the switches page has the rest).
TASK_SWITCHES = 25


@blueprint.get("/task/<path:path>")
def task(path: str) -> str:
    """A task's history by week and month, first and last seen, its share, its switches."""
    reports = current_reports()
    context = web_context()
    today = reports.today()
    first = reports.store.switches(limit=1, host=reports.host)
    first_day = first[0].date.astimezone(reports.tz).date() if first else today
    history = task_history(reports, path, first_day, today)
    if history.seconds <= 0:
        abort(404, f"no time recorded on {path!r}")
    show_switches = not context.portfolio or context.settings.portfolio.show_switches
    page = parse_int(request.args, "page", 1, 1, MAX_PAGE)
    found = (
        switch_page(
            reports.store,
            None,
            None,
            host=reports.host,
            chosen=SwitchFilter(under=path),
            page=page,
            per_page=TASK_SWITCHES,
            label=reports.label,
        )
        if show_switches
        else None
    )
    return render_template(
        "task.html",
        history=history,
        palette=colours(),
        found=found,
        label=reports.label,
        exact_times=exact_times(),
        max_week=max((s for _, s in history.weeks), default=0.0),
        max_month=max((s for _, s in history.months), default=0.0),
        nav="tasks",
    )


@blueprint.get("/hosts")
def hosts() -> str:
    """Each workstation: what runs now, its last switch, its last sync and the lag."""
    reports = current_reports()
    rows = []
    for info in reports.store.hosts():
        current = reports.current_of(info.state)
        lag = (
            max(0.0, (reports.now - info.last_sync).total_seconds())
            if info.last_sync is not None
            else None
        )
        rows.append({"info": info, "current": current, "lag": lag})
    return render_template(
        "hosts.html",
        rows=rows,
        exact_times=exact_times(),
        stale=timedelta(seconds=reports.settings.tracker.heartbeat_seconds * 2 + 5),
        nav="hosts",
    )
