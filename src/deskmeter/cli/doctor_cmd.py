"""``deskmeter doctor``: check the whole chain, one line each, and say what to fix."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from typing import Annotated

import typer

from deskmeter.cli.context import app_context
from deskmeter.doctor.checks import Doctor, render


def doctor(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Check the store, the tracker and its source, the GNOME extension, away detection, the
    task file, sync, the tunnel and the remote; exit 0 when nothing failed."""
    app = app_context(ctx)
    findings = Doctor(app.settings, app.now(), os.environ).run()
    if as_json:
        typer.echo(json.dumps([asdict(f) for f in findings], indent=2))
    else:
        typer.echo(render(findings))
    failed = [f for f in findings if f.level == "fail"]
    if failed and not as_json:
        typer.echo(f"\n{len(failed)} to fix (FAIL lines above)", err=True)
    raise typer.Exit(1 if failed else 0)
