"""A small client of the i3 IPC protocol, which Sway speaks too.

Why not the ``i3ipc`` library: the protocol is a 14-byte header and a JSON body; this client is
about 80 lines, has no dependency, blocks in ``recv`` between events (no wake-ups) and lets the
source own reconnection when the compositor dies and comes back, which ``i3ipc``'s callback
loop hides. Message and event numbers: i3's docs/ipc (``i3-ipc`` magic, native byte order).
"""

from __future__ import annotations

import json
import socket
import struct
from typing import Any

MAGIC = b"i3-ipc"
HEADER = struct.Struct("=6sII")

RUN_COMMAND = 0
GET_WORKSPACES = 1
SUBSCRIBE = 2
GET_OUTPUTS = 3
GET_VERSION = 7

#: Events have the high bit set; the rest is the event number.
EVENT_BIT = 0x80000000
EVENT_WORKSPACE = 0
EVENT_SHUTDOWN = 6

#: A reply or event larger than this is refused (a workspace list is a few kB).
MAX_PAYLOAD = 16 * 1024 * 1024


class IpcError(OSError):
    """The IPC peer sent something that is not the i3 protocol, or went away."""


class IpcConnection:
    """One connection to an i3/Sway IPC socket. Not thread-safe: one reader."""

    def __init__(self, path: str, timeout: float | None = 5.0) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        try:
            self.sock.connect(path)
        except OSError:
            self.sock.close()
            raise
        #: Events read while waiting for a reply; handed out by ``next_event`` first.
        self._events: list[tuple[int, Any]] = []

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> IpcConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _recv_exact(self, size: int) -> bytes:
        chunks = bytearray()
        while len(chunks) < size:
            chunk = self.sock.recv(size - len(chunks))
            if not chunk:
                raise IpcError(f"{self.path}: the compositor closed the IPC connection")
            chunks += chunk
        return bytes(chunks)

    def _read(self) -> tuple[int, Any]:
        magic, length, kind = HEADER.unpack(self._recv_exact(HEADER.size))
        if magic != MAGIC:
            raise IpcError(f"{self.path}: not an i3/Sway IPC socket (magic {magic!r})")
        if length > MAX_PAYLOAD:
            raise IpcError(f"{self.path}: a {length}-byte message, more than allowed")
        body = self._recv_exact(length)
        try:
            return kind, json.loads(body) if body else None
        except ValueError as exc:
            raise IpcError(f"{self.path}: a message that is not JSON ({exc})") from None

    def request(self, kind: int, payload: str = "") -> Any:
        """Send a request and return its reply (events that arrive first are kept)."""
        data = payload.encode("utf-8")
        self.sock.sendall(HEADER.pack(MAGIC, len(data), kind) + data)
        while True:
            got, body = self._read()
            if got & EVENT_BIT:
                self._events.append((got & ~EVENT_BIT, body))
                continue
            if got != kind:
                raise IpcError(f"{self.path}: reply type {got} to request {kind}")
            return body

    def subscribe(self, events: list[str]) -> None:
        reply = self.request(SUBSCRIBE, json.dumps(events))
        if not isinstance(reply, dict) or not reply.get("success"):
            raise IpcError(f"{self.path}: subscribing to {events} failed: {reply!r}")

    def next_event(self) -> tuple[int, Any]:
        """Block until the next event (no timeout): (event number, body)."""
        if self._events:
            return self._events.pop(0)
        self.sock.settimeout(None)
        while True:
            got, body = self._read()
            if got & EVENT_BIT:
                return got & ~EVENT_BIT, body
