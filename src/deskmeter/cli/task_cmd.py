"""``deskmeter task``: list the tasks, show or set the current one."""

from __future__ import annotations

from typing import Annotated

import typer

from deskmeter.cli.context import app_context
from deskmeter.tasks.registry import TaskRegistry
from deskmeter.tasks.taskfile import read_task_file, validate_path

app = typer.Typer(
    help="List the tasks, show or set the current one.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command("list")
def list_tasks(ctx: typer.Context) -> None:
    """List the tasks of the task file ('*' marks the current one)."""
    settings = app_context(ctx).settings
    parsed = read_task_file(settings.task_file)
    if not parsed.tasks:
        typer.echo(f"no tasks yet: add lines to {settings.task_file}", err=True)
    for line in parsed.tasks:
        ident = f"  @{line.id}" if line.id != line.path else ""
        typer.echo(f"{'*' if line.current else ' '} {line.path}{ident}")


@app.command("current")
def current(ctx: typer.Context) -> None:
    """Print the current task's path (exit 1 when none is set)."""
    settings = app_context(ctx).settings
    line = read_task_file(settings.task_file).current
    if line is None:
        typer.echo("no current task (set one with `deskmeter task set PATH`)", err=True)
        raise typer.Exit(1)
    typer.echo(line.path)


@app.command("set")
def set_task(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(help="A task path such as work/deskmeter/sync.")],
) -> None:
    """Make PATH the current task (added to the task file when new).

    A running tracker notices the change at once and closes the open interval.
    """
    app_ = app_context(ctx)
    try:
        validate_path(path)
    except ValueError as exc:
        typer.echo(f"deskmeter: error: {exc}", err=True)
        raise typer.Exit(2) from exc
    with app_.open_store() as store:
        TaskRegistry(store, app_.settings.task_file).set_current(path)
    typer.echo(f"current task: {path}")


@app.command("pick")
def pick(
    ctx: typer.Context,
    menu: Annotated[
        str | None,
        typer.Option(
            "--menu",
            help="A dmenu-style program and its arguments, e.g. 'wofi --dmenu' "
            "[default: the first of fuzzel, wofi, rofi, bemenu, dmenu found].",
        ),
    ] = None,
) -> None:
    """Choose the task (or what to do with an away stretch) in a menu (rofi, wofi, fuzzel...).

    The running tracker gets the choice over D-Bus; without one the task file is changed.
    """
    from deskmeter.indicator.pick import PickError
    from deskmeter.indicator.pick import pick as pick_in_menu
    from deskmeter.indicator.tracker_bus import TrackerBusError

    app_ = app_context(ctx)
    settings = app_.settings
    listed = [line.path for line in read_task_file(settings.task_file).tasks]

    def set_in_file(path: str) -> None:
        with app_.open_store() as store:
            TaskRegistry(store, settings.task_file).set_current(path)

    try:
        done = pick_in_menu(menu, listed, set_in_file)
    except (PickError, TrackerBusError) as exc:
        typer.echo(f"deskmeter: error: {exc}", err=True)
        raise typer.Exit(1) from exc
    if not done:
        raise typer.Exit(1)  # cancelled
    typer.echo(done)
