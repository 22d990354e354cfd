"""``deskmeter status``: what is being tracked now."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from deskmeter.cli.context import app_context
from deskmeter.models import NO_TASK
from deskmeter.reports.formatting import duration
from deskmeter.reports.service import Reports
from deskmeter.store import StoreNotFoundError


def format_duration(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def workspace_text(name: str, index: int) -> str:
    """``code (#1)``; the number once when the name already says it (``desktop 1``)."""
    number = index + 1
    if not name:
        return f"workspace {number}"
    if name.rsplit(maxsplit=1)[-1] == str(number):
        return name
    return f"{name} (#{number})"


def _nothing_yet(store: str, as_json: bool) -> None:
    """Before the first ``deskmeter track``: say what to do, not that a file is missing."""
    if as_json:
        typer.echo(json.dumps({"tracking": False, "recorded": False, "store": store}, indent=2))
        return
    typer.echo("nothing recorded yet — run `deskmeter track` (it creates the store)")
    typer.echo(f"store:     {store} (not created yet; another one? give --store)")


def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    follow: Annotated[
        bool,
        typer.Option(
            "--follow",
            help="Print a line on every change (from the running tracker's D-Bus signals).",
        ),
    ] = False,
    bar_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="A status bar's line: waybar, i3bar, i3blocks, text (polybar) or json. "
            "See docs/indicator.md.",
        ),
    ] = None,
) -> None:
    """Show the current workspace, task and since when."""
    if follow or bar_format is not None:
        from deskmeter.indicator.follow import run_follow
        from deskmeter.indicator.view import WallClock

        clock = WallClock(app_context(ctx).clock)
        raise typer.Exit(run_follow(bar_format or "text", once=not follow, clock=clock))
    app = app_context(ctx)
    settings = app.settings
    now = app.now()
    try:
        store = app.open_store(read_only=True)
    except StoreNotFoundError:
        if app.store_spec is not None:  # --store / DESKMETER_STORE named one: a typo?
            raise
        _nothing_yet(settings.store, as_json)
        return
    with store:
        state = store.get_state(settings.host)  # this machine's, never another host's
        reports = Reports(store, settings, now)
        today = reports.today()
        start, end = reports.bounds(today, today)
        today_seconds = sum(t.seconds for t in reports.day_totals(start, end))
        today_away = reports.away_seconds(start, end)
    info: dict[str, Any] = {
        "tracking": False,
        "store": store.describe(),
        "today": today.isoformat(),
        "today_seconds": round(today_seconds, 1),
        "today_away_seconds": round(today_away, 1),
    }
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
    away_note = f" (away {duration(today_away)}, not counted)" if today_away else ""
    if state is None:
        typer.echo("not tracking (start `deskmeter track`)")
        typer.echo(f"today:     {duration(today_seconds)}{away_note}")
        return
    since_local = state.since.astimezone(settings.tz)
    note = "" if info["tracking"] else "  (tracker not running: last heartbeat shown)"
    if state.away:
        typer.echo(f"away:      since {since_local:%Y-%m-%d %H:%M:%S %Z} (not counted)")
    typer.echo(f"task:      {state.task or NO_TASK}")
    typer.echo(f"workspace: {workspace_text(state.workspace, state.workspace_index)}")
    typer.echo(
        f"since:     {since_local:%Y-%m-%d %H:%M:%S %Z} ({format_duration(info['seconds'])}){note}"
    )
    typer.echo(f"today:     {duration(today_seconds)}{away_note}")
