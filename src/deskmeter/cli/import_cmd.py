"""``deskmeter import``: load an original Deskmeter database or a JSON export."""

from __future__ import annotations

from typing import Annotated

import typer

from deskmeter.cli.context import app_context
from deskmeter.importing import ImportSourceError, import_switches, open_source


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
) -> None:
    """Import switches; importing the same source again adds no duplicates."""
    app = app_context(ctx)
    settings = app.settings
    try:
        records = open_source(source, collection=collection)
    except ImportSourceError as exc:
        typer.echo(f"deskmeter: error: {exc}", err=True)
        raise typer.Exit(1) from None
    with app.open_store() as store:
        try:
            result = import_switches(records, store, labels=settings.workspaces.labels)
        except ImportSourceError as exc:
            typer.echo(f"deskmeter: error: {exc}", err=True)
            raise typer.Exit(1) from None
        where = store.describe()
    typer.echo(
        f"imported {result.written} switches from {records.name} into {where}: "
        f"{result.new} new, {result.written - result.new} already there"
        + (f", {result.skipped} skipped" if result.skipped else "")
    )
    for problem in result.problems:
        typer.echo(f"  skipped {problem}", err=True)
