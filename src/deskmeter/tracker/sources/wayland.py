"""The ``wayland`` source: any compositor with the ``ext-workspace-v1`` protocol (pywayland).

The compositor announces workspace groups (usually one per output) and workspace handles; each
handle sends its ``name``, ``coordinates`` and ``state`` (the ``active`` bit), and the manager's
``done`` ends every batch of changes, so the source reads the state only at ``done``: a
switch that deactivates one workspace and activates another is one change, never two.

Which workspace is "the" active one: with one group, its active workspace. With several
(several outputs, each with its active workspace), the one that became active in the last
batch (the user moved there); at the start, or when the current one goes away, the first
active workspace in announcement order. ext-workspace-v1 does not say which output has the
focus: moving the focus to another output without changing a workspace is not seen.

Index: the workspace's first coordinate when the compositor sends coordinates, else its
position among the workspaces in the order the compositor announced them (labwc announces
its workspaces in their configured order). Names come from the ``name`` event.

Between changes the thread sleeps in ``select()`` on the Wayland socket (no polling). When the
compositor dies, ``WorkspaceLost`` stops the counting; the source reconnects every
``retry_seconds`` and reports the workspace again as soon as the compositor is back.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from pywayland.protocol.ext_workspace_v1 import (
    ExtWorkspaceHandleV1,
    ExtWorkspaceManagerV1,
)

from deskmeter.registry.workspace_sources import SourceOptions
from deskmeter.tracker.events import WorkspaceChanged, WorkspaceLost, WorkspaceNames
from deskmeter.tracker.sources import Emit
from deskmeter.tracker.wayland_conn import WaylandConnection, WaylandGoneError

log = logging.getLogger(__name__)

MANAGER = ExtWorkspaceManagerV1.name
ACTIVE = int(ExtWorkspaceHandleV1.state.active)


@dataclass(eq=False)
class Workspace:
    """What the compositor told about one workspace handle (applied at ``done``)."""

    serial: int
    name: str = ""
    coordinates: tuple[int, ...] = ()
    state: int = 0
    removed: bool = False

    @property
    def active(self) -> bool:
        return bool(self.state & ACTIVE)


@dataclass
class WorkspaceModel:
    """The workspaces as of the last ``done``, and which one the tracker counts."""

    workspaces: list[Workspace] = field(default_factory=list)
    current: Workspace | None = None
    _was_active: set[int] = field(default_factory=set)

    def add(self, serial: int) -> Workspace:
        workspace = Workspace(serial)
        self.workspaces.append(workspace)
        return workspace

    def index(self, workspace: Workspace) -> int:
        if workspace.coordinates:
            return workspace.coordinates[0]
        live = [w for w in self.workspaces if not w.removed]
        return live.index(workspace)

    def names(self) -> tuple[str, ...]:
        live = sorted((w for w in self.workspaces if not w.removed), key=self.index)
        return tuple(w.name for w in live)

    def done(self) -> Workspace | None:
        """Apply a batch: drop removed workspaces, choose the current one, return it."""
        live = [w for w in self.workspaces if not w.removed]
        active = [w for w in live if w.active]
        newly = [w for w in active if w.serial not in self._was_active]
        if len(newly) == 1:
            self.current = newly[0]  # the user moved there
        elif self.current is None or self.current not in active:
            self.current = active[0] if active else None
        self._was_active = {w.serial for w in active}
        self.workspaces = live
        return self.current


def no_manager(where: str) -> str:
    return (
        f"the compositor on {where} does not offer {MANAGER} (ext-workspace-v1): "
        "use this desktop's own source (kwin, sway, hyprland) instead"
    )


class WaylandSource:
    name = "wayland"

    def __init__(self, display_name: str | None = None, retry_seconds: float = 5.0) -> None:
        self.display_name = display_name
        self.retry_seconds = retry_seconds
        self.wakeups = 0
        self._conn: WaylandConnection | None = None

    @classmethod
    def from_options(cls, options: SourceOptions) -> WaylandSource:
        return cls(retry_seconds=options.retry_seconds)

    def wake(self) -> None:
        conn = self._conn
        if conn is not None:
            conn.wake()

    def run(self, emit: Emit, stop: threading.Event) -> None:
        waiting_logged = False
        while not stop.is_set():
            try:
                conn = WaylandConnection(self.display_name).__enter__()
            except WaylandGoneError as exc:
                if not waiting_logged:
                    log.warning(
                        "waiting for the compositor: %s; retrying every %.0f s",
                        exc,
                        self.retry_seconds,
                    )
                    waiting_logged = True
                stop.wait(self.retry_seconds)
                continue
            waiting_logged = False
            self._conn = conn
            try:
                if MANAGER not in conn.globals:
                    log.error("%s", no_manager(conn.where()))
                    return
                log.info("connected to the compositor on %s (ext-workspace-v1)", conn.where())
                self._watch(conn, emit, stop)
            except WaylandGoneError as exc:
                log.warning("lost the compositor: %s", exc)
                emit(WorkspaceLost(f"Wayland compositor on {conn.where()} gone"))
            finally:
                self.wakeups += conn.wakeups
                self._conn = None
                conn.close()

    def _watch(self, conn: WaylandConnection, emit: Emit, stop: threading.Event) -> None:
        model = WorkspaceModel()
        serials = iter(range(1 << 62))
        last: tuple[int, str] | None = None
        last_names: tuple[str, ...] | None = None
        finished = threading.Event()
        gone: list[Any] = []

        def on_group(_manager: Any, group: Any) -> None:
            conn.keep(group)

        def on_workspace(_manager: Any, handle: Any) -> None:
            conn.keep(handle)
            workspace = model.add(next(serials))

            def on_name(_h: Any, name: str) -> None:
                workspace.name = name

            def on_coordinates(_h: Any, coordinates: Any) -> None:
                raw = bytes(coordinates) if not isinstance(coordinates, list) else coordinates
                if isinstance(raw, bytes):
                    workspace.coordinates = tuple(
                        int.from_bytes(raw[i : i + 4], "little") for i in range(0, len(raw), 4)
                    )
                else:
                    workspace.coordinates = tuple(int(c) for c in raw)

            def on_state(_h: Any, state: int) -> None:
                workspace.state = int(state)

            def on_removed(h: Any) -> None:
                # Destroyed after the batch's ``done``: the group's ``workspace_leave`` for
                # this handle may still come in the same batch.
                workspace.removed = True
                gone.append(h)

            handle.dispatcher["name"] = on_name
            handle.dispatcher["coordinates"] = on_coordinates
            handle.dispatcher["state"] = on_state
            handle.dispatcher["removed"] = on_removed

        def on_done(_manager: Any) -> None:
            nonlocal last, last_names
            for handle in gone:
                handle.destroy()
            gone.clear()
            current = model.done()
            names = model.names()
            if names != last_names:
                last_names = names
                emit(WorkspaceNames(names))
            if current is None:
                return
            now = (model.index(current), current.name)
            if now != last:
                last = now
                emit(WorkspaceChanged(now[0], now[1], source=self.name))

        def on_finished(_manager: Any) -> None:
            finished.set()
            conn.wake()

        manager = conn.bind(ExtWorkspaceManagerV1, 1)
        manager.dispatcher["workspace_group"] = on_group
        manager.dispatcher["workspace"] = on_workspace
        manager.dispatcher["done"] = on_done
        manager.dispatcher["finished"] = on_finished
        conn.roundtrip()
        conn.roundtrip()  # the handles' first events arrive after the handles themselves
        conn.wait(stop, finished)
        if finished.is_set() and not stop.is_set():
            raise WaylandGoneError("the compositor finished the workspace manager")
