"""Notice edits of the task file without a restart (inotify through watchdog, no polling)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from deskmeter.tracker.events import TaskFileChanged
from deskmeter.tracker.sources import Emit

log = logging.getLogger(__name__)


class _Handler(FileSystemEventHandler):
    def __init__(self, path: Path, emit: Emit) -> None:
        self.path = os.fsdecode(path)
        self.emit = emit

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        touched = {os.fsdecode(event.src_path), os.fsdecode(getattr(event, "dest_path", "") or "")}
        if self.path in touched:
            self.emit(TaskFileChanged())


class TaskFileWatcher:
    """Watches the task file's directory (editors replace files) and emits TaskFileChanged."""

    def __init__(self, path: Path, emit: Emit) -> None:
        self.path = path.absolute()
        self.observer = Observer()
        self.observer.daemon = True
        self.observer.schedule(_Handler(self.path, emit), str(self.path.parent), recursive=False)

    def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.observer.start()
        log.info("watching the task file %s", self.path)

    def stop(self) -> None:
        self.observer.stop()
