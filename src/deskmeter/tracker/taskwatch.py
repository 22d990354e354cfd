"""Notice edits of the task file without a restart (inotify through watchdog, no polling).

The file is read and parsed here, on the watcher's own thread, never on the tracker's loop:
the loop only receives the result (``TaskFileChanged(tasks=...)`` or ``(error=...)``), so a
slow disk or a hostile file cannot delay a switch. What is read is bounded
(``deskmeter.tasks.taskfile.read_text``: regular files only, at most 1 MiB).

Bursts of events (an editor writes, renames, changes modes) are read once, after
``settle_seconds`` of quiet. A file that disappears is not "no tasks" at once: editors save
by rename-and-write or delete-then-recreate. The last good tasks stay in force while it is
missing; only when it is still missing after ``grace_seconds`` (30 s) does the tracker
learn that there are no tasks.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from deskmeter.tasks.taskfile import TaskFile, TaskFileError, load_task_file
from deskmeter.tracker.events import TaskFileChanged
from deskmeter.tracker.sources import Emit

log = logging.getLogger(__name__)

GRACE_SECONDS = 30.0
SETTLE_SECONDS = 0.05


class _Handler(FileSystemEventHandler):
    def __init__(self, path: Path, changed: threading.Event) -> None:
        self.path = os.fsdecode(path)
        self.changed = changed

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        touched = {os.fsdecode(event.src_path), os.fsdecode(getattr(event, "dest_path", "") or "")}
        if self.path in touched:
            self.changed.set()


class TaskFileWatcher:
    """Watches the task file's directory (editors replace files) and emits parsed results."""

    def __init__(
        self,
        path: Path,
        emit: Emit,
        *,
        grace_seconds: float = GRACE_SECONDS,
        settle_seconds: float = SETTLE_SECONDS,
    ) -> None:
        self.path = path.absolute()
        self.emit = emit
        self.grace_seconds = grace_seconds
        self.settle_seconds = settle_seconds
        self.changed = threading.Event()
        self._stop = threading.Event()
        self.observer = Observer()
        self.observer.daemon = True
        self.observer.schedule(
            _Handler(self.path, self.changed), str(self.path.parent), recursive=False
        )
        self._reader = threading.Thread(target=self._run, name="taskfile-reader", daemon=True)

    def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.observer.start()
        self._reader.start()
        log.info("watching the task file %s", self.path)

    def stop(self) -> None:
        self._stop.set()
        self.changed.set()
        self.observer.stop()

    def _run(self) -> None:
        missing_since: float | None = None
        while not self._stop.is_set():
            timeout = None
            if missing_since is not None:
                timeout = max(0.0, missing_since + self.grace_seconds - _now())
            if not self.changed.wait(timeout):
                # still missing after the grace period: now it is "no tasks"
                log.warning(
                    "the task file %s is gone (missing for %.0f s): no tasks",
                    self.path,
                    self.grace_seconds,
                )
                self.emit(TaskFileChanged(tasks=TaskFile(())))
                missing_since = None
                continue
            if self._stop.is_set():
                return
            while self.changed.is_set():  # let a burst of events settle, read once
                self.changed.clear()
                self._stop.wait(self.settle_seconds)
            try:
                parsed = load_task_file(self.path)
            except TaskFileError as exc:
                self.emit(TaskFileChanged(error=str(exc)))
                continue
            if parsed is None:
                if missing_since is None:
                    missing_since = _now()
                    log.info(
                        "the task file %s is missing; keeping the last good tasks for up to %.0f s",
                        self.path,
                        self.grace_seconds,
                    )
                continue
            missing_since = None
            self.emit(TaskFileChanged(tasks=parsed))


def _now() -> float:
    return time.monotonic()
