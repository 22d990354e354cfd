"""Failpoints: make the sync process SIGKILL itself at a chosen moment (for crash tests).

``DESKMETER_SYNC_FAILPOINT="name:N[,name:N...]"`` arms them: the process kills itself the
``N``-th time it reaches the moment ``name`` (counted from the start of the process).
``DESKMETER_SYNC_FAILPOINT_LOG`` names a file that gets one JSON line (appended and fsync'd)
just before the kill, so a test can tell that the failpoint fired and not something else.

The moments (see ``NAMES``) are the dangerous ones of ``engine.py``. The environment is read
once, by the first engine; unset, ``hit`` is a call that returns at once, once per batch.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from deskmeter.sync.changes import SyncConfigError

log = logging.getLogger("deskmeter.sync")

ENV = "DESKMETER_SYNC_FAILPOINT"
LOG_ENV = "DESKMETER_SYNC_FAILPOINT_LOG"

#: Every failpoint and the moment it stands for.
NAMES: dict[str, str] = {
    "before_write": "before the N-th sink write (any phase: copy, stream, sweep)",
    "after_write": "after the N-th sink write was acknowledged, before anything else",
    "before_checkpoint": "a streamed batch is applied, its checkpoint not yet saved",
    "between_collections": "a copy finished the N-th collection, not yet checkpointed as done",
    "copy_batch": "during a full copy, after N copy batches were applied and checkpointed",
    "sweep": "in the post-copy sweep, the extra remote ids listed but not yet deleted",
}


class FailpointSpecError(SyncConfigError):
    """The failpoint specification cannot be understood (sync refuses to start)."""


def parse(spec: str) -> dict[str, int]:
    """``"name:N,name:N"`` as ``{name: N}``; FailpointSpecError naming what is wrong."""
    targets: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        name, sep, count = item.partition(":")
        name = name.strip()
        if name not in NAMES:
            known = ", ".join(NAMES)
            raise FailpointSpecError(f"{ENV}: unknown failpoint {name!r} (known: {known})")
        try:
            n = int(count) if sep else 1
        except ValueError:
            n = 0
        if n < 1:
            raise FailpointSpecError(f"{ENV}: {item!r}: the count must be a whole number >= 1")
        targets[name] = n
    return targets


def _sigkill() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@dataclass
class Failpoints:
    """Armed failpoints: ``targets`` maps a name to the hit that kills."""

    targets: dict[str, int]
    record: Path | None = None
    kill: Callable[[], None] = _sigkill
    seen: Counter[str] = field(default_factory=Counter)

    def hit(self, name: str) -> None:
        target = self.targets.get(name)
        if target is None:
            return
        self.seen[name] += 1
        if self.seen[name] == target:
            self.fire(name)

    def fire(self, name: str) -> None:
        if self.record is not None:
            line = json.dumps(
                {"failpoint": name, "hit": self.seen[name], "pid": os.getpid(), "at": time.time()}
            )
            fd = os.open(self.record, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, (line + "\n").encode())
                os.fsync(fd)
            finally:
                os.close(fd)
        self.kill()


_armed: Failpoints | None = None
_loaded = False


def from_environment(environ: Mapping[str, str]) -> Failpoints | None:
    """The failpoints ``environ`` arms (None: none); FailpointSpecError for a bad one."""
    spec = environ.get(ENV, "")
    targets = parse(spec) if spec.strip() else {}
    if not targets:
        return None
    record = environ.get(LOG_ENV)
    log.warning("failpoints armed (%s=%s): this process will kill itself", ENV, spec)
    return Failpoints(targets, Path(record) if record else None)


def load() -> Failpoints | None:
    """Arm what the environment names; only the first call reads it (once per process)."""
    global _armed, _loaded  # noqa: PLW0603 - one set of failpoints per process
    if not _loaded:
        _armed = from_environment(os.environ)
        _loaded = True
    return _armed


def arm(failpoints: Failpoints | None) -> None:
    """Replace the process's failpoints (tests that stay in one process)."""
    global _armed, _loaded
    _armed, _loaded = failpoints, True


def hit(name: str) -> None:
    """The engine reached the moment ``name``; kill the process if that is armed."""
    if _armed is not None:
        _armed.hit(name)
