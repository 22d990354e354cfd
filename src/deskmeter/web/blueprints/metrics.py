"""``/metrics``: Prometheus text format (prometheus-client), one series per host.

Series (``host`` label on each; docs/formats.md lists them with a Grafana dashboard):

* ``deskmeter_tracker_running`` 1 while the host's tracker heartbeats, else 0;
* ``deskmeter_current_info`` 1 with ``workspace`` and ``task`` labels: only the open interval
  (one series per host at a time, labels cut to 80 characters; a portfolio shows the coarse task
  path), so the label set stays as small as the task file;
* ``deskmeter_seconds_since_switch``, ``deskmeter_away`` (1 in an away stretch);
* ``deskmeter_today_tracked_seconds``: today's counted time (the configured zone and day start,
  the open interval included), as the Today page shows it;
* ``deskmeter_last_sync_timestamp_seconds``: when the host last synced into this store (a
  remote's view of each workstation);
* this machine's sync daemon, when ``[sync] remote`` is set: ``deskmeter_sync_pending_changes``,
  ``deskmeter_sync_lag_seconds``, ``deskmeter_sync_last_success_timestamp_seconds`` (the last
  change the remote took) and ``deskmeter_sync_remote_reachable`` (1 while the daemon runs and
  streams or copies, as it last saw the remote).

A local dashboard answers anyone who can reach it (it listens on loopback); a portfolio answers
only loopback clients (a scraper on the same host, behind the proxy ``web.proxies`` trusts) or a
request with the dashboard's bearer token.
"""

from __future__ import annotations

import ipaddress
import logging
from datetime import datetime

from flask import Blueprint, Response, jsonify, request
from prometheus_client import CollectorRegistry, Gauge, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from deskmeter.config import Settings
from deskmeter.models import State
from deskmeter.reports.service import Reports
from deskmeter.reports.shapes import day_bounds
from deskmeter.store.base import Store
from deskmeter.web.context import web_context
from deskmeter.web.errors import error_body
from deskmeter.web.security import bearer_token, token_matches

blueprint = Blueprint("metrics", __name__)
log = logging.getLogger(__name__)

#: Longest label value: task paths and workspace names are the user's, keep them bounded.
LABEL_LIMIT = 80


def _label(text: str) -> str:
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…"


def _loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def allowed() -> bool:
    context = web_context()
    if not context.portfolio:
        return True
    return _loopback(request.remote_addr) or token_matches(context.settings, bearer_token())


@blueprint.get("/metrics")
def metrics() -> Response:
    if not allowed():
        message = "/metrics on a public dashboard: from loopback or with the token only"
        response = jsonify(error_body(403, message))  # JSON, as the scraper reads it
        response.status_code = 403
        return response
    context = web_context()
    now = context.now()
    registry = CollectorRegistry()
    collect(registry, context.store, context.settings, now)
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def collect(registry: CollectorRegistry, store: Store, settings: Settings, now: datetime) -> None:
    running = Gauge(
        "deskmeter_tracker_running",
        "1 while the host's tracker heartbeats.",
        ["host"],
        registry=registry,
    )
    current = Gauge(
        "deskmeter_current_info",
        "The open interval of the host: its workspace and task.",
        ["host", "workspace", "task"],
        registry=registry,
    )
    since = Gauge(
        "deskmeter_seconds_since_switch",
        "Seconds since the host's last switch.",
        ["host"],
        registry=registry,
    )
    away = Gauge(
        "deskmeter_away", "1 while the host is in an away stretch.", ["host"], registry=registry
    )
    today = Gauge(
        "deskmeter_today_tracked_seconds",
        "Today's counted seconds (open interval included).",
        ["host"],
        registry=registry,
    )
    synced = Gauge(
        "deskmeter_last_sync_timestamp_seconds",
        "When the host last synced into this store (Unix time).",
        ["host"],
        registry=registry,
    )
    everyone = Reports(store, settings, now)
    first, last = day_bounds(everyone.today(), everyone.tz, everyone.day_start)
    for info in store.hosts():
        host = info.name
        reports = Reports(store, settings, now, host=host)
        state: State | None = info.state
        shown = reports.current_of(state)
        running.labels(host).set(1 if shown is not None and shown.live else 0)
        if shown is not None:
            current.labels(host, _label(shown.workspace), _label(shown.task)).set(1)
            since.labels(host).set(round(shown.seconds, 3))
            away.labels(host).set(1 if shown.away else 0)
        else:
            away.labels(host).set(0)
        today.labels(host).set(round(sum(t.seconds for t in reports.day_totals(first, last)), 3))
        if info.last_sync is not None:
            synced.labels(host).set(info.last_sync.timestamp())
    if settings.sync.remote and settings.web.mode == "local":
        _sync_metrics(registry, store, settings)


def _sync_metrics(registry: CollectorRegistry, store: Store, settings: Settings) -> None:
    from deskmeter.sync.factory import make_source
    from deskmeter.sync.status import report

    try:
        info = report(
            store,
            make_source(store, settings.sync),
            heartbeat_seconds=settings.sync.heartbeat_seconds,
            host=settings.host,
        )
    except Exception as exc:  # a metrics scrape never fails on the sync status
        log.warning("sync status for /metrics failed: %s", exc)
        return
    host = str(info.get("host") or settings.host)
    labels = ["host"]
    reachable = Gauge(
        "deskmeter_sync_remote_reachable",
        "1 while the sync daemon runs and reaches the remote.",
        labels,
        registry=registry,
    )
    reachable.labels(host).set(
        1 if info["running"] and info["state"] in ("streaming", "copying") else 0
    )
    if info.get("pending") is not None:
        Gauge(
            "deskmeter_sync_pending_changes",
            "Local changes the remote does not have yet.",
            labels,
            registry=registry,
        ).labels(host).set(info["pending"])
    if info.get("lag_seconds") is not None:
        Gauge(
            "deskmeter_sync_lag_seconds",
            "Age of the oldest change not yet synced.",
            labels,
            registry=registry,
        ).labels(host).set(info["lag_seconds"])
    if info.get("applied_at"):
        applied = datetime.fromisoformat(str(info["applied_at"]))
        Gauge(
            "deskmeter_sync_last_success_timestamp_seconds",
            "When the remote last took a change (Unix time).",
            labels,
            registry=registry,
        ).labels(host).set(applied.timestamp())
