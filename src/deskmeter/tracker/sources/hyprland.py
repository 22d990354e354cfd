"""Source ``hyprland``: Hyprland's event socket, and its request socket for the start.

Hyprland writes one line per event to ``.socket2.sock`` in
``$XDG_RUNTIME_DIR/hypr/$HYPRLAND_INSTANCE_SIGNATURE/`` (``/tmp/hypr/…`` before 0.40), as
``EVENT>>DATA``. The source reads:

``workspacev2>>ID,NAME``        the focused monitor's workspace changed: a switch
``focusedmon>>MON,NAME``        focus moved to another monitor: its workspace is active now
``focusedmonv2>>MON,ID``        the same with the id (newer Hyprland)
``createworkspacev2>>ID,NAME``  a workspace appeared (remembered, no switch)
``destroyworkspacev2>>ID,NAME`` one went away
``renameworkspace>>ID,NAME``    a rename: the same index, a new name

The start state comes from the request socket ``.socket.sock``: ``j/workspaces`` and
``j/activeworkspace`` (JSON), asked after subscribing, so no switch falls between. Numbered
workspaces (id 1, 2, …) get index id - 1; named and special ones (negative ids) a stable index
from their name (``indexes``). Between events the thread blocks in ``recv``: no polling. The
socket closing (Hyprland gone) is a ``WorkspaceLost``; the source looks again every
``retry_seconds``.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from deskmeter.registry.workspace_sources import SourceOptions
from deskmeter.tracker.events import WorkspaceChanged, WorkspaceLost
from deskmeter.tracker.sources import Emit, SourceError
from deskmeter.tracker.sources.indexes import IndexBook

log = logging.getLogger(__name__)

#: The longest event line read (names are short; a longer line is cut and skipped).
MAX_LINE = 64 * 1024


def instance_dirs(environ: Mapping[str, str] | None = None) -> list[Path]:
    """Where this Hyprland instance's sockets may be (new place first)."""
    env = os.environ if environ is None else environ
    signature = env.get("HYPRLAND_INSTANCE_SIGNATURE", "")
    if not signature or "/" in signature or signature in {".", ".."}:
        return []
    dirs = []
    if env.get("XDG_RUNTIME_DIR"):
        dirs.append(Path(env["XDG_RUNTIME_DIR"]) / "hypr" / signature)
    dirs.append(Path("/tmp/hypr") / signature)  # noqa: S108 (Hyprland before 0.40)
    return dirs


def request(path: Path, command: str, timeout: float = 5.0) -> Any:
    """One request on Hyprland's request socket (``j/…`` answers JSON, then closes)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(str(path))
        sock.sendall(command.encode("utf-8"))
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return json.loads(b"".join(chunks) or b"null")


def parse_event(line: str) -> tuple[str, str] | None:
    """``EVENT>>DATA`` as (event, data); None for anything else."""
    event, sep, data = line.partition(">>")
    return (event, data) if sep else None


class HyprlandSource:
    name = "hyprland"

    def __init__(
        self, retry_seconds: float = 5.0, environ: Mapping[str, str] | None = None
    ) -> None:
        self.retry_seconds = retry_seconds
        self.environ = environ
        self.book = IndexBook()
        #: Workspace names by id, as Hyprland announced them.
        self.names: dict[int, str] = {}
        self.current: tuple[int, str] | None = None  # (id, name)
        self.wakeups = 0

    @classmethod
    def from_options(cls, options: SourceOptions) -> HyprlandSource:
        if not instance_dirs():
            raise SourceError(
                "the hyprland source needs HYPRLAND_INSTANCE_SIGNATURE (set by Hyprland in its "
                "session): start `deskmeter track` from within Hyprland"
            )
        return cls(retry_seconds=options.retry_seconds)

    def _sockets(self) -> tuple[Path, Path] | None:
        for directory in instance_dirs(self.environ):
            events, requests = directory / ".socket2.sock", directory / ".socket.sock"
            if events.exists():
                return events, requests
        return None

    def run(self, emit: Emit, stop: threading.Event) -> None:
        waiting_logged = False
        while not stop.is_set():
            found = self._sockets()
            sock = None
            if found is not None:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    sock.connect(str(found[0]))
                except OSError:
                    sock.close()
                    sock = None
            if sock is None or found is None:
                if not waiting_logged:
                    log.warning(
                        "waiting for Hyprland's event socket (%s); retrying every %.0f s",
                        " or ".join(str(d / ".socket2.sock") for d in instance_dirs(self.environ)),
                        self.retry_seconds,
                    )
                    waiting_logged = True
                stop.wait(self.retry_seconds)
                continue
            waiting_logged = False
            log.info("reading Hyprland's events from %s", found[0])
            try:
                with sock:
                    self._start(found[1], emit)
                    self._read(sock, found[1], emit, stop)
            except (OSError, ValueError) as exc:
                log.warning("lost Hyprland's event socket (%s)", exc)
            if self.current is not None:
                emit(WorkspaceLost("Hyprland's event socket closed"))
                self.current = None
            stop.wait(min(self.retry_seconds, 1.0))

    def _start(self, requests: Path, emit: Emit) -> None:
        workspaces = request(requests, "j/workspaces")
        for node in workspaces if isinstance(workspaces, list) else []:
            if isinstance(node, dict) and isinstance(node.get("id"), int):
                self._remember(int(node["id"]), str(node.get("name", "")))
        active = request(requests, "j/activeworkspace")
        if isinstance(active, dict) and isinstance(active.get("id"), int):
            self._switch(int(active["id"]), str(active.get("name", "")), emit)

    def _read(self, sock: socket.socket, requests: Path, emit: Emit, stop: threading.Event) -> None:
        buffer = b""
        while not stop.is_set():
            chunk = sock.recv(65536)
            if not chunk:
                raise OSError("Hyprland closed the event socket")
            self.wakeups += 1
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            if len(buffer) > MAX_LINE:
                buffer = b""
            for raw in lines:
                parsed = parse_event(raw.decode("utf-8", "replace"))
                if parsed is not None:
                    self.on_event(*parsed, emit=emit, requests=requests)

    def _remember(self, ident: int, name: str) -> None:
        self.names[ident] = name
        self.book.index(name, ident if ident > 0 else None)

    def _switch(self, ident: int, name: str, emit: Emit) -> None:
        self._remember(ident, name)
        if self.current == (ident, name):
            return
        self.current = (ident, name)
        emit(WorkspaceChanged(self.book.index(name, ident if ident > 0 else None), name, self.name))

    def on_event(self, event: str, data: str, *, emit: Emit, requests: Path | None = None) -> None:
        """Handle one ``EVENT>>DATA`` line."""
        if event in {"workspacev2", "createworkspacev2", "destroyworkspacev2", "renameworkspace"}:
            ident_text, _, name = data.partition(",")
            try:
                ident = int(ident_text)
            except ValueError:
                return
            if event == "workspacev2":
                self._switch(ident, name, emit)
            elif event == "createworkspacev2":
                self._remember(ident, name)
            elif event == "destroyworkspacev2":
                self.names.pop(ident, None)
            else:  # renameworkspace
                old = self.names.get(ident)
                if old is not None:
                    self.book.rename(old, name, ident if ident > 0 else None)
                self.names[ident] = name
                if self.current is not None and self.current[0] == ident:
                    self._switch(ident, name, emit)
        elif event in {"focusedmon", "focusedmonv2"}:
            _, _, ws = data.partition(",")
            target = self._ident(ws, by_id=event == "focusedmonv2")
            if target is not None:
                self._switch(target, self.names[target], emit)
            elif requests is not None:  # a workspace not announced yet: ask
                active = request(requests, "j/activeworkspace")
                if isinstance(active, dict) and isinstance(active.get("id"), int):
                    self._switch(int(active["id"]), str(active.get("name", "")), emit)

    def _ident(self, ws: str, *, by_id: bool) -> int | None:
        if by_id:
            try:
                ident = int(ws)
            except ValueError:
                return None
            return ident if ident in self.names else None
        return next((i for i, n in self.names.items() if n == ws), None)
