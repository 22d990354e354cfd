"""``deskmeter track``: run the tracker daemon."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Annotated

import typer

from deskmeter.cli.context import app_context
from deskmeter.cli.table_help import table_option
from deskmeter.dbus.service import BusService, BusServiceError, WorkspaceReporter, serve_tracker
from deskmeter.registry.workspace_sources import help_text
from deskmeter.tasks.registry import TaskRegistry
from deskmeter.tracker.daemon import StopTracking, Tracker
from deskmeter.tracker.lock import TrackerLease, TrackerLockError, stale_after
from deskmeter.tracker.presence import presence_names, start_presence
from deskmeter.tracker.sources import SourceError, auto_source_name, make_source, run_source
from deskmeter.tracker.taskwatch import TaskFileWatcher

log = logging.getLogger("deskmeter.track")


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise StopTracking(signal.Signals(signum).name)


def track(
    ctx: typer.Context,
    source: Annotated[
        str | None,
        table_option("--source", describe=help_text),
    ] = None,
) -> None:
    """Track the active workspace and task; write a switch on every change."""
    app = app_context(ctx)
    settings = app.settings
    name = source or settings.tracker.source
    try:
        if name == "auto":
            name = auto_source_name()
        workspace_source = make_source(
            name,
            poll_seconds=settings.tracker.poll_seconds,
            retry_seconds=settings.tracker.retry_seconds,
        )
    except SourceError as exc:
        typer.echo(f"deskmeter: error: {exc}", err=True)
        raise typer.Exit(2) from exc

    store = app.open_store()
    lease = TrackerLease(store, host=settings.host, stale_after=stale_after(settings))
    try:
        lease.acquire()
    except TrackerLockError as exc:
        typer.echo(f"deskmeter: error: {exc}", err=True)
        store.close()
        raise typer.Exit(1) from None
    tracker = Tracker(
        store, settings, TaskRegistry(store, settings.task_file, host=settings.host), lease=lease
    )
    tracker.start()
    log.info(
        "tracking with the %s source into %s (time zone %s, tasks in %s)",
        workspace_source.name,
        store.describe(),
        settings.timezone,
        settings.task_file,
    )
    # A source fed over D-Bus (gnome: the Shell extension reports) is the service's reporter.
    reporter = workspace_source if isinstance(workspace_source, WorkspaceReporter) else None
    try:
        bus_service: BusService | None = serve_tracker(tracker, workspace_source.name, reporter)
    except BusServiceError as exc:
        if reporter is None:  # the panel indicator will say "not running"; tracking works
            log.warning("no D-Bus service: %s", exc)
            bus_service = None
        else:  # the source is fed through the service: nothing to track without it
            typer.echo(
                f"deskmeter: error: the {workspace_source.name} source needs D-Bus: {exc}",
                err=True,
            )
            store.close()
            raise typer.Exit(2) from exc
    stop = threading.Event()
    watcher = TaskFileWatcher(settings.task_file, tracker.events.put)
    watcher.start()
    thread = threading.Thread(
        target=run_source,
        args=(workspace_source, tracker.events.put, stop),
        name=f"source-{workspace_source.name}",
        daemon=True,
    )
    thread.start()
    presence = start_presence(
        presence_names(
            settings.tracker.presence, workspace_source.name, logind=settings.tracker.logind
        ),
        settings.tracker.away_after_seconds,
        tracker.events.put,
        stop,
    )
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    try:
        tracker.run()
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        stop.set()
        for presence_source in presence:
            presence_source.wake()
        watcher.stop()
        if bus_service is not None:
            bus_service.stop()
        store.close()
    if tracker.failure:
        typer.echo(f"deskmeter: error: {tracker.failure}", err=True)
        raise typer.Exit(1)
