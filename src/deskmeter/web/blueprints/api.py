"""The read-only JSON API under ``/api/v1`` (the writing operation is in ``control``).

Every endpoint takes ``?host=NAME`` (one workstation) or no host (all of them, each moment
counted once); the check is ``web/hosts.py``'s, before the endpoint runs.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any, Literal

from flask import Blueprint, Response, current_app, jsonify, request
from pydantic import BaseModel

from deskmeter.formats import EXPORTS, ExportContext, default_export, export_format
from deskmeter.models import Switch, merge_by_path
from deskmeter.records import switch_json
from deskmeter.reports.service import Reports
from deskmeter.reports.shapes import CurrentState, day_bounds
from deskmeter.store.base import SortOrder
from deskmeter.store.totals import GROUPS, Period
from deskmeter.web import payloads
from deskmeter.web.context import current_reports, times_hidden, web_context
from deskmeter.web.host_choice import chosen_host
from deskmeter.web.hosts import file_part, shown_time
from deskmeter.web.openapi import openapi_document
from deskmeter.web.params import ParameterError, parse_choice, parse_int, parse_range
from deskmeter.web.switch_list import (
    SwitchList,
    asked_page,
    read_switch_list,
    require_switch_list,
)

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")

BYS = ("day", "week", "month", "all")
ORDERS: tuple[SortOrder, ...] = ("desc", "asc")


def public_switch(reports: Reports, switch: Switch) -> Switch:
    """``switch`` as this mode may show it (portfolio: coarse task, no task id, workspace and
    host names as ``reports/privacy.py`` says)."""
    if reports.coarse and switch.task is not None:
        switch = replace(switch, task=reports.label(switch.task), task_id=None)
    privacy = reports.privacy
    if privacy.portfolio:
        switch = replace(
            switch,
            workspace=privacy.workspace(switch.workspace),
            host=privacy.shown_host(switch.host),
        )
    return switch


def send(payload: BaseModel) -> Response:
    return jsonify(payload.model_dump(mode="json"))


def month_so_far(reports: Reports) -> tuple[datetime, datetime]:
    today = reports.today()
    start, _ = day_bounds(today.replace(day=1), reports.tz, reports.day_start)
    _, end = day_bounds(today, reports.tz, reports.day_start)
    return start, end


def range_or_month_so_far(reports: Reports) -> tuple[datetime, datetime]:
    """``start``/``end`` from the query; by default this month up to the end of today.

    With only a start at or after the end of today, the range is that start's day.
    """
    both = bool(request.args.get("start")) and bool(request.args.get("end"))
    usual_start, usual_end = (None, None) if both else month_so_far(reports)
    start, end = parse_range(
        request.args,
        reports.tz,
        default_start=usual_start,
        default_end=None,
        today=reports.today(),
        day_start=reports.day_start,
        whole_days=times_hidden(),
    )
    assert start is not None
    if end is None:
        assert usual_end is not None
        end = usual_end if start < usual_end else start + timedelta(days=1)
    return start, end


@blueprint.get("/openapi.json")
def openapi() -> Response:
    context = web_context()
    shown = not context.portfolio or context.settings.portfolio.show_switches
    privacy = current_reports().privacy
    return jsonify(
        openapi_document(
            writable=not context.portfolio,
            switch_list=shown,
            workspaces=privacy.show_workspaces,
        )
    )


def exact_times() -> bool:
    """Clock times are exact locally, and on a portfolio only with ``[portfolio] show_times``."""
    context = web_context()
    return not context.portfolio or context.settings.portfolio.show_times


def times_label() -> Literal["exact", "day"]:
    return "exact" if exact_times() else "day"


def shown(reports: Reports, moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return shown_time(moment, exact=exact_times(), tz=reports.tz)


def current_payload(reports: Reports, current: CurrentState | None) -> payloads.Current | None:
    if current is None:
        return None
    exact = exact_times()
    return payloads.Current(
        task=current.task,
        workspace=current.workspace,
        since=shown_time(current.since, exact=exact, tz=reports.tz),
        heartbeat=shown_time(current.heartbeat, exact=exact, tz=reports.tz),
        seconds=round(current.seconds, 1),
        live=current.live,
        host=current.host,
    )


@blueprint.get("/state")
def state() -> Response:
    """The host's open interval (all hosts: the latest), and each host's in ``hosts``."""
    context = web_context()
    reports = current_reports()
    host = chosen_host()
    states = sorted(
        (s for s in reports.states() if host is None or s.host == host),
        key=lambda s: (s.heartbeat, s.host),
        reverse=True,
    )
    return send(
        payloads.State(
            mode=context.settings.web.mode,
            timezone=context.settings.timezone,
            now=reports.now,
            current=current_payload(reports, reports.current()),
            host=host,
            times=times_label(),
            hosts=[
                found
                for s in states
                if (found := current_payload(reports, reports.current_of(s))) is not None
            ],
        )
    )


@blueprint.get("/hosts")
def hosts() -> Response:
    """The workstations of this store: last switch, last sync and what runs now."""
    reports = current_reports()
    host = chosen_host()
    return send(
        payloads.Hosts(
            times=times_label(),
            hosts=[
                payloads.Host(
                    name=public,
                    last_switch=shown(reports, info.last_switch),
                    last_sync=shown(reports, info.last_sync),
                    current=current_payload(reports, reports.current_of(info.state)),
                )
                for info in reports.store.hosts()
                if (host is None or info.name == host)
                and (public := reports.privacy.host(info.name)) is not None
            ],
        )
    )


@blueprint.get("/switches")
def switches() -> Response:
    reports = current_reports()
    per_page = parse_int(request.args, "per_page", web_context().settings.web.per_page, 1, 500)
    order = parse_choice(request.args, "order", ORDERS, "desc")
    if not reports.coarse and not reports.privacy.portfolio:  # shown as stored
        asked = asked_page(reports)
        offset = (asked.page - 1) * per_page
        written = reports.store.switches_json(
            asked.start, asked.end, limit=per_page, offset=offset, order=order, host=reports.host
        )
        if written is not None:  # the records as JSON text from the store: spliced in
            text, count = written
            if 0 < count < per_page or count == offset == 0:  # the last page: all are here
                total = offset + count
            else:
                total = reports.store.count_switches(asked.start, asked.end, host=reports.host)
            found = SwitchList(asked.start, asked.end, asked.page, per_page, total, [])
            return spliced(switch_page_body(found), "items", text)
    found = read_switch_list(reports, per_page=per_page, order=order)
    body = switch_page_body(found)
    # the items as SwitchRecord dumps them, without a model per switch (switch_json)
    body["items"] = [switch_json(public_switch(reports, s)) for s in found.items]
    return jsonify(body)


def switch_page_body(found: SwitchList) -> dict[str, Any]:
    """``payloads.SwitchPage`` of ``found`` without its items (``[]``)."""
    return payloads.SwitchPage(
        start=found.start,
        end=found.end,
        page=found.page,
        per_page=found.per_page,
        total=found.total,
        pages=found.pages,
        items=[],
    ).model_dump(mode="json")


def spliced(body: dict[str, Any], name: str, text: str) -> Response:
    """``body`` as JSON with the member ``name`` replaced by ``text`` (JSON already)."""
    parts = [
        f"{json.dumps(key)}:{text if key == name else json.dumps(value)}"
        for key, value in body.items()
    ]
    return current_app.response_class("{" + ",".join(parts) + "}\n", mimetype="application/json")


@blueprint.get("/totals")
def totals() -> Response:
    reports = current_reports()
    start, end = range_or_month_so_far(reports)
    group = parse_choice(request.args, "group", GROUPS, "task")
    if group == "workspace" and not reports.privacy.show_workspaces:
        raise ParameterError(
            "group", "this public dashboard does not show workspaces ([portfolio] show_workspaces)"
        )
    by_name = parse_choice(request.args, "by", BYS, "day")
    by: Period | None = None if by_name == "all" else by_name  # type: ignore[assignment]
    if by == "day":
        written = reports.day_totals_json(start, end, group)
        if written is not None:  # the rows as JSON text from the store: spliced in
            return totals_response(start, end, group, reports.settings.timezone, *written)
    found = reports.totals(start, end, group, by)
    body = payloads.Totals(
        start=start,
        end=end,
        group=group,
        by=by_name,
        timezone=reports.settings.timezone,
        totals=[],
        seconds=round(sum([t.seconds for t in found]), 3),
    ).model_dump(mode="json")
    # the rows as payloads.Total dumps them, without a model per row (a month is ~1,000)
    days: dict[date | None, str | None] = {None: None}
    for total in found:
        if total.period not in days:
            days[total.period] = total.period.isoformat()  # type: ignore[union-attr]
    body["totals"] = [{"period": days[t.period], "key": t.key, "seconds": t.seconds} for t in found]
    return jsonify(body)


def totals_response(
    start: datetime, end: datetime, group: str, timezone: str, rows: str, seconds: float
) -> Response:
    """The ``by=day`` totals body with its rows already JSON text (``payloads.Totals``)."""
    body = payloads.Totals(
        start=start,
        end=end,
        group=group,
        by="day",
        timezone=timezone,
        totals=[],
        seconds=seconds,
    ).model_dump(mode="json")
    return spliced(body, "totals", rows)


@blueprint.get("/tasks")
def tasks() -> Response:
    reports = current_reports()
    seen: dict[str, payloads.Task] = {}
    # the host's own task file, or every host's with one row per path (active if any is)
    for task in merge_by_path(reports.store.tasks(host=reports.host)):
        path = reports.label(task.path)
        if path not in seen:
            task_id = path if reports.coarse else task.id
            seen[path] = payloads.Task(id=task_id, path=path, active=task.active)
    state = reports.state()
    current = reports.label(state.task) if state is not None and state.task else None
    return send(payloads.Tasks(tasks=list(seen.values()), current=current))


@blueprint.get("/export")
def export() -> Response:
    require_switch_list()
    reports = current_reports()
    start, end = range_or_month_so_far(reports)
    chosen = export_format(parse_choice(request.args, "format", EXPORTS.names(), default_export()))
    found = [
        public_switch(reports, s) for s in reports.store.switches(start, end, host=reports.host)
    ]
    out = io.StringIO()
    chosen.write(found, out, ExportContext(tz=reports.tz, now=reports.now))
    first = start.astimezone(reports.tz).date()
    last = (end - timedelta(microseconds=1)).astimezone(reports.tz).date()
    public = reports.privacy.host(reports.host) if reports.host is not None else None
    part = "" if public is None else f"-{file_part(public)}"
    name = f"deskmeter{part}-{first}-{last}.{chosen.extension}"
    return Response(
        out.getvalue(),
        mimetype=chosen.media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
