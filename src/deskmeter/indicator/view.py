"""What an indicator shows, from the tracker's D-Bus properties and the time now.

Pure functions, no bus: the wording is the GNOME extension's (``files/gnome-extension/lib/
logic.js``), so every indicator reads the same: ``work/deskmeter/sync · 1h 05m``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

NOT_RUNNING_TEXT = "Deskmeter not running"
NO_TASK_TEXT = "(no task)"
IDLE_TEXT = "idle"
AWAY_TEXT = "away"
ELLIPSIS = "\u2026"
SEPARATOR = " \u00b7 "
LABEL_MAX_CHARS = 32
MENU_MAX_CHARS = 60
RECENT_MENU_SIZE = 8
#: How many recent tasks a pending away stretch can be given to from a menu.
AWAY_CHOICES = 3


class WallClock:
    """The CLI's clock (a function giving "now", ``AppContext.clock``) as a tracker ``Clock``."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now()

    def monotonic(self) -> float:
        return time.monotonic()


def shorten_task(path: str, limit: int = LABEL_MAX_CHARS) -> str:
    """``work/clients/acme/website/redesign`` -> ``…/website/redesign`` (at most ``limit``)."""
    if limit < 2:
        raise ValueError(f"limit must be at least 2, not {limit}")
    if len(path) <= limit:
        return path
    segments = path.split("/")
    kept = segments[-1]
    if len(kept) + 2 > limit:
        return ELLIPSIS + kept[len(kept) - (limit - 1) :]
    for segment in reversed(segments[:-1]):
        longer = f"{segment}/{kept}"
        if len(longer) + 2 > limit:
            break
        kept = longer
    return f"{ELLIPSIS}/{kept}"


def format_elapsed(seconds: float) -> str:
    """Minute resolution: ``0m``, ``7m``, ``1h 05m``; negative (clock skew) counts as 0."""
    total = max(0, math.floor(seconds))
    minutes = total // 60
    hours = minutes // 60
    if hours == 0:
        return f"{minutes}m"
    return f"{hours}h {minutes % 60:02d}m"


def seconds_until_next_minute(now: float, since: float) -> float:
    """Seconds until the minute shown next changes (the next whole minute since ``since``)."""
    elapsed = max(0.0, now - since)
    return 60.0 - (elapsed % 60.0)


@dataclass(frozen=True, slots=True)
class TrackerProps:
    """The tracker's properties (``dev.deskmeter.Tracker1``) as plain values."""

    tracking: bool = False
    task: str = ""
    task_id: str = ""
    workspace: str = ""
    workspace_index: int = -1
    since: int = 0
    recent_tasks: tuple[str, ...] = ()
    dashboard_url: str = ""
    source: str = ""
    away: bool = False
    pending_away: tuple[int, int] = (0, 0)

    @classmethod
    def from_dbus(cls, values: Mapping[str, Any]) -> TrackerProps:
        """From unpacked ``GetAll`` values; a missing or mistyped property keeps its default."""

        def get(name: str, kind: type, default: Any) -> Any:
            value = values.get(name, default)
            return value if isinstance(value, kind) else default

        pending = values.get("PendingAway", (0, 0))
        if not (
            isinstance(pending, list | tuple)
            and len(pending) == 2
            and all(isinstance(v, int) for v in pending)
        ):
            pending = (0, 0)
        recent = values.get("RecentTasks", ())
        return cls(
            tracking=get("Tracking", bool, False),
            task=get("CurrentTask", str, ""),
            task_id=get("CurrentTaskId", str, ""),
            workspace=get("CurrentWorkspace", str, ""),
            workspace_index=get("CurrentWorkspaceIndex", int, -1),
            since=get("Since", int, 0),
            recent_tasks=tuple(str(t) for t in recent) if isinstance(recent, list | tuple) else (),
            dashboard_url=get("DashboardUrl", str, ""),
            source=get("WorkspaceSource", str, ""),
            away=get("Away", bool, False),
            pending_away=(int(pending[0]), int(pending[1])),
        )


@dataclass(frozen=True, slots=True)
class View:
    """Everything an indicator shows. ``state``: not-running, idle, tracking or away."""

    state: str
    label: str
    header: str
    task: str = ""
    workspace: str = ""
    elapsed: str = ""
    since: int = 0
    recent: tuple[str, ...] = ()
    dashboard_url: str = ""
    #: Seconds of the away stretch waiting for a decision (0: none) and its start.
    pending_away_seconds: int = 0
    pending_away_start: int = 0
    #: Seconds until the label changes by itself (the next minute); 0: it does not.
    tick_in: float = 0.0

    @property
    def tooltip(self) -> str:
        lines = [self.header]
        if self.pending_away_seconds:
            lines.append(f"{away_title(self.pending_away_seconds)}: keep it or give it to a task")
        return "\n".join(lines)

    @property
    def classes(self) -> tuple[str, ...]:
        return (self.state, "pending-away") if self.pending_away_seconds else (self.state,)


def away_title(seconds: int) -> str:
    """``Away 42 min``, as the GNOME extension's menu says it."""
    return f"Away {max(1, round(seconds / 60))} min"


def view_of(running: bool, props: TrackerProps | None, now: float) -> View:
    """The view of the tracker: ``running`` is whether it owns its bus name; ``now`` Unix s."""
    if not running or props is None:
        return View(
            state="not-running",
            label=NOT_RUNNING_TEXT,
            header="The tracker is not running: start `deskmeter track`",
        )
    task = props.task
    shown = shorten_task(task) if task else NO_TASK_TEXT
    pending = props.pending_away[1] if props.pending_away[1] > 0 else 0
    common: dict[str, Any] = {
        "task": task,
        "recent": props.recent_tasks[:RECENT_MENU_SIZE],
        "dashboard_url": props.dashboard_url,
        "pending_away_seconds": pending,
        "pending_away_start": props.pending_away[0] if pending else 0,
    }
    if not props.tracking or props.since <= 0:
        return View(
            state="idle",
            label=f"{shown}{SEPARATOR}{IDLE_TEXT}",
            header=f"{task or NO_TASK_TEXT}: not counting (no workspace reported)",
            **common,
        )
    elapsed = format_elapsed(now - props.since)
    where = f" on {props.workspace}" if props.workspace else ""
    tick = seconds_until_next_minute(now, props.since)
    if props.away:
        return View(
            state="away",
            label=f"{AWAY_TEXT}{SEPARATOR}{elapsed}",
            header=f"Away for {elapsed} (not counted); task {task or NO_TASK_TEXT}",
            workspace=props.workspace,
            elapsed=elapsed,
            since=props.since,
            tick_in=tick,
            **common,
        )
    return View(
        state="tracking",
        label=f"{shown}{SEPARATOR}{elapsed}",
        header=f"{task or NO_TASK_TEXT}{where} for {elapsed}",
        workspace=props.workspace,
        elapsed=elapsed,
        since=props.since,
        tick_in=tick,
        **common,
    )
