"""Crash torture: ~33,000 switches synced while the sync process is SIGKILLed at random.

The local store is the real SQLite backend, written by this test (as the tracker would)
while a real sync process (``torture_runner``: the engine and the SQLite source) runs, is
killed with SIGKILL at random moments and restarted, at least 20 times. The remote is the
real ``MongoSink`` on mongomock, served by a separate process that outlives every kill (see
``remote_server.py``). At the end the remote must hold exactly the local documents.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pytest

from deskmeter.models import State, Task, TaskHistoryEntry
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.sync.checkpoint import Checkpoints
from tests.sync.remote_server import RemoteManager
from tests.sync.support import T0, local_documents, switch

ROOT = Path(__file__).resolve().parents[2]
SWITCHES = 33_000
HISTORY = 8_000
MIN_KILLS = 20


def write_like_a_tracker(path: Path, rng: random.Random, log: dict[str, int]) -> None:
    """Switches up to 33,000 in small transactions, with rewrites, deletes, tasks and state."""
    store = SQLiteStore(path)
    written = store.count_switches()
    chunk_no = 0
    while written < SWITCHES:
        n = min(rng.randint(1, 260), SWITCHES - written)
        store.add_switches(switch(i) for i in range(written, written + n))
        written += n
        chunk_no += 1
        store.put_state(
            State(chunk_no % 4, "ws", T0, T0 + timedelta(seconds=chunk_no), f"{written:024x}")
        )
        if chunk_no % 7 == 0:  # a rewrite of an older switch
            store.add_switch(switch(rng.randrange(written), delta=rng.randint(1, 99)))
            log["rewrites"] += 1
        if chunk_no % 13 == 0:  # a deletion (maintenance; the tracker never deletes)
            victim = f"{rng.randrange(written):024x}"
            store.delete_switches([victim])
            log["deletes"] += 1
        if chunk_no % 20 == 0:
            store.upsert_tasks([Task(f"t{chunk_no}", f"work/{chunk_no}", updated=T0)])
            store.add_task_history([TaskHistoryEntry(f"t{chunk_no}", "old", T0)])
        time.sleep(rng.uniform(0, 0.24))
    store.close()


def wait_for_work(store: SQLiteStore, proc: subprocess.Popen[bytes]) -> bool:
    """Wait until the sync process has started its loop (it records its pid in the status).

    Python's start-up on a busy machine can take seconds; killing only during start-up
    would test nothing, so the random kill moment is counted from here.
    """
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and proc.poll() is None:
        status = json.loads(store.get_meta("sync.status") or "{}")
        if status.get("pid") == proc.pid:
            return True
        time.sleep(0.02)
    return False


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_sigkill_torture_leaves_the_remote_exactly_equal_to_local(
    tmp_path: Path, artifacts: Path
) -> None:
    rng = random.Random(int(os.environ.get("DESKMETER_TORTURE_SEED", "4")))
    db = tmp_path / "local.db"
    history = SQLiteStore(db)  # the user's history before the first sync
    history.add_switches(switch(i) for i in range(HISTORY))
    history.close()
    key = secrets.token_bytes(16)
    manager = RemoteManager(address=("127.0.0.1", 0), authkey=key, ctx=get_context("spawn"))
    manager.start()
    remote: Any = manager.remote()  # type: ignore[attr-defined]
    host, port = manager.address  # type: ignore[misc]
    command = [sys.executable, "-m", "tests.sync.torture_runner", str(db), host, str(port)]

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [*command, key.hex()], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    log = {"rewrites": 0, "deletes": 0}
    writer = threading.Thread(target=write_like_a_tracker, args=(db, rng, log))
    watcher = SQLiteStore(db)
    positions: list[str] = []
    behind_at_kill = 0
    during_copy = 0
    started = time.monotonic()
    try:
        writer.start()
        kills = 0
        while kills < MIN_KILLS or writer.is_alive():
            proc = start()
            working = wait_for_work(watcher, proc)
            time.sleep(rng.uniform(0.0, 1.5) if working else 0)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
            saved = Checkpoints(watcher).load()
            position = saved.position if saved and not saved.copying else 0
            during_copy += saved is None or saved.copying is not None
            positions.append(watcher.get_meta("sync.checkpoint") or "")
            behind_at_kill += watcher.changelog.last_seq() > position
        writer.join()

        final = start()
        # SIGTERM must reach the engine, not Python's start-up (which would just die of it).
        assert wait_for_work(watcher, final), "the final sync run never started its loop"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            saved = Checkpoints(watcher).load()
            if saved and saved.position == watcher.changelog.last_seq():
                break
            time.sleep(0.05)
        final.send_signal(signal.SIGTERM)
        _, stderr = final.communicate(timeout=20)
        assert final.returncode == 0, stderr.decode()[-2000:]

        expected = local_documents(watcher)
        actual = remote.documents()
        elapsed = time.monotonic() - started
        progressed = sum(1 for a, b in itertools.pairwise(positions) if b != a)
        (artifacts / "sync").mkdir(exist_ok=True)
        (artifacts / "sync" / "torture.json").write_text(
            json.dumps(
                {
                    "kills": kills,
                    "kills_with_sync_behind": behind_at_kill,
                    "kills_before_or_during_the_first_copy": during_copy,
                    "kills_after_progress": progressed,
                    "switches_written": SWITCHES,
                    "switches_local": len(expected["switch"]),
                    "switches_remote": len(actual["switch"]),
                    "rewrites": log["rewrites"],
                    "deletes": log["deletes"],
                    "remote_batches": remote.batches(),
                    "seconds": round(elapsed, 1),
                },
                indent=1,
            )
        )
    finally:
        watcher.close()
        manager.shutdown()

    assert kills >= MIN_KILLS
    assert behind_at_kill >= MIN_KILLS // 2, "most kills must land while sync had work to do"
    assert progressed >= MIN_KILLS // 4, "sync must make progress between kills"
    assert during_copy < kills, "some kills must hit the streaming phase"
    assert during_copy >= 1, "the first copy must be interrupted at least once"
    assert len(expected["switch"]) > SWITCHES - log["deletes"] - 1
    assert set(actual) == set(expected)
    for collection in expected:
        missing = expected[collection].keys() - actual[collection].keys()
        extra = actual[collection].keys() - expected[collection].keys()
        assert not missing and not extra, f"{collection}: {len(missing)} lost, {len(extra)} extra"
        differing = [
            k for k in expected[collection] if expected[collection][k] != actual[collection][k]
        ]
        assert not differing, f"{collection}: {len(differing)} documents differ"
