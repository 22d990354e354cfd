"""How durations, times and task names are shown, and the colour of each task on a page."""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from deskmeter.models import NO_TASK

#: Distinct colours (CSS classes ``c0``…``c10``); ``c11`` is the grey for everything else.
PALETTE_SIZE = 11
OTHER_COLOUR = 11


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


class Palette:
    """Colours for the keys of one page: the biggest keys get distinct colours."""

    def __init__(self, keys_by_size: Iterable[str]) -> None:
        self._colours: dict[str, int] = {}
        for key in keys_by_size:
            if key == NO_TASK:
                continue
            if len(self._colours) >= PALETTE_SIZE:
                break
            self._colours[key] = len(self._colours)

    def __call__(self, key: str) -> str:
        return f"c{self._colours.get(key, OTHER_COLOUR)}"


def stable_colour(key: str) -> str:
    """A colour that is the same for ``key`` on every page (for small legends)."""
    return f"c{zlib.crc32(key.encode()) % PALETTE_SIZE}"
