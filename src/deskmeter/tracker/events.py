"""What the tracker loop reacts to. Sources and watchers put these on its queue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from deskmeter.tasks.taskfile import TaskFile


@dataclass(frozen=True, slots=True)
class WorkspaceChanged:
    """The active workspace is now ``index`` (0-based), named ``name`` by the desktop."""

    index: int
    name: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class WorkspaceNames:
    """The desktop renamed its workspaces."""

    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WorkspaceLost:
    """The source lost sight of the desktop (X server gone): stop counting.

    ``at``: when it was lost, if the source knew it before it could say so (it waited to
    see whether the compositor comes back at once); the interval closes there, not later.
    """

    reason: str
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class TaskFileChanged:
    """The task file changed on disk.

    The watcher reads and parses it off the loop thread and sends the result: ``tasks``
    (the parsed file) or ``error`` (why it was refused). With neither, the loop reads it.
    """

    tasks: TaskFile | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class SetTask:
    """Make ``path`` the current task (from D-Bus or another in-process caller)."""

    path: str


@dataclass(frozen=True, slots=True)
class Away:
    """The user went away at ``since`` (the last input, the lock, the suspend).

    ``reason`` names what saw it (``idle``, ``lock``, ``sleep``); the user is back only when
    every reason has cleared (input on a locked screen is not being back).
    """

    since: datetime
    reason: str = "idle"
    source: str = ""


@dataclass(frozen=True, slots=True)
class Back:
    """``reason`` (see ``Away``) ended at ``at`` (the first input, the unlock, the wake-up)."""

    at: datetime
    reason: str = "idle"
    source: str = ""


@dataclass(frozen=True, slots=True)
class Stop:
    """Close the open interval and leave the loop.

    ``error`` says why when the stop is a failure (a source's thread died): the tracker then
    exits non-zero so that systemd restarts it, instead of living on blind, feeding its watchdog.
    """

    error: str = ""


Event = (
    WorkspaceChanged
    | WorkspaceNames
    | WorkspaceLost
    | TaskFileChanged
    | SetTask
    | Away
    | Back
    | Stop
)

#: How a source hands its events to the tracker (the tracker's queue's ``put``).
Emit = Callable[[Event], None]
