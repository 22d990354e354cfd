"""Source ``sway``: Sway (Wayland) and i3 (X11) through their IPC socket.

At start the source subscribes to ``workspace`` and ``shutdown`` events, then asks
``GET_WORKSPACES`` for the focused one (subscribing first: no switch falls between the two).
Each ``focus`` event is a switch (moving focus to another output focuses that output's
workspace, and Sway and i3 report that as ``focus`` too: the focused output's workspace is the
active one); ``rename`` of the focused workspace is a rename (same index, new name). Between
events the thread blocks in ``recv``: no polling.

The socket: ``$SWAYSOCK``, ``$I3SOCK``, else the newest ``sway-ipc.$UID.*.sock`` or
``i3/ipc-socket.*`` under ``$XDG_RUNTIME_DIR``, else ``i3 --get-socketpath``. When the
compositor dies the source says so once (``WorkspaceLost``: nothing is counted after it) and
looks for a socket every ``retry_seconds`` until a compositor answers again. An in-place
``i3 restart`` (a ``shutdown`` event with change ``restart``) is not a loss when i3 answers
again within ``RESTART_GRACE_SECONDS``: the open interval goes on.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deskmeter.registry.workspace_sources import SourceOptions
from deskmeter.tracker.events import WorkspaceChanged, WorkspaceLost
from deskmeter.tracker.sources import Emit
from deskmeter.tracker.sources.i3_ipc import (
    EVENT_SHUTDOWN,
    EVENT_WORKSPACE,
    GET_WORKSPACES,
    IpcConnection,
)
from deskmeter.tracker.sources.indexes import IndexBook

log = logging.getLogger(__name__)

#: How long an in-place ``i3 restart`` may take before it counts as i3 gone.
RESTART_GRACE_SECONDS = 5.0


def socket_candidates(environ: Mapping[str, str] | None = None) -> list[str]:
    """Where a Sway or i3 IPC socket may be, most likely first."""
    env = os.environ if environ is None else environ
    found = [env[key] for key in ("SWAYSOCK", "I3SOCK") if env.get(key)]
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime:
        root = Path(runtime)
        patterns = [f"sway-ipc.{os.getuid()}.*.sock", "i3/ipc-socket.*"]
        paths = [str(p) for pattern in patterns for p in root.glob(pattern)]
        paths.sort(key=_mtime, reverse=True)
        found.extend(p for p in paths if p not in found)
    if not found:
        from deskmeter.tracker.sources.auto import i3_socket_path

        path = i3_socket_path(env)
        if path:
            found.append(path)
    return found


def _mtime(path: str) -> float:
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return 0.0


def _number(node: Mapping[str, Any]) -> int | None:
    num = node.get("num")
    return num if isinstance(num, int) and num >= 0 else None


class SwaySource:
    name = "sway"

    def __init__(
        self, retry_seconds: float = 5.0, environ: Mapping[str, str] | None = None
    ) -> None:
        self.retry_seconds = retry_seconds
        self.environ = environ
        self.book = IndexBook()
        self._focused: str | None = None
        #: Workspace names by the compositor's node id: a rename event carries only the new one.
        self._names_by_id: dict[int, str] = {}

    @classmethod
    def from_options(cls, options: SourceOptions) -> SwaySource:
        return cls(retry_seconds=options.retry_seconds)

    def connect(self) -> IpcConnection | None:
        for path in socket_candidates(self.environ):
            try:
                return IpcConnection(path)
            except OSError:
                continue
        return None

    def run(self, emit: Emit, stop: threading.Event) -> None:
        waiting_logged = False
        #: When the socket failed and a restart in place was assumed: if the compositor does
        #: not come back after all, the loss is dated then.
        failed_at: datetime | None = None
        while not stop.is_set():
            conn = self.connect()
            if conn is None:
                if self._focused is not None:  # the "restart" did not come back: lost
                    log.warning("lost the Sway/i3 IPC socket (it did not come back)")
                    emit(WorkspaceLost("Sway/i3 IPC socket gone", at=failed_at))
                    self._focused = None
                if not waiting_logged:
                    log.warning(
                        "waiting for a Sway or i3 IPC socket (SWAYSOCK, I3SOCK, "
                        "$XDG_RUNTIME_DIR/sway-ipc.*.sock); retrying every %.0f s",
                        self.retry_seconds,
                    )
                    waiting_logged = True
                stop.wait(self.retry_seconds)
                continue
            waiting_logged = False
            log.info("connected to the Sway/i3 IPC socket %s", conn.path)
            restarting = False
            try:
                restarting = self._watch(conn, emit, stop)
            except OSError as exc:
                # i3 execs itself on ``restart``: its "shutdown" event can be lost with the
                # connection (ECONNRESET), so a socket that fails may still be a restart
                log.info("the Sway/i3 IPC socket %s failed (%s); a restart?", conn.path, exc)
                restarting = not stop.is_set()
            finally:
                conn.close()
            lost_at = datetime.now(UTC)
            if restarting and self._wait_for_restart(stop, conn.path):
                failed_at = lost_at
                continue  # i3 restarted in place: the same session, nothing lost
            failed_at = None
            if self._focused is not None or not stop.is_set():
                # closed where it was lost, not after the wait for a restart
                log.warning("lost the Sway/i3 IPC socket %s", conn.path)
                emit(WorkspaceLost(f"Sway/i3 IPC socket {conn.path} gone", at=lost_at))
            self._focused = None
            stop.wait(min(self.retry_seconds, 1.0))  # a restarting compositor needs a moment

    def _wait_for_restart(self, stop: threading.Event, path: str) -> bool:
        """After i3's ``restart`` (it execs itself, keeping its pid and so its socket's
        path): True when the same socket answers again in time. A compositor that died and
        was started again has another socket: that is a loss, not a restart."""
        deadline = time.monotonic() + RESTART_GRACE_SECONDS
        while not stop.is_set() and time.monotonic() < deadline:
            conn = self.connect()
            if conn is not None and conn.path != path:
                conn.close()
                return False
            if conn is not None:
                try:  # a dying compositor may still accept a connection: it must answer
                    conn.request(GET_WORKSPACES)
                    answered = True
                except OSError:
                    answered = False
                finally:
                    conn.close()
                if answered:
                    log.info("i3 restarted in place; reading its workspaces again")
                    return True
            stop.wait(0.1)
        return False

    def _see(self, node: Mapping[str, Any]) -> str:
        name = str(node.get("name", ""))
        ident = node.get("id")
        if isinstance(ident, int) and ident not in self._names_by_id:
            self._names_by_id[ident] = name
        self.book.index(name, _number(node))
        return name

    def _emit(self, emit: Emit, node: Mapping[str, Any]) -> None:
        name = self._see(node)
        self._focused = name
        emit(WorkspaceChanged(self.book.index(name, _number(node)), name, source=self.name))

    def _watch(self, conn: IpcConnection, emit: Emit, stop: threading.Event) -> bool:
        """Follow the workspaces until the socket closes; True when i3 said it restarts."""
        conn.subscribe(["workspace", "shutdown"])
        workspaces = conn.request(GET_WORKSPACES)
        listed = workspaces if isinstance(workspaces, list) else []
        nodes = [w for w in listed if isinstance(w, dict)]
        for node in nodes:
            self._see(node)
        focused = next((w for w in nodes if w.get("focused")), None)
        if focused is not None:
            self._emit(emit, focused)
        while not stop.is_set():
            kind, body = conn.next_event()
            if kind == EVENT_SHUTDOWN:
                change = body.get("change") if isinstance(body, dict) else None
                log.info("the compositor is shutting down (%s)", change)
                return change == "restart"
            if kind != EVENT_WORKSPACE or not isinstance(body, dict):
                continue
            self.on_workspace_event(body, emit)
        return False

    def on_workspace_event(self, body: Mapping[str, Any], emit: Emit) -> None:
        change = body.get("change")
        current = body.get("current")
        if not isinstance(current, dict):
            return
        if change == "focus":
            self._emit(emit, current)
        elif change == "rename":
            new = str(current.get("name", ""))
            old_name = self._old_name(current, new)
            if old_name is not None:
                self.book.rename(old_name, new, _number(current))
            if current.get("focused") or old_name == self._focused:
                self._emit(emit, current)
        elif change == "init":
            self._see(current)

    def _old_name(self, node: Mapping[str, Any], new: str) -> str | None:
        """The name a renamed workspace had (Sway/i3 send only the new one: found by id)."""
        ident = node.get("id")
        if not isinstance(ident, int):
            return None
        previous = self._names_by_id.get(ident)
        self._names_by_id[ident] = new
        return previous
