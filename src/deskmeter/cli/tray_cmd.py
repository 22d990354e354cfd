"""``deskmeter tray``: the tray item (StatusNotifierItem) outside GNOME Shell."""

from __future__ import annotations

import typer


def tray(ctx: typer.Context) -> None:
    """Show the current task and the time on it in the system tray, with a task menu.

    A StatusNotifierItem: KDE Plasma, waybar's tray, Xfce, Cinnamon and Budgie show it. It
    follows the running `deskmeter track` over D-Bus. See docs/indicator.md.
    """
    from deskmeter.cli.context import app_context
    from deskmeter.indicator.tray import run_tray
    from deskmeter.indicator.view import WallClock

    raise typer.Exit(run_tray(WallClock(app_context(ctx).clock)))
