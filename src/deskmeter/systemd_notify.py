"""Tell systemd how a daemon is doing: sd_notify(3) over ``$NOTIFY_SOCKET``, without libsystemd.

A unit with ``Type=notify`` is "started" once the daemon sends ``READY=1``; with ``WatchdogSec=``
systemd kills and restarts it (``Restart=on-failure``) when no ``WATCHDOG=1`` arrives within that
time. The protocol is one datagram per message on an ``AF_UNIX`` socket whose path is in
``$NOTIFY_SOCKET`` (a leading ``@`` means Linux's abstract namespace); ``$WATCHDOG_USEC`` is the
watchdog timeout and ``$WATCHDOG_PID``, when set, the one process it applies to.

Everything here is a no-op outside systemd (``NOTIFY_SOCKET`` unset), and a send that fails is
logged once and otherwise ignored: telling systemd must never stop the daemon.

The daemons call the module-level functions from their main loop and nowhere else, so a loop
that hangs stops the pings and systemd restarts it::

    systemd_notify.ready()              # the loop is about to start
    while running:
        systemd_notify.watchdog()       # every iteration; sent at most every interval / 2
        ...
        systemd_notify.wait(stop, 300)  # a long wait that keeps pinging while it waits
    systemd_notify.stopping()
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping

log = logging.getLogger(__name__)

__all__ = ["Notifier", "ready", "reset", "status", "stopping", "wait", "watchdog"]


class Notifier:
    """One daemon's channel to systemd, read from an environment (``os.environ`` by default)."""

    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        env = os.environ if environ is None else environ
        self._monotonic = monotonic
        self.address: str | None = _address(env.get("NOTIFY_SOCKET", ""))
        self.watchdog_seconds: float | None = _watchdog_seconds(env)
        self._last_ping: float | None = None
        self._warned = False
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """True when a notification socket was given (the unit is Type=notify)."""
        return self.address is not None

    @property
    def interval(self) -> float | None:
        """How often to ping the watchdog (half its timeout, as sd_watchdog_enabled(3) advises)."""
        if self.address is None or self.watchdog_seconds is None:
            return None
        return self.watchdog_seconds / 2

    def notify(self, *assignments: str) -> bool:
        """Send ``KEY=value`` lines in one datagram; True if it was sent."""
        if self.address is None or not assignments:
            return False
        message = "\n".join(assignments).encode()
        target = "\0" + self.address[1:] if self.address.startswith("@") else self.address
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                # never block the daemon's loop: a full queue drops the datagram instead
                sock.sendto(message, socket.MSG_DONTWAIT, target)
        except OSError as exc:
            if not self._warned:
                self._warned = True
                log.warning("cannot notify systemd at %s: %s", self.address, exc)
            return False
        return True

    def ready(self, status: str | None = None) -> bool:
        """``READY=1`` (with a first ``WATCHDOG=1`` when the watchdog is on)."""
        lines = ["READY=1"]
        if self.interval is not None:
            self._last_ping = self._monotonic()
            lines.append("WATCHDOG=1")
        return self.notify(*lines, *([f"STATUS={status}"] if status else []))

    def stopping(self, status: str | None = None) -> bool:
        return self.notify("STOPPING=1", *([f"STATUS={status}"] if status else []))

    def status(self, text: str) -> bool:
        return self.notify(f"STATUS={text}")

    def watchdog(self) -> bool:
        """Ping the watchdog if it is on and the last ping is over half an interval old."""
        interval = self.interval
        if interval is None:
            return False
        now = self._monotonic()
        with self._lock:
            if self._last_ping is not None and now - self._last_ping < interval / 2:
                return False
            self._last_ping = now
        return self.notify("WATCHDOG=1")

    def wait(self, event: threading.Event, seconds: float) -> bool:
        """``event.wait(seconds)`` that keeps pinging the watchdog meanwhile; True if set."""
        interval = self.interval
        if interval is None:
            return event.wait(seconds)
        deadline = self._monotonic() + seconds
        while True:
            self.watchdog()
            left = deadline - self._monotonic()
            if left <= 0:
                return event.is_set()
            if event.wait(min(left, interval / 2)):
                return True


def _address(value: str) -> str | None:
    """The socket path or abstract name, or None when unusable (empty, relative)."""
    if value.startswith("@") and len(value) > 1:
        return value
    if value.startswith("/"):
        return value
    return None


def _watchdog_seconds(env: Mapping[str, str]) -> float | None:
    """The watchdog timeout in seconds, if systemd set one for this very process."""
    pid = env.get("WATCHDOG_PID", "")
    if pid and pid != str(os.getpid()):
        return None
    try:
        usec = int(env.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    return usec / 1_000_000 if usec > 0 else None


_default: list[Notifier] = []  # the process-wide notifier, made on first use
_default_lock = threading.Lock()


def _notifier() -> Notifier:
    with _default_lock:
        if not _default:
            _default.append(Notifier())
        return _default[0]


def reset() -> None:
    """Forget the process-wide notifier (it is read again from the environment on next use)."""
    with _default_lock:
        _default.clear()


def ready(status: str | None = None) -> bool:
    """``READY=1``: the daemon's loop is starting."""
    return _notifier().ready(status)


def stopping(status: str | None = None) -> bool:
    """``STOPPING=1``: the daemon is shutting down."""
    return _notifier().stopping(status)


def status(text: str) -> bool:
    """``STATUS=text``: one line shown by ``systemctl status``."""
    return _notifier().status(text)


def watchdog_interval() -> float | None:
    """How often the daemon must ping (None: no watchdog), for loops that otherwise sleep."""
    return _notifier().interval


def watchdog() -> bool:
    """``WATCHDOG=1``, rate limited; call it from every iteration of the daemon's loop."""
    return _notifier().watchdog()


def wait(event: threading.Event, seconds: float) -> bool:
    """Wait for ``event`` up to ``seconds`` while keeping the watchdog fed; True if it was set."""
    return _notifier().wait(event, seconds)
