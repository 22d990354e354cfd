"""A STAND-IN for Hyprland: its two sockets, replaying event lines of its documented protocol.

Hyprland has no headless backend and is not in Debian 12 (only in unstable); desk-wl tries the
real one nested in Sway. This replay serves what Hyprland's IPC documentation describes:
``.socket2.sock`` writes ``EVENT>>DATA`` lines to every connected reader; ``.socket.sock``
answers one request per connection (``j/workspaces``, ``j/activeworkspace``) with JSON and
closes. The replay keeps a model (workspaces by id, the active one per monitor, the focused
monitor) and updates it with each line it sends, so the request socket tells the same story.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from pathlib import Path
from typing import Any


class HyprlandReplay:
    def __init__(self, runtime_dir: Path, signature: str = "replay_1700000000_1") -> None:
        self.signature = signature
        self.dir = runtime_dir / "hypr" / signature
        self.workspaces: dict[int, str] = {1: "1"}
        self.monitors: dict[str, int] = {"HEADLESS-1": 1}
        self.focused = "HEADLESS-1"
        self._readers: list[socket.socket] = []
        self._servers: list[socket.socket] = []
        self._lock = threading.Lock()

    def env(self) -> dict[str, str]:
        return {"HYPRLAND_INSTANCE_SIGNATURE": self.signature}

    def start(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        events = self._listen(self.dir / ".socket2.sock")
        requests = self._listen(self.dir / ".socket.sock")
        threading.Thread(target=self._accept_readers, args=(events,), daemon=True).start()
        threading.Thread(target=self._answer, args=(requests,), daemon=True).start()

    def _listen(self, path: Path) -> socket.socket:
        path.unlink(missing_ok=True)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(path))
        server.listen(8)
        self._servers.append(server)
        return server

    def _accept_readers(self, server: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = server.accept()
                with self._lock:
                    self._readers.append(conn)

    def readers(self) -> int:
        with self._lock:
            return len(self._readers)

    def _answer(self, server: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = server.accept()
                with conn:
                    command = conn.recv(4096).decode()
                    conn.sendall(json.dumps(self._reply(command)).encode())

    def _reply(self, command: str) -> Any:
        with self._lock:
            if command == "j/workspaces":
                return [
                    {"id": i, "name": n, "monitor": self._monitor_of(i), "windows": 0}
                    for i, n in self.workspaces.items()
                ]
            if command == "j/activeworkspace":
                active = self.monitors[self.focused]
                return {"id": active, "name": self.workspaces[active], "monitor": self.focused}
        return "unknown request"

    def _monitor_of(self, ident: int) -> str:
        return next((m for m, i in self.monitors.items() if i == ident), "HEADLESS-1")

    def send(self, line: str) -> None:
        """Apply one documented event line to the model, then write it to every reader."""
        event, _, data = line.partition(">>")
        with self._lock:
            first, _, second = data.partition(",")
            if event in {"createworkspacev2", "renameworkspace"}:
                self.workspaces[int(first)] = second
            elif event == "destroyworkspacev2":
                self.workspaces.pop(int(first), None)
            elif event == "workspacev2":
                self.workspaces[int(first)] = second
                self.monitors[self.focused] = int(first)
            elif event == "focusedmon":
                self.focused = first
                ident = next(i for i, n in self.workspaces.items() if n == second)
                self.monitors[first] = ident
            for reader in list(self._readers):
                try:
                    reader.sendall(line.encode() + b"\n")
                except OSError:
                    self._readers.remove(reader)

    def stop(self) -> None:
        """Hyprland exits: its sockets close and vanish."""
        with self._lock:
            for conn in [*self._readers, *self._servers]:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                conn.close()
            self._readers.clear()
            self._servers.clear()
        for name in (".socket2.sock", ".socket.sock"):
            (self.dir / name).unlink(missing_ok=True)
