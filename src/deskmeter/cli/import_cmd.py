"""``deskmeter import``: switches from Deskmeter, the original Deskmeter, or another tracker.

The format is told by the content (``deskmeter.formats``), or given with ``--format``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from deskmeter.cli.context import app_context, choice_of
from deskmeter.cli.table_help import named_list, table_option
from deskmeter.config import Settings
from deskmeter.formats import IMPORTS, ImportContext, TitleRule, open_import
from deskmeter.importing import (
    HostConflictError,
    HostNameError,
    ImportResult,
    ImportSourceError,
    check_host_name,
    import_switches,
)
from deskmeter.importing.workspace_map import MappingError, parse_mapping, with_tasks
from deskmeter.models import NO_TASK, Switch
from deskmeter.store import Store
from deskmeter.tasks.taskfile import TaskFileError, load_task_file


def formats_help() -> str:
    """``--format``'s help, from the import table (read when the command is built)."""
    rows = ((f.name, f.title) for f in IMPORTS.values())
    return f"Skip detection: read the source as one of {named_list(rows)} (docs/formats.md)."


def import_context(settings: Settings, store: Store, collection: str = "switch") -> ImportContext:
    """The task paths known here (the store's and the task file's) and the mapping rules."""
    known = {t.path: t.id for t in store.tasks(host=settings.host)}
    try:
        parsed = load_task_file(settings.task_file)
    except (TaskFileError, OSError):
        parsed = None  # the tracker reports a broken task file; an import goes on without it
    if parsed is not None:
        known.update({line.path: line.id for line in parsed.tasks})
    return ImportContext(
        tz=settings.tz,
        collection=collection,
        task_ids=known,
        rules=tuple(
            TitleRule(task=r.task, app=r.app, title=r.title)
            for r in settings.imports.activitywatch.rules
        ),
    )


def import_(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(
            help="A file (its format is told by its content) or a mongodb:// URI of an "
            "original Deskmeter database (its 'switch' collection)."
        ),
    ],
    fmt: Annotated[
        str | None,
        table_option(
            "--format",
            "-f",
            callback=choice_of(IMPORTS.names),
            describe=formats_help,
        ),
    ] = None,
    collection: Annotated[
        str, typer.Option("--collection", help="The collection to read from a MongoDB source.")
    ] = "switch",
    host: Annotated[
        str | None,
        typer.Option(
            "--host",
            metavar="NAME",
            help="Stamp every imported switch with this host (the machine the data is from), "
            "replacing any host the records carry. Without it each switch keeps its record's "
            "host, or none.",
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print what would be imported; write nothing."),
    ] = False,
    workspace_map: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="WORKSPACE=TASK",
            help="Give the switches of a workspace that have no task this task path "
            "(the original Deskmeter recorded workspaces only); repeat for each workspace.",
        ),
    ] = None,
) -> None:
    """Import switches; importing the same source again adds no duplicates."""
    app = app_context(ctx)
    settings = app.settings
    if host is not None:
        try:
            check_host_name(host)
        except HostNameError as exc:
            typer.echo(f"deskmeter: error: {exc}", err=True)
            raise typer.Exit(2) from None
    try:
        mapping = parse_mapping(workspace_map or [])
    except MappingError as exc:
        typer.echo(f"deskmeter: error: {exc}", err=True)
        raise typer.Exit(2) from None
    with app.open_store() as store:
        try:
            context = import_context(settings, store, collection)
            chosen, records = open_import(source, context, format_name=fmt)
            records = with_tasks(records, mapping)
            result = import_switches(
                records, store, labels=settings.workspaces.labels, host=host, dry_run=dry_run
            )
        except (ImportSourceError, HostConflictError) as exc:
            typer.echo(f"deskmeter: error: {exc}", err=True)
            raise typer.Exit(1) from None
        where = store.describe()
    if dry_run:
        for switch in result.planned:
            typer.echo(_line(switch))
    verb = "would import" if dry_run else "imported"
    typer.echo(
        f"{verb} {result.written} switches from {records.name} ({chosen.title}) into {where}, "
        f"{_stamped(result, settings.host)}: "
        f"{result.new} new, {result.written - result.new} already there"
        + (f", {result.skipped} skipped" if result.skipped else "")
        + ("; nothing written (--dry-run)" if dry_run else "")
    )
    for problem in result.problems:
        typer.echo(f"  skipped {problem}", err=True)
    if not dry_run and host is not None and host != settings.host and result.written:
        typer.echo(
            f"note: {host!r} is not this machine ({settings.host!r}): this machine's sync pushes "
            f"them; a live machine that syncs as {host!r} would sweep them off the remote at "
            "its next resync (use the name of a machine that no longer syncs)",
            err=True,
        )


def _line(switch: Switch) -> str:
    away = " away" if switch.away else ""
    return (
        f"  {switch.date.isoformat(timespec='seconds')}  {switch.delta:>10.1f} s  "
        f"{switch.workspace}  {switch.task or NO_TASK}{away}"
        + (f"  [{switch.host}]" if switch.host else "")
    )


def _stamped(result: ImportResult, this_host: str) -> str:
    if result.host is not None:
        return f"stamped with host {result.host!r}"
    if not result.unstamped:
        return "each with the host its record carries"
    return (
        f"each with the host its record carries ({result.unstamped} carry none: "
        f"--host NAME stamps them, e.g. --host {this_host} for this machine)"
    )
