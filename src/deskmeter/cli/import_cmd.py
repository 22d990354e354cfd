"""``deskmeter import``: load an original Deskmeter database or a JSON export."""

from __future__ import annotations

from typing import Annotated

import typer

from deskmeter.cli.context import app_context
from deskmeter.importing import (
    HostConflictError,
    HostNameError,
    ImportResult,
    ImportSourceError,
    check_host_name,
    import_switches,
    open_source,
)
from deskmeter.importing.workspace_map import MappingError, parse_mapping, with_tasks


def import_(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(
            help="A mongodb:// URI of an original Deskmeter database (its 'switch' "
            "collection) or a JSON file (deskmeter export, or mongoexport output)."
        ),
    ],
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
    try:
        records = with_tasks(open_source(source, collection=collection), mapping)
    except ImportSourceError as exc:
        typer.echo(f"deskmeter: error: {exc}", err=True)
        raise typer.Exit(1) from None
    with app.open_store() as store:
        try:
            result = import_switches(records, store, labels=settings.workspaces.labels, host=host)
        except (ImportSourceError, HostConflictError) as exc:
            typer.echo(f"deskmeter: error: {exc}", err=True)
            raise typer.Exit(1) from None
        where = store.describe()
    typer.echo(
        f"imported {result.written} switches from {records.name} into {where}, "
        f"{_stamped(result, settings.host)}: "
        f"{result.new} new, {result.written - result.new} already there"
        + (f", {result.skipped} skipped" if result.skipped else "")
    )
    for problem in result.problems:
        typer.echo(f"  skipped {problem}", err=True)
    if host is not None and host != settings.host and result.written:
        typer.echo(
            f"note: {host!r} is not this machine ({settings.host!r}): this machine's sync pushes "
            f"them; a live machine that syncs as {host!r} would sweep them off the remote at "
            "its next resync (use the name of a machine that no longer syncs)",
            err=True,
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
