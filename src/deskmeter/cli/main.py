"""``deskmeter``: the entry point; global options and the error boundary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from deskmeter import __version__
from deskmeter.cli import (
    doctor_cmd,
    edit_cmd,
    export_cmd,
    import_cmd,
    report_cmd,
    status_cmd,
    sync_cmd,
    task_cmd,
    track_cmd,
    tray_cmd,
    web_cmd,
)
from deskmeter.cli.context import AppContext
from deskmeter.cli.usage_errors import ABORTS, CLICK_ERRORS, show_usage_error
from deskmeter.config import ConfigError
from deskmeter.logs import setup_logging
from deskmeter.models import utcnow
from deskmeter.store import StoreError, StoreNotFoundError
from deskmeter.tasks.taskfile import TaskFileError

app = typer.Typer(
    name="deskmeter",
    help="Measure how long each workspace and task is active on your desktop.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion (bash, zsh, fish)
    pretty_exceptions_enable=False,
    # Plain help: rich markup would eat bracketed hints ("Address to listen on [default]").
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"deskmeter {__version__}")
        raise typer.Exit


@app.callback()
def main_options(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            envvar="DESKMETER_CONFIG",
            help="The TOML configuration file [default: $XDG_CONFIG_HOME/deskmeter/config.toml].",
        ),
    ] = None,
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            envvar="DESKMETER_STORE",
            help="Where the data lives: a SQLite file path or a mongodb:// URI.",
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log debug detail.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Deskmeter: time per workspace and task, tracked as you switch."""
    setup_logging(verbose)
    given = ctx.obj  # a caller (a test) may hand in a context whose clock it controls
    clock = given.clock if isinstance(given, AppContext) else utcnow
    ctx.obj = AppContext(config=config, store_spec=store, verbose=verbose, clock=clock)


app.command("track")(track_cmd.track)
app.command("status")(status_cmd.status)
app.command("report")(report_cmd.report)
app.command("export")(export_cmd.export)
app.command("web")(web_cmd.web)
app.command("tray")(tray_cmd.tray)
app.add_typer(task_cmd.app, name="task")
app.add_typer(sync_cmd.app, name="sync")
app.add_typer(edit_cmd.app, name="edit")
app.command("import")(import_cmd.import_)
app.command("doctor")(doctor_cmd.doctor)


def main() -> None:
    """Run the CLI; turn known errors into one line on stderr and a non-zero exit.

    Usage errors (bad options or values) exit with status 2, in plain words
    (``deskmeter.cli.usage_errors``).
    """
    try:
        code = app(standalone_mode=False)
    except CLICK_ERRORS as exc:
        show_usage_error(exc)
    except ABORTS:
        print("Aborted.", file=sys.stderr)
        sys.exit(1)
    except (ConfigError, StoreError, TaskFileError) as exc:
        print(f"deskmeter: error: {exc}", file=sys.stderr)
        sys.exit(2 if isinstance(exc, ConfigError | StoreNotFoundError) else 1)
    if isinstance(code, int) and code:
        sys.exit(code)
