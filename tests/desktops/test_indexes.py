"""Stable indexes for named and numbered workspaces, and the i3 IPC client's refusals."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from deskmeter.tracker.sources.i3_ipc import IpcConnection, IpcError
from deskmeter.tracker.sources.indexes import NAMED_BASE, IndexBook, named_index


def test_numbered_workspaces_are_their_number_minus_one_named_ones_a_stable_hash() -> None:
    book = IndexBook()
    assert book.index("1: web", 1) == 0
    assert book.index("10", 10) == 9
    assert book.index("mail", None) == named_index("mail")
    assert NAMED_BASE <= named_index("mail") <= 1023
    assert IndexBook().index("mail", None) == book.index("mail", None)  # same in every run


def test_a_rename_keeps_the_index_and_collisions_get_the_next_free_one() -> None:
    book = IndexBook()
    first = book.index("mail", None)
    assert book.rename("mail", "inbox", None) == first
    # a live name that hashes to the same index as another gets the next free one
    book2 = IndexBook()
    taken = book2.index("a", None)
    book2._named["clash"] = taken  # simulate the collision
    book2._named.pop("a")
    assert book2.index("a", None) == NAMED_BASE + (taken - NAMED_BASE + 1) % (1024 - NAMED_BASE)


def test_the_ipc_client_refuses_a_peer_that_is_not_i3_or_sway(tmp_path: Path) -> None:
    path = tmp_path / "not-i3.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)

    def answer() -> None:
        conn, _ = server.accept()
        conn.recv(100)
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        conn.close()

    threading.Thread(target=answer, daemon=True).start()
    with IpcConnection(str(path)) as conn, pytest.raises(IpcError, match="not an i3/Sway IPC"):
        conn.request(1)
    server.close()


def test_wmctrl_reads_the_desktop_name_when_the_work_area_is_n_a_as_under_i3() -> None:
    """Regression: i3 prints ``WA: N/A`` (one field); the name was dropped as ""."""
    from deskmeter.tracker.sources.wmctrl import parse_wmctrl

    assert parse_wmctrl("0  * DG: N/A  VP: 0,0  WA: N/A  2: mail\n") == (0, "2: mail")
    openbox = (
        "0  - DG: 1024x768  VP: 0,0  WA: 0,0 1024x768  desktop 1\n"
        "1  * DG: 1024x768  VP: 0,0  WA: 0,0 1024x768  desktop 2\n"
    )
    assert parse_wmctrl(openbox) == (1, "desktop 2")
    assert parse_wmctrl("0  * DG: 1024x768  VP: 0,0  WA: 0,0 1024x768  N/A\n") == (0, "")
