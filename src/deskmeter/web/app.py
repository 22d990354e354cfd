"""The app factory: settings, store, blueprints, error handling (``errors.py``), security
headers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from deskmeter.config import Settings, load_settings, register_secrets
from deskmeter.models import merge_by_path, utcnow
from deskmeter.reports import formatting
from deskmeter.reports.service import Reports
from deskmeter.store import Store
from deskmeter.web import hosts
from deskmeter.web.blueprints import api, control, drill, edits, health, metrics, pages
from deskmeter.web.blueprints.control import LIMITER
from deskmeter.web.context import (
    EXTENSION,
    REPORTS_EXTENSION,
    ReportsFactory,
    StoreHolder,
    WebContext,
    current_reports,
    web_context,
)
from deskmeter.web.errors import register_error_handlers
from deskmeter.web.security import (
    LoginLimiter,
    SessionInterface,
    add_security_headers,
    csrf_token,
    session_secret,
    signed_in,
)
from deskmeter.web.static_urls import StaticUrls


def create_app(
    settings_or_config: Settings | Path | str | None = None,
    *,
    store: Store | None = None,
    clock: Callable[[], datetime] = utcnow,
    reports: ReportsFactory = Reports,
) -> Flask:
    """Build the dashboard.

    ``settings_or_config`` is a ``Settings`` object, or a config file path (None: the usual
    lookup with ``DESKMETER_*`` overrides). ``store`` replaces the configured store (tests);
    ``reports`` replaces the figures' implementation (the benchmark's naive variant).
    """
    settings = (
        settings_or_config
        if isinstance(settings_or_config, Settings)
        else load_settings(settings_or_config)
    )
    register_secrets(settings)
    app = Flask(__name__)
    # a path is taken as written: an odd segment (``/calendar/\n/1``) is a 404, not a
    # redirect to a path with its slashes merged
    app.url_map.merge_slashes = False
    app.config.update(
        SECRET_KEY=session_secret(settings),
        SESSION_COOKIE_NAME="deskmeter_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.web.session_hours),
        MAX_CONTENT_LENGTH=64 * 1024,
        JSON_SORT_KEYS=False,
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.session_interface = SessionInterface()
    app.extensions[LIMITER] = LoginLimiter(settings.web.login_attempts_per_minute)
    if settings.web.proxies:
        proxies = settings.web.proxies
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies
        )
    context = WebContext(settings=settings, stores=StoreHolder(settings.store, store), clock=clock)
    app.extensions[EXTENSION] = context
    app.extensions[REPORTS_EXTENSION] = reports

    app.register_blueprint(pages.blueprint)
    app.register_blueprint(drill.blueprint)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(metrics.blueprint)
    if settings.web.mode == "local":
        app.register_blueprint(control.blueprint)
        app.register_blueprint(edits.blueprint)

    app.before_request(_check_host)
    app.url_defaults(hosts.keep_host)
    app.after_request(add_security_headers)
    register_error_handlers(app)
    _register_template_helpers(app)
    return app


def _check_host() -> None:
    """Every page and API answer is for the ``host`` of the query (checked once, up front)."""
    if request.endpoint in (None, "static", "health.healthz", "metrics.metrics"):
        return
    context = web_context()
    hosts.check_request_host(context.store, context.host_names)


def _register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["duration"] = formatting.duration
    app.jinja_env.filters["hours"] = formatting.hours
    app.jinja_env.filters["short_path"] = formatting.short_path
    app.jinja_env.filters["decimal_hours"] = formatting.decimal_hours
    app.jinja_env.autoescape = True
    app.jinja_env.globals["static_url"] = StaticUrls()

    @app.template_filter("local")
    def local(value: datetime, fmt: str = "%H:%M") -> str:
        return formatting.local_time(value, web_context().tz, fmt)

    @app.context_processor
    def globals_for_templates() -> dict[str, Any]:
        context = web_context()
        show_times = not context.portfolio or context.settings.portfolio.show_times
        return {
            "title": context.settings.web.title,
            "portfolio": context.portfolio,
            "can_write": context.can_write,
            "signed_in": signed_in,
            "csrf_token": csrf_token,
            "timezone": context.settings.timezone,
            "day_starts_at": context.settings.views.day_starts_at,
            "show_switches": not context.portfolio or context.settings.portfolio.show_switches,
            "show_times": show_times,
            "header_state": lambda: current_reports().current(),
            "show_presence": not context.portfolio or context.settings.portfolio.show_presence,
            "header_as_of": lambda state: hosts.as_of(
                context.store, state, exact=show_times, tz=context.tz
            ),
            "host_picker": lambda: hosts.picker(context.store, context.host_names),
            "host_query": hosts.host_query,
            "host_field": hosts.host_field,
            "today": lambda: current_reports().today(),
            "task_paths": lambda: [t.path for t in merge_by_path(current_reports().store.tasks())],
        }
