"""Crash torture: a sync process SIGKILLed at every dangerous moment, then at random ones.

The local store is the real SQLite backend, written by this test (as the tracker would)
while a real sync process (``torture_runner``: the engine and the SQLite source) runs and is
killed with SIGKILL, again and again, and restarted. The remote is the real ``MongoSink`` on
mongomock, served by a separate process that outlives every kill (see ``remote_server.py``).

The kills do not hope to land somewhere interesting: each run of ``SCHEDULE`` arms one
failpoint (``deskmeter.sync.failpoints``) so that the process kills *itself* at a chosen
moment of a chosen phase — inside the first copy, between its collections, before and after
a streamed write, between a write and its checkpoint, in the sweep of a full resync — and
the test checks that the failpoint fired and that the store and the remote show that very
moment. Random kills follow as extra coverage. At the end the remote must hold exactly the
local documents.

The writer and the killer draw from their own generators, both derived from one seed:
``DESKMETER_TORTURE_SEED=<n>`` repeats a run (the seed is printed and in every failure).
"""

from __future__ import annotations

import json
import os
import random
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pytest

from deskmeter.models import State, Task, TaskHistoryEntry
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.sync import failpoints
from deskmeter.sync.checkpoint import Checkpoint, Checkpoints
from tests.support.waiting import wait_for
from tests.sync.remote_server import RemoteManager
from tests.sync.support import T0, delete_switch, local_documents, switch
from tests.sync.torture_runner import SETTINGS

ROOT = Path(__file__).resolve().parents[2]
#: The user's history before the first sync: several copy batches (see ``SCHEDULE``).
HISTORY = 8 * SETTINGS.batch_size
#: The writer writes until the random kills are done (up to 200 switches a second), at most this.
MAX_SWITCHES = 40_000
#: ... but waits while the remote lags this many changes behind: on a slow machine the run
#: stays short (the final catch-up is bounded) and the writer still writes to the end.
MAX_BACKLOG = 2_000
#: Kills at random moments after the scheduled ones, all while the writer writes.
RANDOM_KILLS = 5
#: Documents the test deletes while sync is down, before the resync that must sweep them.
SWEPT = 5


@dataclass(frozen=True)
class Planned:
    """One sync run that must die at ``failpoint`` (``name:N``) while in ``phase``.

    ``moves``: whether the saved checkpoint changes during the run; ``writes``: how many sink
    writes the remote receives (None: some). Both show that the kill hit the moment named.
    """

    failpoint: str
    phase: str
    moves: bool
    writes: int | None


#: Every failpoint, in the phase where it matters most. ``None``: a plain run that finishes
#: the copy in progress and is killed once the checkpoint says it streams.
SCHEDULE: list[Planned | None] = [
    Planned("copy_batch:2", "first copy", moves=True, writes=2),
    Planned("after_write:1", "first copy", moves=False, writes=1),  # written, not checkpointed
    Planned("before_write:1", "first copy", moves=False, writes=0),
    Planned("between_collections:1", "first copy", moves=True, writes=None),
    None,
    Planned("before_write:1", "stream", moves=False, writes=0),
    Planned("before_checkpoint:1", "stream", moves=False, writes=1),
    Planned("after_write:1", "stream", moves=False, writes=1),
    # Here the test deletes SWEPT switches and prunes the change log: a full resync follows.
    Planned("sweep:1", "resync", moves=True, writes=None),  # extras listed, not deleted
    Planned("between_collections:1", "resync", moves=False, writes=1),  # swept, not recorded
    None,  # the random kills follow while it streams
]


def write_like_a_tracker(
    path: Path, rng: random.Random, log: dict[str, int], stop: threading.Event
) -> None:
    """Switches in small transactions until ``stop``, with rewrites, deletes, tasks and state."""
    store = SQLiteStore(path)
    written = store.count_switches()
    chunk_no = 0
    checkpoints = Checkpoints(store)

    def backlog() -> int:
        saved = checkpoints.load()
        at = saved.position if saved is not None and isinstance(saved.position, int) else 0
        return store.changelog.last_seq() - at

    while not stop.is_set() and written < MAX_SWITCHES:
        if backlog() > MAX_BACKLOG:
            stop.wait(0.05)  # polling the backlog: sync catches up, or the test says stop
            continue
        n = min(rng.randint(1, 60), MAX_SWITCHES - written)
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
            delete_switch(store, rng.randrange(written))
            log["deletes"] += 1
        if chunk_no % 20 == 0:
            store.upsert_tasks([Task(f"t{chunk_no}", f"work/{chunk_no}", updated=T0)])
            store.add_task_history([TaskHistoryEntry(f"t{chunk_no}", "old", T0)])
        log["written"] = written
        stop.wait(rng.uniform(0, 0.3))  # the point: writes spread over the whole run
    store.close()


@dataclass
class Torture:
    """The local store, the remote, the sync processes, and what happened to them."""

    db: Path
    tmp: Path
    remote: Any
    command: list[str]
    seed: int
    watcher: SQLiteStore = field(init=False)
    fired_log: Path = field(init=False)
    stderr_log: Path = field(init=False)
    kills: int = 0
    began: float = field(default_factory=time.monotonic)
    report: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.watcher = SQLiteStore(self.db)
        self.fired_log = self.tmp / "failpoints.jsonl"
        self.stderr_log = self.tmp / "sync.log"

    def why(self, text: str) -> str:
        tail = self.stderr_log.read_text()[-1500:] if self.stderr_log.exists() else ""
        return f"{text} [DESKMETER_TORTURE_SEED={self.seed}]\n--- sync log tail ---\n{tail}"

    def start(self, failpoint: str | None = None) -> subprocess.Popen[bytes]:
        env = {k: v for k, v in os.environ.items() if k != failpoints.ENV}
        env[failpoints.LOG_ENV] = str(self.fired_log)
        if failpoint:
            env[failpoints.ENV] = failpoint
        with self.stderr_log.open("ab") as err:
            err.write(f"=== run with failpoint {failpoint}\n".encode())
            err.flush()
            return subprocess.Popen(
                self.command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err
            )

    def checkpoint(self) -> Checkpoint | None:
        return Checkpoints(self.watcher).load()

    def phase(self) -> str:
        saved = self.checkpoint()
        if saved is None or saved.copying is not None:
            return "copy"
        return "stream"

    def fired(self) -> list[dict[str, Any]]:
        if not self.fired_log.exists():
            return []
        return [json.loads(line) for line in self.fired_log.read_text().splitlines() if line]

    def loop_started(self, proc: subprocess.Popen[bytes]) -> None:
        """Wait until the process runs its loop (it records its pid in the status)."""

        def started() -> bool:
            status = json.loads(self.watcher.get_meta("sync.status") or "{}")
            return proc.poll() is not None or status.get("pid") == proc.pid

        wait_for(started, timeout=60)
        assert proc.poll() is None, self.why("the sync process died on its own")

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        self.kills += 1

    def finish_the_copy(self) -> None:
        """A plain run, killed once the checkpoint says the copy is done."""
        proc = self.start()
        wait_for(lambda: self.phase() == "stream" or proc.poll() is not None, 90)
        assert proc.poll() is None, self.why("the copy run died on its own")
        self.kill(proc)

    def make_pending(self, writer: threading.Thread) -> None:
        """Make sure the change log holds something the remote lacks (a streamed batch)."""
        saved = self.checkpoint()
        at = saved.position if saved else 0
        wait_for(lambda: self.watcher.changelog.last_seq() > at or not writer.is_alive(), 30)
        if self.watcher.changelog.last_seq() <= at:  # the writer is done: the test writes
            self.watcher.put_state(State(0, "ws", T0, T0 + timedelta(days=1), "f" * 24))

    def run_planned(self, plan: Planned) -> None:
        before, batches = self.watcher.get_meta("sync.checkpoint"), self.remote.batches()
        seen = len(self.fired())
        proc = self.start(plan.failpoint)
        try:
            code = proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise AssertionError(self.why(f"{plan.failpoint} never fired")) from None
        self.kills += 1
        name = plan.failpoint.split(":")[0]
        fired = self.fired()[seen:]
        after, writes = self.watcher.get_meta("sync.checkpoint"), self.remote.batches() - batches
        self.report.append(
            {
                "failpoint": plan.failpoint,
                "phase": plan.phase,
                "fired": bool(fired) and fired[-1]["failpoint"] == name,
                "checkpoint_moved": after != before,
                "remote_writes": writes,
                "seconds": round(time.monotonic() - self.began, 1),
            }
        )
        assert code == -signal.SIGKILL, self.why(f"{plan.failpoint}: exit {code}, not SIGKILL")
        assert [f["failpoint"] for f in fired] == [name], self.why(f"{plan.failpoint}: {fired}")
        assert fired[0]["pid"] == proc.pid
        assert (after != before) is plan.moves, self.why(f"{plan.failpoint}: checkpoint moved?")
        if plan.writes is None:
            assert writes >= 1, self.why(f"{plan.failpoint}: no sink write")
        else:
            assert writes == plan.writes, self.why(f"{plan.failpoint}: {writes} sink writes")
        saved = self.checkpoint()
        copying = saved is not None and saved.copying is not None
        assert copying is (plan.phase != "stream"), self.why(f"{plan.failpoint}: wrong phase")

    def close(self) -> None:
        self.watcher.close()


@pytest.fixture
def torture(tmp_path: Path) -> Iterator[Torture]:
    seed = int(os.environ.get("DESKMETER_TORTURE_SEED") or secrets.randbelow(2**32))
    print(f"DESKMETER_TORTURE_SEED={seed}")  # shown by pytest when the test fails
    db = tmp_path / "local.db"
    history = SQLiteStore(db)  # the user's history before the first sync
    history.add_switches(switch(i) for i in range(HISTORY))
    history.close()
    key = secrets.token_bytes(16)
    manager = RemoteManager(address=("127.0.0.1", 0), authkey=key, ctx=get_context("spawn"))
    manager.start()
    host, port = manager.address  # type: ignore[misc]
    command = [sys.executable, "-m", "tests.sync.torture_runner", str(db), host, str(port)]
    run = Torture(db, tmp_path, manager.remote(), [*command, key.hex()], seed)  # type: ignore[attr-defined]
    try:
        yield run
    finally:
        run.close()
        manager.shutdown()


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_sigkill_at_every_dangerous_moment_leaves_the_remote_exactly_equal_to_local(
    torture: Torture, artifacts: Path
) -> None:
    writer_rng = random.Random(f"{torture.seed}:writer")
    killer_rng = random.Random(f"{torture.seed}:killer")
    log = {"rewrites": 0, "deletes": 0, "written": HISTORY}
    enough = threading.Event()
    writer = threading.Thread(
        target=write_like_a_tracker, args=(torture.db, writer_rng, log, enough)
    )
    watcher = torture.watcher
    random_kills: list[dict[str, Any]] = []
    swept: list[str] = []
    started = time.monotonic()
    result: dict[str, Any] = {"seed": torture.seed, "passed": False}
    try:
        writer.start()
        for plan in SCHEDULE:
            if plan is None:  # finish the copy, kill once it streams
                torture.finish_the_copy()
                continue
            if plan.phase == "resync" and not swept:
                torture.make_pending(writer)  # the checkpoint is behind: pruning loses it
                # While sync is down: a maintenance delete, then the change log is pruned
                # past the checkpoint, so the deletions reach the remote only by the sweep.
                on_both = {d["_id"] for d in watcher.documents("switch")}
                ids = sorted(on_both & torture.remote.ids("switch"))
                swept = killer_rng.sample(ids[: len(ids) // 2], SWEPT)
                for doc_id in swept:
                    delete_switch(watcher, int(doc_id, 16))
                watcher.changelog.prune(watcher.changelog.last_seq())
            if plan.phase == "stream":
                torture.make_pending(writer)
            torture.run_planned(plan)
            if plan.failpoint == "sweep:1":
                assert set(swept) <= torture.remote.ids("switch"), "killed before the delete"
        gone = set(swept) - {d["_id"] for d in watcher.documents("switch")}  # not rewritten since
        assert not gone & torture.remote.ids("switch"), torture.why("the sweep left extras")

        while len(random_kills) < RANDOM_KILLS:
            proc = torture.start()
            torture.loop_started(proc)
            time.sleep(killer_rng.uniform(0.0, 1.0))  # the point: a moment nobody chose
            saved = torture.checkpoint()
            behind = saved is None or watcher.changelog.last_seq() > saved.position
            random_kills.append(
                {"phase": torture.phase(), "writer_alive": writer.is_alive(), "behind": behind}
            )
            torture.kill(proc)
        enough.set()
        writer.join()

        final = torture.start()
        # SIGTERM must reach the engine, not Python's start-up (which would just die of it).
        torture.loop_started(final)

        def caught_up() -> bool:
            saved = torture.checkpoint()
            last = watcher.changelog.last_seq()
            return bool(saved and not saved.copying and saved.position == last)

        wait_for(caught_up, timeout=120)
        final.send_signal(signal.SIGTERM)
        assert final.wait(timeout=30) == 0, torture.why("the final run did not stop cleanly")

        expected = local_documents(watcher)
        actual = torture.remote.documents()
        result.update(switches_local=len(expected["switch"]), switches_remote=len(actual["switch"]))
        assert len(expected["switch"]) >= log["written"] - log["deletes"] - SWEPT
        assert set(actual) == set(expected)
        for collection in expected:
            missing = expected[collection].keys() - actual[collection].keys()
            extra = actual[collection].keys() - expected[collection].keys()
            assert not missing and not extra, torture.why(
                f"{collection}: {len(missing)} lost, {len(extra)} extra"
            )
            differing = [
                k for k in expected[collection] if expected[collection][k] != actual[collection][k]
            ]
            assert not differing, torture.why(f"{collection}: {len(differing)} documents differ")
        result["passed"] = True
    except BaseException as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"[:3000]
        raise
    finally:
        enough.set()
        writer.join(60)
        result.update(
            kills=torture.kills,
            failpoints=torture.report,
            failpoints_fired=sum(1 for r in torture.report if r["fired"]),
            failpoints_planned=sum(1 for p in SCHEDULE if p is not None),
            failpoint_names_covered=sorted({r["failpoint"].split(":")[0] for r in torture.report}),
            random_kills=len(random_kills),
            random_kills_in_copy=sum(k["phase"] == "copy" for k in random_kills),
            random_kills_while_writing=sum(k["writer_alive"] for k in random_kills),
            random_kills_with_sync_behind=sum(k["behind"] for k in random_kills),
            switches_history=HISTORY,
            switches_written=log["written"],
            batch_size=SETTINGS.batch_size,
            rewrites=log["rewrites"],
            deletes=log["deletes"],
            swept=len(swept),
            remote_batches=torture.remote.batches(),
            seconds=round(time.monotonic() - started, 1),
        )
        (artifacts / "sync").mkdir(exist_ok=True)
        (artifacts / "sync" / "torture.json").write_text(json.dumps(result, indent=1))

    assert {r["failpoint"].split(":")[0] for r in torture.report} == set(failpoints.NAMES)
    assert all(r["fired"] for r in torture.report)
