"""Keep the store's ``task`` and ``task_history`` in step with the task file."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from deskmeter.models import Task, TaskHistoryEntry
from deskmeter.store import Store
from deskmeter.tasks.taskfile import (
    STARTER,
    TaskFile,
    TaskFileError,
    TaskLine,
    load_task_file,
    mark_current,
    parse_task_file,
    read_text,
    write_atomically,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CurrentTask:
    id: str
    path: str


class TaskRegistry:
    """The task file as last read successfully, and its reflection in the store.

    A malformed file is reported and ignored: the last good tasks stay in force.

    The file is ``host``'s: its tasks are stored as that host's (keyed by host and id), and
    only that host's tasks are deactivated when they leave the file. Other hosts' task
    files, synced into the same store, are never touched.
    """

    def __init__(self, store: Store, path: Path, *, host: str = "") -> None:
        self.store = store
        self.path = path
        self.host = host
        self.good: TaskFile = TaskFile(())
        self.last_error: str | None = None

    def ensure_file(self) -> bool:
        """Write the starter task file when there is none; return True if written."""
        if self.path.exists():
            return False
        write_atomically(self.path, STARTER)
        log.info("wrote a starter task file at %s", self.path)
        return True

    def reload(self, now: datetime) -> bool:
        """Re-read the file. Return True when it was good (and is now in force).

        A missing file keeps the last good tasks (an editor's rename-and-write save, a
        delete-then-recreate); the task-file watcher decides when it is gone for good.
        """
        try:
            parsed = load_task_file(self.path)
        except TaskFileError as exc:
            self.failed(str(exc))
            return False
        if parsed is None:
            if self.good.tasks:
                log.warning("the task file %s is missing; keeping the last good tasks", self.path)
                return False
            parsed = TaskFile(())
        return self.apply(parsed, now)

    def failed(self, error: str) -> None:
        """The file could not be read or parsed: report it, keep the last good tasks."""
        self.last_error = error
        log.error("%s; keeping the last good tasks", error)

    def apply(self, parsed: TaskFile, now: datetime) -> bool:
        """Put ``parsed`` (read off the loop thread) in force and reflect it in the store."""
        self.last_error = None
        self.good = parsed
        self._reflect(parsed, now)
        return True

    @property
    def current(self) -> CurrentTask | None:
        line = self.good.current
        return CurrentTask(line.id, line.path) if line else None

    def for_workspace(self, index: int, names: tuple[str, ...] = ()) -> CurrentTask | None:
        """The task of the workspace at ``index`` called ``names``: the one the task file maps
        to it (``[N]`` / ``[NAME]``), else the current ('*') task."""
        line = self.good.for_workspace(index, names)
        return CurrentTask(line.id, line.path) if line else self.current

    def _reflect(self, parsed: TaskFile, now: datetime) -> None:
        host = self.host
        known = {t.id: t for t in self.store.tasks(include_inactive=True, host=host)}
        history_known = {e.task_id for e in self.store.task_history(host=host)}
        listed = {line.id: line for line in parsed.tasks}
        changed: list[Task] = []
        history: list[TaskHistoryEntry] = []
        for task_id, line in listed.items():
            old = known.get(task_id)
            if old is None or old.path != line.path or not old.active:
                changed.append(
                    Task(id=task_id, path=line.path, active=True, updated=now, host=host)
                )
            if old is None or old.path != line.path or task_id not in history_known:
                if old is not None and old.path != line.path:
                    log.info("task %s renamed: %s -> %s", task_id, old.path, line.path)
                history.append(
                    TaskHistoryEntry(task_id=task_id, path=line.path, since=now, host=host)
                )
        for task_id, old in known.items():
            if task_id not in listed and old.active:
                changed.append(
                    Task(id=task_id, path=old.path, active=False, updated=now, host=host)
                )
        if changed:
            self.store.upsert_tasks(changed)
        if history:
            self.store.add_task_history(history)

    def set_current(self, path: str) -> TaskLine:
        """Mark ``path`` current in the file (adding it when new); return its line.

        A running tracker notices the file change and switches task.
        """
        text = read_text(self.path) or ""
        new_text = mark_current(text, path)
        try:
            parsed = parse_task_file(new_text, str(self.path))
        except TaskFileError as exc:
            raise TaskFileError(f"{exc}; fix the file before setting a task") from None
        write_atomically(self.path, new_text)
        line = parsed.by_path(path)
        assert line is not None
        return line
