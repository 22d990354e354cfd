"""A sync process for the torture test: the real engine and SQLite source, the remote sink
reached through ``remote_server.RemoteManager`` (see there why).

    python -m tests.sync.torture_runner STORE HOST PORT AUTHKEY_HEX [SYNC_HOST]

``SYNC_HOST``: the workstation it syncs as (default ``box``, the single-host torture's).
``DESKMETER_TORTURE_RUN`` (environment): the name of this run, sent with each sink write so
the test counts the writes of each run, whenever the remote serves them.

SIGTERM stops it the way ``deskmeter sync`` stops (after the batch in flight).
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

from deskmeter.config import SyncSettings
from deskmeter.logs import setup_logging
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.sync.engine import SyncEngine
from deskmeter.sync.source import SQLiteSource
from tests.sync.remote_server import HOST, HostSink, RemoteManager

#: The environment variable naming the run (the test sets a new name for each process).
RUN_ENV = "DESKMETER_TORTURE_RUN"

SETTINGS = SyncSettings(
    batch_size=500,
    poll_seconds=0.01,
    backoff_initial_seconds=0.05,
    backoff_max_seconds=0.5,
    heartbeat_seconds=1.0,
)


def main(argv: list[str]) -> int:
    path, host, port, key = argv[:4]
    syncs_as = argv[4] if len(argv) > 4 else HOST
    setup_logging()
    manager = RemoteManager(address=(host, int(port)), authkey=bytes.fromhex(key))
    manager.connect()
    run = os.environ.get(RUN_ENV, "")
    remote = HostSink(manager.remote(), syncs_as, run)  # type: ignore[attr-defined]
    store = SQLiteStore(path)
    engine = SyncEngine(
        SQLiteSource(store, poll_seconds=SETTINGS.poll_seconds), remote, store, SETTINGS
    )

    def on_term(signum: int, frame: FrameType | None) -> None:
        engine.request_stop()

    signal.signal(signal.SIGTERM, on_term)
    engine.run()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
