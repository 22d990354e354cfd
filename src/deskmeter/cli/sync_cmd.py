"""``deskmeter sync``: the sync daemon; ``deskmeter sync status``: what the remote has."""

from __future__ import annotations

import json
import logging
import signal
import threading
from datetime import datetime
from types import FrameType
from typing import Annotated, Any

import typer
from bson import json_util

from deskmeter.cli.context import app_context
from deskmeter.cli.status_cmd import format_duration
from deskmeter.models import utcnow
from deskmeter.sync.factory import make_engine, make_source
from deskmeter.sync.status import report

log = logging.getLogger("deskmeter.sync")

app = typer.Typer(
    help="Push local changes to the remote MongoDB (run without a sub-command: the daemon).",
    invoke_without_command=True,
    no_args_is_help=False,
    rich_markup_mode=None,
)


@app.callback(invoke_without_command=True)
def sync(
    ctx: typer.Context,
    remote: Annotated[
        str | None,
        typer.Option("--remote", help="The remote MongoDB URI (default: the setting sync.remote)."),
    ] = None,
    once: Annotated[
        bool, typer.Option("--once", help="Stop once everything is on the remote.")
    ] = False,
) -> None:
    """Run the sync daemon: copy, then stream every change to the remote; Ctrl-C/SIGTERM stop."""
    if ctx.invoked_subcommand is not None:
        return
    app_ctx = app_context(ctx)
    settings = app_ctx.settings
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        log.info("%s: finishing the batch in flight, then stopping", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        with app_ctx.open_store() as store:
            engine = make_engine(settings, store, remote, stop=stop)
            try:
                engine.run(until_caught_up=once)
            finally:
                stop.set()  # ends the thread that relays it to the watcher
                engine.close()  # the source's file watcher
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _age(value: str | None) -> str:
    if not value:
        return "never"
    seconds = (utcnow() - datetime.fromisoformat(value)).total_seconds()
    return f"{value} ({format_duration(max(seconds, 0))} ago)"


def _print(info: dict[str, Any]) -> None:
    running = f"running (pid {info['pid']})" if info["running"] else str(info["state"])
    typer.echo(f"daemon:      {running}")
    typer.echo(f"host:        {info['host']} (this host's lag; other hosts have their own)")
    typer.echo(f"source:      {info['source']}")
    typer.echo(f"remote:      {info['remote'] or '(none yet)'}")
    if info["position"] is None:
        typer.echo("position:    none (the first sync copies everything)")
    else:
        typer.echo(f"position:    {json_util.dumps(info['position'])}")
        typer.echo(f"  change at: {info['position_time'] or 'unknown (full copy)'}")
        typer.echo(f"  applied:   {_age(info['applied_at'])} (this host's last sync)")
    pending = info["pending"]
    if info.get("note"):
        pending = info["note"]
    elif pending is None:
        pending = "unknown (a MongoDB change stream cannot count what is ahead)"
    typer.echo(f"pending:     {pending}")
    lag = info["lag_seconds"]
    typer.echo("lag:         " + ("unknown" if lag is None else f"{lag:.1f}s"))
    error = info["last_error"]
    when = info["last_error_at"]
    typer.echo(f"last error:  {f'{error} (at {when})' if error else 'none'}")
    if info["last_resync_at"]:
        typer.echo(f"last resync: {info['last_resync_at']}: {info['last_resync_reason']}")


def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Last applied position and its time, pending changes, lag, last error."""
    app_ctx = app_context(ctx)
    settings = app_ctx.settings
    with app_ctx.open_store(read_only=True) as store:
        info = report(
            store,
            make_source(store, settings.sync),
            heartbeat_seconds=settings.sync.heartbeat_seconds,
            host=settings.host,
        )
    if as_json:
        typer.echo(json.dumps(json.loads(json_util.dumps(info)), indent=2))
    else:
        _print(info)


app.command("status")(status)
