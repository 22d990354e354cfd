"""Waking sync when the SQLite file changes: inotify on the database's folder.

``open_watcher`` picks how: on Linux ``InotifyWatcher`` (sync/inotify.py: the sync thread
itself sleeps on the inotify descriptor), elsewhere ``FileWatcher`` (watchdog's native
observer: FSEvents, kqueue, ReadDirectoryChangesW), else None (the caller polls).

A commit by any process (the tracker, the CLI, the dashboard, another sync) writes the
database's WAL file (or, without WAL, the file itself): the kernel tells the watcher, which
sets an event the sync loop sleeps on. No polling: an idle sync sleeps until a commit, its own
heartbeat, or the slow safety poll (for file systems without inotify: NFS, some FUSE mounts).

Only the database's own files count (``NAME``, ``NAME-wal``, ``NAME-journal``): other files in
the folder change without waking sync. The watchdog threads are told to block for the safety
poll's length, so they do not wake on their own every second either.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Protocol

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from deskmeter import systemd_notify
from deskmeter.sync.inotify import InotifyUnavailableError, InotifyWatcher, relay_stop

log = logging.getLogger(__name__)

#: The slowest the sync loop looks at the change log when nothing wakes it (seconds).
SAFETY_POLL_SECONDS = 30.0


class Watcher(Protocol):
    """Sleeps until the database's files change."""

    def wait(self, stop: threading.Event, timeout: float) -> bool:
        """True when the files changed; False when ``stop`` was set or ``timeout`` passed."""

    def close(self) -> None: ...


def open_watcher(path: Path, *, block_seconds: float = SAFETY_POLL_SECONDS) -> Watcher | None:
    """A started watcher of the SQLite database at ``path``, or None (then poll)."""
    inotify = InotifyWatcher(path)
    try:
        inotify.start()
    except InotifyUnavailableError as exc:
        log.debug("inotify: %s; trying watchdog's observer", exc)
    else:
        return inotify
    watcher = FileWatcher(path, block_seconds=block_seconds)
    return watcher if watcher.start() else None


class _Handler(FileSystemEventHandler):
    def __init__(self, names: frozenset[str], changed: threading.Event) -> None:
        self._names = names
        self._changed = changed

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return  # a reader opening the file changes nothing
        for path in (event.src_path, getattr(event, "dest_path", "")):
            name = os.fsdecode(path).rpartition("/")[2]
            if name in self._names:
                self._changed.set()
                return


class FileWatcher:
    """Sets ``changed`` whenever the SQLite database at ``path`` is written by anyone.

    ``start`` returns False (and the caller polls) when the folder cannot be watched.
    """

    def __init__(self, path: Path, *, block_seconds: float = SAFETY_POLL_SECONDS) -> None:
        self.path = Path(path).absolute()
        self.changed = threading.Event()
        name = self.path.name
        names = frozenset({name, f"{name}-wal", f"{name}-journal"})
        self._observer = Observer(timeout=max(1.0, block_seconds))
        self._observer.daemon = True
        self._handler = _Handler(names, self.changed)
        self.active = False
        self._relayed: set[int] = set()

    def start(self) -> bool:
        try:
            self._observer.schedule(self._handler, str(self.path.parent), recursive=False)
            self._observer.start()
        except (OSError, RuntimeError) as exc:
            log.warning(
                "cannot watch %s for changes (%s): sync polls every %.0f s instead",
                self.path.parent,
                exc,
                SAFETY_POLL_SECONDS,
            )
            return False
        self.active = True
        return True

    def wait(self, stop: threading.Event, timeout: float) -> bool:
        """Sleep until the handler saw a change (True), ``stop`` or ``timeout`` (False)."""
        self._relay(stop)
        if not systemd_notify.wait(self.changed, timeout) or stop.is_set():
            return False
        self.changed.clear()
        return True

    def _relay(self, stop: threading.Event) -> None:
        """``stop`` being set wakes the sleep on ``changed`` (one blocked thread, no polling)."""
        relay_stop(stop, self._relayed, self.changed.set)

    def close(self) -> None:
        """Stop the observer (its threads end within ``block_seconds``: not joined)."""
        if self.active:
            self.active = False
            self._observer.stop()

    stop = close
