"""``deskmeter status``: what is being tracked now."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from deskmeter.cli.context import app_context
from deskmeter.models import NO_TASK, utcnow


def format_duration(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the current workspace, task and since when."""
    app = app_context(ctx)
    settings = app.settings
    with app.open_store() as store:
        state = store.get_state()
    now = utcnow()
    info: dict[str, Any] = {"tracking": False, "store": store.describe()}
    if state is not None:
        info.update(
            tracking=state.is_live(now, settings.tracker.heartbeat_seconds),
            away=state.away,
            workspace=state.workspace,
            workspace_index=state.workspace_index,
            task=state.task,
            task_id=state.task_id,
            since=state.since.isoformat(),
            heartbeat=state.heartbeat.isoformat(),
            seconds=round((now - state.since).total_seconds(), 1),
            host=state.host,
        )
    if as_json:
        typer.echo(json.dumps(info, indent=2))
        return
    if state is None:
        typer.echo("not tracking (start `deskmeter track`)")
        return
    since_local = state.since.astimezone(settings.tz)
    note = "" if info["tracking"] else "  (tracker not running: last heartbeat shown)"
    if state.away:
        typer.echo(f"away:      since {since_local:%Y-%m-%d %H:%M:%S %Z} (not counted)")
    typer.echo(f"task:      {state.task or NO_TASK}")
    typer.echo(f"workspace: {state.workspace} (#{state.workspace_index + 1})")
    typer.echo(
        f"since:     {since_local:%Y-%m-%d %H:%M:%S %Z} ({format_duration(info['seconds'])}){note}"
    )
