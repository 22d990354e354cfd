"""Waking sync on a commit straight from the kernel: inotify read by the sync thread itself.

Linux's inotify (through libc, ``ctypes``: no thread, no extra package) watches the database's
folder; the sync loop sleeps in ``select`` on that descriptor, so a commit by any process
wakes the very thread that reads the change log: no watcher thread, no event queue and no
hand-over between threads in between (each of those waits for the GIL on a busy machine;
they were where the lag's tail came from). Only the database's own files count (``NAME``,
``NAME-wal``, ``NAME-journal``); a reader opening them writes nothing and wakes nothing.

``stop`` (a ``threading.Event``) wakes the sleep through an eventfd that one helper thread,
blocked on the event (no polling), writes once when it is set.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import select
import struct
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from deskmeter import systemd_notify

# <sys/inotify.h>
IN_MODIFY = 0x00000002
IN_CLOSE_WRITE = 0x00000008
IN_MOVED_FROM = 0x00000040
IN_MOVED_TO = 0x00000080
IN_CREATE = 0x00000100
IN_DELETE = 0x00000200
IN_DELETE_SELF = 0x00000400
IN_MOVE_SELF = 0x00000800
IN_Q_OVERFLOW = 0x00004000
IN_IGNORED = 0x00008000
IN_ONLYDIR = 0x01000000
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = 0o2000000

#: What a commit (or a file replaced under sync) does to the folder's entries.
WATCHED = IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
#: The folder itself went away or the kernel dropped events: wake and let the reader look.
ALWAYS_WAKE = IN_Q_OVERFLOW | IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF
HEADER = struct.Struct("iIII")  # wd, mask, cookie, len


class InotifyUnavailableError(OSError):
    """inotify cannot watch the folder (not Linux, no libc symbol, the watch limit, ...)."""


def _libc() -> ctypes.CDLL:
    if not sys.platform.startswith("linux"):
        raise InotifyUnavailableError(errno.ENOSYS, "inotify is Linux only")
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if not hasattr(libc, "inotify_init1"):
        raise InotifyUnavailableError(errno.ENOSYS, "this libc has no inotify")
    return libc


def changed_names(buffer: bytes) -> tuple[set[str], bool]:
    """The names in a buffer of inotify events, and whether one of them always wakes."""
    names: set[str] = set()
    always = False
    offset = 0
    while offset + HEADER.size <= len(buffer):
        _wd, mask, _cookie, length = HEADER.unpack_from(buffer, offset)
        offset += HEADER.size
        raw = buffer[offset : offset + length].rstrip(b"\0")
        offset += length
        if mask & ALWAYS_WAKE:
            always = True
        elif raw:
            names.add(os.fsdecode(raw))
    return names, always


class InotifyWatcher:
    """Sleeps in the caller's thread until one of the database's files at ``path`` changes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path).absolute()
        name = self.path.name
        self.names = frozenset({name, f"{name}-wal", f"{name}-journal"})
        self._fd = -1
        self._wake = -1
        self._lock = threading.Lock()
        self._relayed: set[int] = set()

    @property
    def active(self) -> bool:
        return self._fd >= 0

    def start(self) -> None:
        """Open the inotify descriptor; InotifyUnavailableError when the folder cannot be
        watched (the caller polls instead)."""
        libc = _libc()
        fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if fd < 0:
            code = ctypes.get_errno()
            raise InotifyUnavailableError(code, f"inotify_init1: {os.strerror(code)}")
        folder = os.fsencode(self.path.parent)
        if libc.inotify_add_watch(fd, folder, ctypes.c_uint32(WATCHED | IN_ONLYDIR)) < 0:
            code = ctypes.get_errno()
            os.close(fd)
            raise InotifyUnavailableError(code, f"{self.path.parent}: {os.strerror(code)}")
        self._wake = os.eventfd(0, os.EFD_CLOEXEC | os.EFD_NONBLOCK)
        self._fd = fd

    def wait(self, stop: threading.Event, timeout: float) -> bool:
        """Sleep until one of the database's files changes (True), ``stop`` is set or
        ``timeout`` seconds pass (False). Keeps the systemd watchdog fed meanwhile."""
        self._relay(stop)
        deadline = time.monotonic() + timeout
        interval = systemd_notify.watchdog_interval()
        while not stop.is_set() and self._fd >= 0:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if interval is not None:
                systemd_notify.watchdog()
                left = min(left, interval / 2)
            try:
                ready, _, _ = select.select([self._fd, self._wake], [], [], left)
            except (OSError, ValueError):  # closed meanwhile
                return False
            if self._fd in ready and self._drain():
                return True
        return False

    def _drain(self) -> bool:
        """Read every pending event; True when one is about the database's files."""
        relevant = False
        while True:
            try:
                buffer = os.read(self._fd, 64 * 1024)
            except BlockingIOError:
                return relevant
            except OSError:
                return True  # the descriptor broke: let the reader look
            if not buffer:
                return relevant
            names, always = changed_names(buffer)
            relevant = relevant or always or not names.isdisjoint(self.names)

    def _relay(self, stop: threading.Event) -> None:
        """Setting ``stop`` wakes the ``select`` (one thread blocked on the event)."""

        def wake() -> None:
            with self._lock:
                if self._wake >= 0:
                    os.eventfd_write(self._wake, 1)

        relay_stop(stop, self._relayed, wake)

    def close(self) -> None:
        """Close the descriptors (a relay thread still blocked on its ``stop`` writes nothing)."""
        with self._lock:
            for fd in (self._fd, self._wake):
                if fd >= 0:
                    os.close(fd)
            self._fd = self._wake = -1


def relay_stop(stop: threading.Event, relayed: set[int], wake: Callable[[], None]) -> None:
    """Once per ``stop`` event (``relayed`` remembers which): a daemon thread blocked on it
    calls ``wake`` when it is set, so a sleeping waiter wakes without polling."""
    if id(stop) in relayed:
        return
    relayed.add(id(stop))

    def relay() -> None:
        stop.wait()
        wake()

    threading.Thread(target=relay, name="sync-stop-relay", daemon=True).start()
