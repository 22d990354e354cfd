"""One tracker per store: a lease in the store's ``meta``, plus an OS lock file for SQLite.

Two trackers on one store would count every interval twice. So ``deskmeter track`` takes

* for SQLite, an exclusive ``flock`` on ``<store>.tracker.lock`` beside the database: the
  kernel releases it the moment the process dies (``kill -9`` included), so a restart never
  waits; the file names its holder (host, pid) for the error message;
* for every backend (MongoDB too, where trackers on several machines may share one
  database), a lease: the ``meta`` entry ``tracker_lease`` names the owner (host, pid, boot
  id, a random token) and its last heartbeat, and is renewed with the tracker's heartbeat.
  It is taken with compare-and-set, so of two trackers starting together exactly one wins.
  Another tracker takes it over only when it is stale: its heartbeat is older than
  ``stale_after`` seconds, or its owner is on this host and is certainly gone (another boot,
  or no such process).

A tracker that finds the lease held answers with one line naming the holder and exits.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deskmeter.processes import process_alive
from deskmeter.store import Store

log = logging.getLogger(__name__)

LEASE_KEY = "tracker_lease"


def stale_after(settings: Any) -> float:
    """Seconds without a heartbeat after which a tracker's lease may be taken over."""
    return max(3 * float(settings.tracker.heartbeat_seconds), 30.0)


class TrackerLockError(RuntimeError):
    """Another tracker holds this store; ``str()`` is one line naming it."""


def boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
    except OSError:
        return ""


@dataclass(frozen=True, slots=True)
class Owner:
    host: str
    pid: int
    boot: str
    token: str
    heartbeat: float
    started: float

    def describe(self, now: float) -> str:
        beat = datetime.fromtimestamp(self.heartbeat, UTC).isoformat(timespec="seconds")
        return (
            f"host {self.host}, pid {self.pid}, last heartbeat {beat} "
            f"({max(0.0, now - self.heartbeat):.0f} s ago)"
        )

    def to_text(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_text(cls, text: str | None) -> Owner | None:
        if not text:
            return None
        try:
            data = json.loads(text)
            return cls(
                host=str(data["host"]),
                pid=int(data["pid"]),
                boot=str(data.get("boot", "")),
                token=str(data["token"]),
                heartbeat=float(data["heartbeat"]),
                started=float(data.get("started", data["heartbeat"])),
            )
        except (ValueError, KeyError, TypeError):
            return None  # unreadable: treated as no lease


class _Cell:
    """The lease's compare-and-set slot in the store's ``meta`` (``Store.swap_meta``)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def read(self) -> str | None:
        return self.store.get_meta(LEASE_KEY)

    def swap(self, expected: str | None, new: str | None) -> bool:
        """Set ``new`` if the slot holds ``expected`` now; return whether it did."""
        return self.store.swap_meta(LEASE_KEY, expected, new)

    def close(self) -> None:
        """The store belongs to the tracker: nothing to release here."""


class LockFile:
    """An exclusive ``flock`` on a file beside the SQLite database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def acquire(self, owner: Owner, now: float) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = Owner.from_text(os.pread(fd, 4096, 0).decode("utf-8", "replace"))
            os.close(fd)
            who = holder.describe(now) if holder else "another process"
            raise TrackerLockError(
                f"another tracker is running on this store ({who}); "
                f"stop it first (lock file {self.path})"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, owner.to_text().encode(), 0)
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def lock_file_for(store: Store) -> Path | None:
    if store.kind != "sqlite":
        return None
    db = Path(os.path.realpath(getattr(store, "path")))  # noqa: B009
    return db.with_name(db.name + ".tracker.lock")


class TrackerLease:
    """This process's claim to be the one tracker of ``store``."""

    def __init__(
        self,
        store: Store,
        *,
        host: str | None = None,
        stale_after: float = 90.0,
        clock: Callable[[], float] = time.time,
        pid: int | None = None,
    ) -> None:
        self.store = store
        self.stale_after = stale_after
        self.clock = clock
        now = clock()
        self.me = Owner(
            host=host or socket.gethostname(),
            pid=os.getpid() if pid is None else pid,
            boot=boot_id(),
            token=secrets.token_hex(8),
            heartbeat=now,
            started=now,
        )
        self._held: str | None = None
        self._cell: _Cell | None = None
        path = lock_file_for(store)
        self._file = LockFile(path) if path is not None else None
        self.lost = False

    def _stale(self, other: Owner, now: float) -> bool:
        if other.host == self.me.host and other.boot and self.me.boot:
            if other.boot != self.me.boot:
                return True  # that tracker ran before this machine's last boot
            # On this machine the process itself is the truth: a live tracker whose heartbeat
            # is old is away (it sleeps until input) or was suspended, not gone.
            return not process_alive(other.pid)
        return now - other.heartbeat > self.stale_after

    def acquire(self) -> None:
        """Take the lease, or raise ``TrackerLockError`` naming the tracker that holds it."""
        now = self.clock()
        if self._file is not None:
            self._file.acquire(self.me, now)
        try:
            self._cell = _Cell(self.store)
            for _ in range(10):
                current = self._cell.read()
                other = Owner.from_text(current)
                if other is not None and other.token != self.me.token:
                    if not self._stale(other, now):
                        raise TrackerLockError(
                            f"another tracker is running on this store ({other.describe(now)}); "
                            "stop it first"
                        )
                    log.warning(
                        "taking over the store from a stale tracker (%s)", other.describe(now)
                    )
                mine = self.me.to_text()
                if self._cell.swap(current, mine):
                    self._held = mine
                    return
            raise TrackerLockError("could not take the tracker lease (it kept changing)")
        except BaseException:
            self.release()
            raise

    def renew(self) -> bool:
        """Renew with the heartbeat; False when another tracker took the lease over.

        A store that cannot be written just now (disk full, network) keeps the lease as it
        is: the failure is for the tracker's own writes to report.
        """
        if self._cell is None or self._held is None:
            return not self.lost
        beat = Owner(**{**asdict(self.me), "heartbeat": self.clock()})
        new = beat.to_text()
        try:
            if self._cell.swap(self._held, new):
                self._held = new
                return True
            current = Owner.from_text(self._cell.read())
        except self.store.write_errors as exc:
            log.debug("cannot renew the tracker lease now: %s", exc)
            return True
        if current is not None and current.token == self.me.token:
            self._held = current.to_text()
            return True
        self.lost = True
        who = current.describe(self.clock()) if current else "nobody"
        log.error("another tracker took this store over (%s)", who)
        return False

    def release(self) -> None:
        if self._cell is not None:
            if self._held is not None:
                with contextlib.suppress(*self.store.write_errors):
                    self._cell.swap(self._held, None)
            self._held = None
            self._cell.close()
            self._cell = None
        if self._file is not None:
            self._file.release()
