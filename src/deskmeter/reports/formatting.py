"""How durations, clock times and task paths are written (pages, API, ``deskmeter report``).

A task's colour on a page is ``web/colors.py``'s."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from deskmeter.models import NO_TASK


def duration(seconds: float) -> str:
    """``7h 05m``, ``45m``, ``30s``: rounded to the minute from one minute on."""
    total = round(seconds)
    if total < 60:
        return f"{total}s"
    minutes = (total + 30) // 60
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m"


def hours(seconds: float) -> str:
    """The same as ``duration``: one duration format everywhere (``9h 28m``)."""
    return duration(seconds)


def local_time(value: datetime, tz: ZoneInfo, fmt: str = "%H:%M") -> str:
    return value.astimezone(tz).strftime(fmt)


def short_path(task: str) -> str:
    """The last two levels of a task path, for tight places (``work/a/b`` → ``a/b``)."""
    return "/".join(task.split("/")[-2:])


def at_depth(task: str, depth: int) -> str:
    """The first ``depth`` levels of a task path (0: all of it; 1: ``work/a/b`` → ``work``).

    Levels are the non-empty segments, whatever the slashes ("/work/a", "work//a", "a/"):
    never more than ``depth`` levels, never the whole path (a portfolio must not show it).
    """
    if task == NO_TASK or depth <= 0:
        return task
    parts = [part for part in task.split("/") if part.strip()]
    return "/".join(parts[:depth]) or NO_TASK


def decimal_hours(seconds: float) -> str:
    """``7.52``: hours with two decimals, for timesheets and invoices."""
    return f"{seconds / 3600:.2f}"
