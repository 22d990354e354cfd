"""A killed sync run's last sink request, still queued at the remote when the next run starts.

A SIGKILLed process's last request may have left it whole and still wait at the remote:
the remote (another host's write holds its lock, the machine is busy) reads and serves it
only after the next run of that host began. A three-host torture in CI counted such a write
as the next run's (``host studio: before_checkpoint:1: 2 sink writes``,
``DESKMETER_TORTURE_SEED=3547874320``). This module makes that moment on purpose, so every
torture has it and counting the writes of each run is checked against it:

* ``python -m tests.sync.late_request STORE HOST PORT AUTHKEY_HEX [SYNC_HOST]`` (the
  arguments of ``torture_runner``) reads the batch a sync run would send next (from the
  saved checkpoint, as the killed run read it) and sends it to the remote in one request,
  named ``DESKMETER_TORTURE_RUN``, held at the gate ``DESKMETER_TORTURE_GATE`` (a folder);
* the remote cannot finish reading that request until the test opens the gate: ``held``
  runs in the remote while it unpickles the request, marks the folder ``arrived`` and waits
  for ``open``. The test kills the sender once the request has arrived, then opens the gate
  while it counts the next run's writes (``Torture.run_planned``).

The batch is the real next batch of the store, so serving it late changes nothing the next
run does not write again (it reads from the same checkpoint): the torture's final check, the
remote equal to the local stores, still holds.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deskmeter.store.sqlite import SQLiteStore
from deskmeter.sync.checkpoint import Checkpoints
from deskmeter.sync.source import SQLiteSource
from tests.sync.remote_server import HOST, RemoteManager
from tests.sync.torture_runner import RUN_ENV, SETTINGS

#: The environment variable naming the gate folder.
GATE_ENV = "DESKMETER_TORTURE_GATE"
#: Made in the gate folder by the remote when the whole request arrived.
ARRIVED = "arrived"
#: Made in the gate folder by the test to let the remote serve the request.
OPEN = "open"
#: The remote serves the request anyway after this long (a test that failed in between).
GATE_SECONDS = 120.0


def held(value: Any, gate: str) -> Any:
    """Run by the remote while it reads the request: say it arrived, wait for the gate."""
    folder = Path(gate)
    (folder / ARRIVED).touch()
    deadline = time.monotonic() + GATE_SECONDS
    while not (folder / OPEN).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return value


@dataclass(frozen=True)
class Held:
    """``value``, pickled so that the remote unpickles it only once the gate is open."""

    value: Any
    gate: str

    def __reduce__(self) -> tuple[Any, tuple[Any, str]]:
        return held, (self.value, self.gate)


def main(argv: list[str]) -> int:
    path, host, port, key = argv[:4]
    syncs_as = argv[4] if len(argv) > 4 else HOST
    manager = RemoteManager(address=(host, int(port)), authkey=bytes.fromhex(key))
    manager.connect()
    remote = manager.remote()  # type: ignore[attr-defined]
    store = SQLiteStore(path)
    saved = Checkpoints(store).load()
    assert saved is not None and saved.copying is None, "a late stream batch needs a checkpoint"
    batch = SQLiteSource(store).read(saved.position, SETTINGS.batch_size)
    store.close()
    # The call the sync run makes (HostSink.apply), its changes held at the gate; the test
    # kills this process once the remote has the request, so it never returns.
    remote.apply(Held(batch.changes, os.environ[GATE_ENV]), syncs_as, os.environ[RUN_ENV])
    return 0


if __name__ == "__main__":
    # By the module's name, not ``__main__``'s, so the remote can find ``held`` when it
    # unpickles the request.
    from tests.sync import late_request  # noqa: PLW0406 - see above

    sys.exit(late_request.main(sys.argv[1:]))
