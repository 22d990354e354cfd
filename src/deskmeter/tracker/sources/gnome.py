"""Source ``gnome``: the GNOME Shell extension reports the active workspace over D-Bus.

Under Wayland no X11 client can see the workspaces, but GNOME Shell can. The extension
(``files/gnome-extension``, uuid ``deskmeter@deskmeter.dev``) calls ``ReportWorkspace(index,
name)`` on the tracker's D-Bus service (``deskmeter.dbus``) whenever the active workspace
changes, and once when the tracker's name appears on the bus. The service hands each report to
``GnomeSource.report``, which emits a ``WorkspaceChanged`` into the tracker's queue. When the
extension is disabled (the screen locks, or the user turns it off) it calls
``ReportWorkspaceLost`` and when GNOME Shell leaves the bus the service notices: both become a
``WorkspaceLost``, so a locked screen or a dead shell is never counted as work.

So this source has no loop of its own: ``run`` only connects the emitter and waits for ``stop``.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from pathlib import Path

from deskmeter.tracker.events import Event, WorkspaceChanged, WorkspaceLost
from deskmeter.tracker.sources import Emit

log = logging.getLogger(__name__)

#: The extension's uuid (its directory name under ``gnome-shell/extensions``).
EXTENSION_UUID = "deskmeter@deskmeter.dev"

#: How long to wait for the first report before saying where to look.
FIRST_REPORT_HINT_SECONDS = 15.0


def extension_dirs(environ: Mapping[str, str] | None = None) -> list[Path]:
    """Where GNOME Shell looks for the extension: the user's data dir, then the system's."""
    env = os.environ if environ is None else environ
    home = Path(env.get("HOME") or Path.home())
    data_home = Path(env.get("XDG_DATA_HOME") or home / ".local/share")
    data_dirs = (env.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":")
    roots = [data_home, *(Path(d) for d in data_dirs if d)]
    return [root / "gnome-shell" / "extensions" / EXTENSION_UUID for root in roots]


def extension_installed(environ: Mapping[str, str] | None = None) -> bool:
    """True when the Deskmeter GNOME Shell extension is installed for this user or system."""
    return any((path / "metadata.json").is_file() for path in extension_dirs(environ))


class GnomeSource:
    """The active workspace as GNOME Shell reports it (through the tracker's D-Bus service).

    ``report`` and ``lost`` are called from the D-Bus service's thread; ``run`` runs in the
    source thread like every other source. A report that arrives before ``run`` starts is kept
    and replayed, so nothing said early is lost.
    """

    name = "gnome"

    def __init__(self, hint_after: float = FIRST_REPORT_HINT_SECONDS) -> None:
        self._lock = threading.Lock()
        self._emit: Emit | None = None
        self._pending: Event | None = None
        self._reported = threading.Event()
        self._hint_after = hint_after

    def run(self, emit: Emit, stop: threading.Event) -> None:
        with self._lock:
            self._emit = emit
            pending, self._pending = self._pending, None
        if pending is not None:
            emit(pending)
        log.info("waiting for the GNOME Shell extension %s to report the workspace", EXTENSION_UUID)
        if not self._reported.wait(self._hint_after) and not stop.is_set():
            log.warning(
                "no workspace report from the GNOME Shell extension after %.0f s: is it "
                "installed and enabled? (gnome-extensions enable %s)",
                self._hint_after,
                EXTENSION_UUID,
            )
        stop.wait()
        with self._lock:
            self._emit = None

    def report(self, index: int, name: str) -> bool:
        """The extension says workspace ``index`` (0-based), named ``name``, is active."""
        if index < 0:
            raise ValueError(f"workspace index must be >= 0, not {index}")
        self._reported.set()
        return self._send(WorkspaceChanged(index, name, self.name))

    def lost(self, reason: str) -> bool:
        """The extension (or the shell) went away: stop counting until the next report."""
        return self._send(WorkspaceLost(reason))

    def _send(self, event: Event) -> bool:
        with self._lock:
            if self._emit is None:
                self._pending = event
                return True
            emit = self._emit
        emit(event)
        return True
