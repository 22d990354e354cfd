"""A compositor that dies while still accepting one more connection is a loss, not a restart.

A stand-in i3/Sway IPC server (a replay of the documented protocol on a real Unix socket,
labelled as such: not a compositor) answers the source's first connection, then dies the way a
killed Sway can: the connection closes, the listening socket still accepts one more connection
and closes it unanswered, then the socket is gone. The old source took that accepted
connection for i3's restart in place and then waited for a socket for ever, the last workspace
still counting (seen in CI with Sway 1.10).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

from deskmeter.tracker.events import Event, WorkspaceChanged, WorkspaceLost
from deskmeter.tracker.sources.i3_ipc import GET_WORKSPACES, HEADER, MAGIC, SUBSCRIBE
from deskmeter.tracker.sources.sway import SwaySource


def _reply(conn: socket.socket, kind: int, body: object) -> None:
    data = json.dumps(body).encode()
    conn.sendall(HEADER.pack(MAGIC, len(data), kind) + data)


def _answer(conn: socket.socket) -> None:
    """Answer the source's subscribe and GET_WORKSPACES, as Sway does."""
    for _ in range(2):
        header = conn.recv(HEADER.size, socket.MSG_WAITALL)
        _, length, kind = HEADER.unpack(header)
        if length:
            conn.recv(length, socket.MSG_WAITALL)
        if kind == SUBSCRIBE:
            _reply(conn, SUBSCRIBE, {"success": True})
        elif kind == GET_WORKSPACES:
            _reply(conn, GET_WORKSPACES, [{"id": 7, "num": 1, "name": "mail", "focused": True}])


def dying_compositor(path: Path, answered: threading.Event) -> None:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(4)
    first, _ = server.accept()
    _answer(first)
    answered.set()
    time.sleep(0.3)
    first.close()  # killed: the source's connection closes...
    second, _ = server.accept()  # ...but the dying listener still takes one more
    second.close()
    server.close()
    path.unlink()


def test_a_dying_compositor_that_still_accepts_a_connection_is_a_loss(tmp_path: Path) -> None:
    sock = tmp_path / "sway-ipc.stand-in.sock"
    answered = threading.Event()
    server = threading.Thread(target=dying_compositor, args=(sock, answered), daemon=True)
    server.start()
    deadline = time.monotonic() + 5
    while not sock.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    events: list[Event] = []
    stop = threading.Event()
    source = SwaySource(retry_seconds=0.1, environ={"SWAYSOCK": str(sock)})
    thread = threading.Thread(target=source.run, args=(events.append, stop), daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15  # the restart grace is 5 s
        while not any(isinstance(e, WorkspaceLost) for e in events):
            assert time.monotonic() < deadline, f"no loss reported: {events}"
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(10)
    assert answered.is_set()
    assert isinstance(events[0], WorkspaceChanged) and events[0].name == "mail"
    lost = next(e for e in events if isinstance(e, WorkspaceLost))
    assert lost.at is not None  # dated when the socket failed, not after the wait
