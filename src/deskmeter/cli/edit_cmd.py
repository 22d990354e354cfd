"""``deskmeter edit``: correct history (task, away, add), list the edits, undo the last one."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer

from deskmeter.cli.context import app_context
from deskmeter.edits.errors import EditError
from deskmeter.edits.operations import make_edit, undo_last
from deskmeter.edits.times import parse_time
from deskmeter.edits.wording import in_words
from deskmeter.store.edit_record import edit_to_doc

app = typer.Typer(
    help="Correct history: give a stretch to a task, mark it away, add time off the computer.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

Start = Annotated[
    str, typer.Option("--start", help="HH:MM (today), 'YYYY-MM-DD HH:MM', or ISO with offset.")
]
End = Annotated[str, typer.Option("--end", help="Same forms as --start; the end is exclusive.")]


def _edit(ctx: typer.Context, op: str, path: str | None, start: str, end: str) -> None:
    app_ = app_context(ctx)
    settings = app_.settings
    now = app_.now()
    today = now.astimezone(settings.tz).date()
    try:
        lo = parse_time(start, settings.tz, today, name="--start")
        hi = parse_time(end, settings.tz, today, name="--end")
        with app_.open_store() as store:
            edit = make_edit(
                store,
                op,
                lo,
                hi,
                path,
                who="cli",
                now=now,
                host=settings.host,
                task_file=settings.task_file,
                tz=settings.tz,
            )
    except EditError as exc:
        typer.echo(f"deskmeter: error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(in_words(edit, settings.tz))
    typer.echo("undo it with `deskmeter edit undo`")


@app.command("task")
def edit_task(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(help="The task the stretch belongs to.")],
    start: Start,
    end: End,
) -> None:
    """The tracked time from START to END was work on PATH (switches split at the edges)."""
    _edit(ctx, "task", path, start, end)


@app.command("away")
def edit_away(ctx: typer.Context, start: Start, end: End) -> None:
    """The tracked time from START to END was away (kept, never counted)."""
    _edit(ctx, "away", None, start, end)


@app.command("add")
def edit_add(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(help="The task of the time off the computer.")],
    start: Start,
    end: End,
) -> None:
    """START to END was work on PATH off the computer (wins over what was tracked there)."""
    _edit(ctx, "add", path, start, end)


@app.command("log")
def edit_log(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show at most this many.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document per edit.")] = False,
) -> None:
    """The edits, newest first: who (cli, web, api, panel) changed what and when."""
    app_ = app_context(ctx)
    with app_.open_store(read_only=True) as store:
        edits = store.edits(limit=limit)
    if not edits and not as_json:
        typer.echo("no edits yet")
    for edit in edits:
        if as_json:
            typer.echo(json.dumps(edit_to_doc(edit), default=_iso, sort_keys=True))
        else:
            typer.echo(in_words(edit, app_.settings.tz))


@app.command("undo")
def edit_undo(ctx: typer.Context) -> None:
    """Take the last edit back: the switches it replaced return exactly."""
    try:
        app_ = app_context(ctx)
        with app_.open_store() as store:
            edit = undo_last(store, who="cli", now=app_.now(), host=app_.settings.host)
    except EditError as exc:
        typer.echo(f"deskmeter: error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"undone: {in_words(edit, app_.settings.tz)}")


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")
