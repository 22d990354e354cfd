"""``deskmeter web``: serve the dashboard (gunicorn in this process, quietly; ``--gunicorn``
hands over to a gunicorn process with the packaged config; ``--dev`` uses Flask's server)."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from typing import Annotated

import typer

from deskmeter.cli.context import app_context
from deskmeter.config import Settings, load_settings


class Mode(StrEnum):
    local = "local"
    portfolio = "portfolio"


def gunicorn_command(settings: Settings, workers: int | None) -> list[str]:
    """The gunicorn command line that serves ``settings``' dashboard."""
    web = settings.web
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "python:deskmeter.web.gunicorn_conf",
        "--bind",
        f"{web.host}:{web.port}",
        "--workers",
        str(workers or web.workers),
    ]


def gunicorn_environment(settings: Settings) -> dict[str, str]:
    """The environment that makes each gunicorn worker load the same settings."""
    env = dict(os.environ)
    env["DESKMETER_STORE"] = settings.store
    env["DESKMETER_TIMEZONE"] = settings.timezone
    env["DESKMETER_TASK_FILE"] = str(settings.task_file)
    env["DESKMETER_WEB__MODE"] = settings.web.mode
    env["DESKMETER_WEB__HOST"] = settings.web.host
    env["DESKMETER_WEB__PORT"] = str(settings.web.port)
    return env


def web(
    ctx: typer.Context,
    host: Annotated[
        str | None, typer.Option(help="Address to listen on [config web.host].")
    ] = None,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Port [config web.port].")
    ] = None,
    mode: Annotated[
        Mode | None,
        typer.Option(help="local (may switch tasks) or portfolio (read-only) [config web.mode]."),
    ] = None,
    use_gunicorn: Annotated[
        bool,
        typer.Option("--gunicorn", help="Hand over to gunicorn with the packaged config."),
    ] = False,
    dev: Annotated[
        bool, typer.Option("--dev", help="Flask's development server (debugging only).")
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(min=1, max=64, help="gunicorn workers [config web.workers]."),
    ] = None,
) -> None:
    """Serve the dashboard: today, calendar, switches, tasks and the JSON API."""
    app_ctx = app_context(ctx)
    base = app_ctx.settings
    web_overrides = base.web.model_dump()
    for key, value in (("host", host), ("port", port), ("mode", mode)):
        if value is not None:
            web_overrides[key] = str(value) if key == "mode" else value
    settings = load_settings(app_ctx.config, store=base.store, web=web_overrides)
    where = f"http://{settings.web.host}:{settings.web.port}/"
    # Flask and gunicorn load only for this command
    from deskmeter.web.serving import PortInUseError, check_port, serve

    try:
        check_port(settings.web.host, settings.web.port)
    except PortInUseError as exc:
        typer.echo(f"deskmeter web: error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"deskmeter web: {settings.web.mode} mode on {where}", err=True)
    if use_gunicorn:
        command = gunicorn_command(settings, workers)
        os.execve(command[0], command, gunicorn_environment(settings))  # noqa: S606 - fixed argv
    from deskmeter.web import create_app

    app = create_app(settings)
    if dev:
        app.run(host=settings.web.host, port=settings.web.port, threaded=True, use_reloader=False)
        return
    serve(app, settings.web.host, settings.web.port, workers or settings.web.workers)
