"""The test's own ext-workspace-v1 client: what a pager or a workspace switcher does.

It asks the compositor to activate a workspace by name (``activate`` + the manager's
``commit``), a request of the protocol itself, so the tests switch workspaces the way a
taskbar's pager (waybar's, sfwbar's) does on labwc.
"""

from __future__ import annotations

from typing import Any

from pywayland.protocol.ext_workspace_v1 import ExtWorkspaceManagerV1

from deskmeter.tracker.wayland_conn import WaylandConnection


def workspaces(conn: WaylandConnection) -> tuple[Any, dict[str, Any]]:
    """The bound manager and the live workspace handles by name, as of the first ``done``."""
    manager = conn.bind(ExtWorkspaceManagerV1, 1)
    handles: dict[str, Any] = {}

    def on_workspace(_m: Any, handle: Any) -> None:
        def on_name(h: Any, name: str) -> None:
            handles[name] = h

        handle.dispatcher["name"] = on_name

    manager.dispatcher["workspace"] = on_workspace
    conn.roundtrip()
    conn.roundtrip()
    return manager, handles


def activate(display: str, name: str) -> None:
    """Switch the compositor on ``display`` to the workspace called ``name``."""
    with WaylandConnection(display) as conn:
        manager, handles = workspaces(conn)
        assert name in handles, f"no workspace {name!r} among {sorted(handles)}"
        handles[name].activate()
        manager.commit()
        conn.roundtrip()


def names(display: str) -> list[str]:
    with WaylandConnection(display) as conn:
        return list(workspaces(conn)[1])


def globals_of(display: str) -> set[str]:
    """The interfaces the compositor on ``display`` announces."""
    with WaylandConnection(display) as conn:
        return set(conn.globals)
