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

A killed run's last sink request may still wait at the remote when the next run starts
(see ``late_request``): every run names itself in its requests, and a planned run's writes
are the ones that name it. After the plain run killed while it streams (where it happens),
the test leaves such a late request at the remote on purpose and serves it while the next
run's writes are counted (``Planned.late``).
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
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pytest

from deskmeter.ids import new_id
from deskmeter.models import State, Switch, Task, TaskHistoryEntry
from deskmeter.store.edit_record import EditRecord
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.sync import failpoints
from deskmeter.sync.checkpoint import Checkpoint, Checkpoints
from tests.support.waiting import wait_for
from tests.sync.late_request import ARRIVED, GATE_ENV, OPEN
from tests.sync.remote_server import HOST, RemoteManager
from tests.sync.support import T0, delete_switch, local_documents, switch
from tests.sync.torture_runner import RUN_ENV, SETTINGS

ROOT = Path(__file__).resolve().parents[2]
#: The sync process the test kills, and the process that leaves a late request at the remote.
RUNNER = "tests.sync.torture_runner"
LATE_SENDER = "tests.sync.late_request"
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
    writes the remote receives from this run (None: some). Both show that the kill hit the
    moment named. ``late``: the last request of a run killed before (the batch this run
    writes again) still waits at the remote and is served while this run runs.
    """

    failpoint: str
    phase: str
    moves: bool
    writes: int | None
    late: bool = False


#: Every failpoint, in the phase where it matters most. ``None``: a plain run that finishes
#: the copy in progress and is killed once the checkpoint says it streams.
SCHEDULE: list[Planned | None] = [
    Planned("copy_batch:2", "first copy", moves=True, writes=2),
    Planned("after_write:1", "first copy", moves=False, writes=1),  # written, not checkpointed
    Planned("before_write:1", "first copy", moves=False, writes=0),
    Planned("between_collections:1", "first copy", moves=True, writes=None),
    None,
    Planned("before_write:1", "stream", moves=False, writes=0, late=True),
    Planned("before_checkpoint:1", "stream", moves=False, writes=1),
    Planned("after_write:1", "stream", moves=False, writes=1),
    # Here the test deletes SWEPT switches and prunes the change log: a full resync follows.
    Planned("sweep:1", "resync", moves=True, writes=None),  # extras listed, not deleted
    Planned("between_collections:1", "resync", moves=False, writes=1),  # swept, not recorded
    None,  # the random kills follow while it streams
]


#: The three workstations of the several-hosts case, with the first two hex digits of their
#: switch ids (the single-host case is ``box``'s, with the ids of ``support.switch``).
PREFIXES = {"desk": "a1", "laptop": "b2", "studio": "c3"}


def host_switch(host: str, i: int, delta: float = 60.0) -> Switch:
    """Switch number ``i`` of ``host`` (times overlap the other hosts': they work at once)."""
    if host == HOST:
        return switch(i, delta)
    return replace(switch(i, delta), id=f"{PREFIXES[host]}{i:022x}", host=host)


def write_like_a_tracker(
    path: Path,
    rng: random.Random,
    log: dict[str, int],
    stop: threading.Event,
    host: str = HOST,
    max_switches: int = MAX_SWITCHES,
    max_backlog: int = MAX_BACKLOG,
) -> None:
    """Switches in small transactions until ``stop``, with rewrites, deletes, tasks and state,
    all ``host``'s (its own tracker, its own task file)."""
    store = SQLiteStore(path)
    written = store.count_switches()
    chunk_no = 0
    checkpoints = Checkpoints(store)

    def backlog() -> int:
        saved = checkpoints.load()
        at = saved.position if saved is not None and isinstance(saved.position, int) else 0
        return store.changelog.last_seq() - at

    while not stop.is_set() and written < max_switches:
        if backlog() > max_backlog:
            stop.wait(0.05)  # polling the backlog: sync catches up, or the test says stop
            continue
        n = min(rng.randint(1, 60), max_switches - written)
        store.add_switches(host_switch(host, i) for i in range(written, written + n))
        written += n
        chunk_no += 1
        beat = T0 + timedelta(seconds=chunk_no)
        store.put_state(State(chunk_no % 4, "ws", T0, beat, f"{written:024x}", host=host))
        if chunk_no % 7 == 0:  # a rewrite of an older switch
            store.add_switch(host_switch(host, rng.randrange(written), delta=rng.randint(1, 99)))
            log["rewrites"] += 1
        if chunk_no % 13 == 0:  # a deletion (maintenance; the tracker never deletes)
            store.delete_switches([host_switch(host, rng.randrange(written)).id])
            log["deletes"] += 1
        if chunk_no % 20 == 0:
            store.upsert_tasks([Task(f"t{chunk_no}", f"work/{chunk_no}", updated=T0, host=host)])
            store.add_task_history([TaskHistoryEntry(f"t{chunk_no}", "old", T0, host=host)])
        if chunk_no % 25 == 0:  # an edit record (one that replaced nothing), the host's
            edit = EditRecord(new_id(), beat, "test", "away", T0, T0 + timedelta(1), host=host)
            store.apply_edit([], [], edit)
        log["written"] = written
        stop.wait(rng.uniform(0, 0.3))  # the point: writes spread over the whole run
    store.close()


@dataclass
class Torture:
    """The local store, the remote, the sync processes, and what happened to them."""

    db: Path
    tmp: Path
    remote: Any
    #: The arguments of a sync process (``torture_runner``'s).
    args: list[str]
    seed: int
    #: The workstation this local store and its sync process are.
    host: str = HOST
    watcher: SQLiteStore = field(init=False)
    fired_log: Path = field(init=False)
    stderr_log: Path = field(init=False)
    kills: int = 0
    #: Processes started; the last one's name, which it sends with each sink write.
    runs: int = 0
    run: str = ""
    began: float = field(default_factory=time.monotonic)
    report: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.watcher = SQLiteStore(self.db)
        self.fired_log = self.tmp / "failpoints.jsonl"
        self.stderr_log = self.tmp / "sync.log"

    def why(self, text: str) -> str:
        tail = self.stderr_log.read_text()[-1500:] if self.stderr_log.exists() else ""
        where = f"host {self.host}: " if self.host != HOST else ""
        return f"{where}{text} [DESKMETER_TORTURE_SEED={self.seed}]\n--- sync log tail ---\n{tail}"

    def start(
        self, failpoint: str | None = None, *, module: str = RUNNER, gate: Path | None = None
    ) -> subprocess.Popen[bytes]:
        """A new run (a sync process, or with ``gate`` the sender of a late request)."""
        self.runs += 1
        self.run = f"{self.host}/{self.runs}"
        env = {k: v for k, v in os.environ.items() if k != failpoints.ENV}
        env[failpoints.LOG_ENV] = str(self.fired_log)
        env[RUN_ENV] = self.run
        if failpoint:
            env[failpoints.ENV] = failpoint
        if gate is not None:
            env[GATE_ENV] = str(gate)
        command = [sys.executable, "-m", module, *self.args]
        with self.stderr_log.open("ab") as err:
            err.write(f"=== run {self.run}: {module} with failpoint {failpoint}\n".encode())
            err.flush()
            return subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err
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
            beat = T0 + timedelta(days=1)
            self.watcher.put_state(State(0, "ws", T0, beat, "f" * 24, host=self.host))

    def leave_late_request(self) -> tuple[Path, str]:
        """A run that sent its next batch and was SIGKILLed while the remote had the request
        but had not served it yet (see ``late_request``): its gate and its run's name."""
        gate = self.tmp / f"gate-{self.runs + 1}"
        gate.mkdir()
        sender = self.start(module=LATE_SENDER, gate=gate)
        wait_for(
            lambda: (gate / ARRIVED).exists() or sender.poll() is not None,
            60,
            what="the late request at the remote",
        )
        assert sender.poll() is None, self.why("the late request's sender died")
        self.kill(sender)
        return gate, self.run

    def run_planned(self, plan: Planned) -> None:
        late = self.leave_late_request() if plan.late else None
        before = self.watcher.get_meta("sync.checkpoint")
        seen = len(self.fired())
        proc = self.start(plan.failpoint)
        run = self.run
        if late is not None:
            (late[0] / OPEN).touch()  # the remote serves it while this run runs
        try:
            code = proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise AssertionError(self.why(f"{plan.failpoint} never fired")) from None
        self.kills += 1
        if late is not None:  # before or after this run's write: its count is the same
            wait_for(
                lambda: self.remote.run_writes(late[1], self.host) == 1,
                60,
                what=f"the remote to serve the late request of {late[1]}",
            )
        name = plan.failpoint.split(":")[0]
        fired = self.fired()[seen:]
        after = self.watcher.get_meta("sync.checkpoint")
        # This run's writes: the requests that name it, whenever the remote served them.
        writes = self.remote.run_writes(run, self.host)
        self.report.append(
            {
                "failpoint": plan.failpoint,
                "phase": plan.phase,
                "fired": bool(fired) and fired[-1]["failpoint"] == name,
                "checkpoint_moved": after != before,
                "remote_writes": writes,
                "late_request": plan.late,
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
    args = [str(db), str(host), str(port), key.hex()]
    run = Torture(db, tmp_path, manager.remote(), args, seed)  # type: ignore[attr-defined]
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
        record_figures(artifacts, result)

    assert {r["failpoint"].split(":")[0] for r in torture.report} == set(failpoints.NAMES)
    assert all(r["fired"] for r in torture.report)


def record_figures(artifacts: Path, figures: dict[str, Any], key: str | None = None) -> None:
    """Write the run's figures into artifacts/sync/torture.json: the single-host case at the
    top level (as before), the several-hosts case under ``key``; each keeps the other's."""
    (artifacts / "sync").mkdir(exist_ok=True)
    path = artifacts / "sync" / "torture.json"
    try:
        saved = json.loads(path.read_text()) if path.exists() else {}
    except ValueError:
        saved = {}
    if key is None:
        merged = {**figures, **{k: v for k, v in saved.items() if k == "three_hosts"}}
    else:
        merged = {**saved, key: figures}
    path.write_text(json.dumps(merged, indent=1))


# -- three hosts at once ----------------------------------------------------------------------

#: Each host's history before its first sync: several copy batches.
HOST_HISTORY = 2 * SETTINGS.batch_size
#: Each host's writer stops at this many switches (or when the kills are done).
HOST_MAX_SWITCHES = 3_000
HOST_MAX_BACKLOG = 600
HOST_RANDOM_KILLS = 2
#: Every failpoint, on every host, while the other hosts sync (and are killed) too.
HOST_SCHEDULE: list[Planned | None] = [
    Planned("copy_batch:1", "first copy", moves=True, writes=1),
    Planned("after_write:1", "first copy", moves=False, writes=1),
    Planned("between_collections:1", "first copy", moves=True, writes=None),
    None,
    Planned("before_checkpoint:1", "stream", moves=False, writes=1, late=True),
    Planned("before_write:1", "stream", moves=False, writes=0),
    # Here the host deletes SWEPT of its switches and prunes its change log: a resync.
    Planned("sweep:1", "resync", moves=True, writes=None),
]


@dataclass
class HostRun:
    """One workstation of the fleet: its torture handle, writer and what it went through."""

    torture: Torture
    writer: threading.Thread
    stop: threading.Event
    log: dict[str, int]
    rng: random.Random
    swept: list[str] = field(default_factory=list)
    random_kills: int = 0
    error: BaseException | None = None

    def kill_again_and_again(self) -> None:
        """The schedule, then random kills; the other hosts do the same at the same time."""
        torture = self.torture
        try:
            for plan in HOST_SCHEDULE:
                if plan is None:
                    torture.finish_the_copy()
                    continue
                if plan.phase == "resync":
                    self.prepare_resync()
                if plan.phase == "stream":
                    torture.make_pending(self.writer)
                torture.run_planned(plan)
            for _ in range(HOST_RANDOM_KILLS):
                proc = torture.start()
                torture.loop_started(proc)
                time.sleep(self.rng.uniform(0.0, 0.8))  # the point: a moment nobody chose
                torture.kill(proc)
                self.random_kills += 1
        except BaseException as exc:
            self.error = exc

    def prepare_resync(self) -> None:
        """While its sync is down: delete some switches the remote has, prune the log."""
        torture, watcher = self.torture, self.torture.watcher
        torture.make_pending(self.writer)
        on_both = {d["_id"] for d in watcher.documents("switch")}
        ids = sorted(on_both & torture.remote.ids("switch", torture.host))
        self.swept = self.rng.sample(ids[: len(ids) // 2], SWEPT)
        watcher.delete_switches(self.swept)
        watcher.changelog.prune(watcher.changelog.last_seq())


@contextmanager
def three_hosts(tmp_path: Path, seed: int) -> Iterator[tuple[dict[str, Torture], Any]]:
    """The three workstations' stores (each with its history) and the one remote."""
    key = secrets.token_bytes(16)
    manager = RemoteManager(address=("127.0.0.1", 0), authkey=key, ctx=get_context("spawn"))
    manager.start()
    address, port = manager.address  # type: ignore[misc]
    remote = manager.remote()  # type: ignore[attr-defined]
    runs: dict[str, Torture] = {}
    try:
        for host in PREFIXES:
            home = tmp_path / host
            home.mkdir()
            db = home / "local.db"
            history = SQLiteStore(db)  # the host's own history before its first sync
            history.add_switches(host_switch(host, i) for i in range(HOST_HISTORY))
            history.close()
            args = [str(db), str(address), str(port), key.hex(), host]
            runs[host] = Torture(db, home, remote, args, seed, host=host)
        yield runs, remote
    finally:
        for run in runs.values():
            run.close()
        manager.shutdown()


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[tuple[dict[str, Torture], Any, int]]:
    seed = int(os.environ.get("DESKMETER_TORTURE_SEED") or secrets.randbelow(2**32))
    print(f"DESKMETER_TORTURE_SEED={seed}")  # shown by pytest when the test fails
    with three_hosts(tmp_path, seed) as (runs, remote):
        yield runs, remote, seed


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_three_hosts_syncing_at_once_while_killed_leave_the_remote_the_union_of_their_stores(
    fleet: tuple[dict[str, Torture], Any, int], artifacts: Path
) -> None:
    runs, remote, seed = fleet
    torture_three_hosts(runs, remote, seed, artifacts, "three_hosts")


def torture_three_hosts(
    runs: dict[str, Torture], remote: Any, seed: int, artifacts: Path, key: str
) -> None:
    """Kill the three hosts' sync at every failpoint and at random moments, all at once;
    then the remote must be the union of their stores (figures under ``key``)."""
    hosts: dict[str, HostRun] = {}
    for host, torture in runs.items():
        stop = threading.Event()
        log = {"rewrites": 0, "deletes": 0, "written": HOST_HISTORY}
        writer = threading.Thread(
            target=write_like_a_tracker,
            args=(torture.db, random.Random(f"{seed}:{host}:writer"), log, stop),
            kwargs={
                "host": host,
                "max_switches": HOST_MAX_SWITCHES,
                "max_backlog": HOST_MAX_BACKLOG,
            },
        )
        hosts[host] = HostRun(torture, writer, stop, log, random.Random(f"{seed}:{host}:killer"))
    started = time.monotonic()
    result: dict[str, Any] = {"seed": seed, "passed": False, "hosts": list(hosts)}
    finals: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for run in hosts.values():
            run.writer.start()
        killers = [threading.Thread(target=run.kill_again_and_again) for run in hosts.values()]
        for killer in killers:
            killer.start()
        for killer in killers:
            killer.join(180)
        for run in hosts.values():
            if run.error is not None:
                raise run.error
        for run in hosts.values():
            run.stop.set()
            run.writer.join(60)

        for host, run in hosts.items():  # all three catch up at once
            finals[host] = run.torture.start()
            run.torture.loop_started(finals[host])
        for run in hosts.values():
            watcher = run.torture.watcher

            def caught_up(run: HostRun = run, watcher: SQLiteStore = watcher) -> bool:
                saved = run.torture.checkpoint()
                return bool(saved and not saved.copying) and (
                    saved.position == watcher.changelog.last_seq()  # type: ignore[union-attr]
                )

            wait_for(caught_up, timeout=90)
        for host, proc in finals.items():
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0, hosts[host].torture.why("no clean stop")

        actual = remote.documents()
        union: dict[str, dict[Any, dict[str, Any]]] = {}
        per_host: dict[str, dict[str, int]] = {}
        for host, run in hosts.items():
            local = local_documents(run.torture.watcher)
            per_host[host] = {c: len(docs) for c, docs in local.items()}
            for collection, docs in local.items():
                mine = {k: v for k, v in actual[collection].items() if v.get("host") == host}
                missing, extra = docs.keys() - mine.keys(), mine.keys() - docs.keys()
                assert not missing and not extra, run.torture.why(
                    f"{collection}: {len(missing)} lost, {len(extra)} extra"
                )
                differing = [k for k in docs if docs[k] != mine[k]]
                assert not differing, run.torture.why(f"{collection}: {len(differing)} differ")
                assert not union.setdefault(collection, {}).keys() & docs.keys()
                union[collection].update(docs)
            assert not set(run.swept) & actual["switch"].keys() - local["switch"].keys()
        assert actual == union, "the remote holds exactly the union of the three stores"
        records = remote.host_records()
        assert set(records) == set(hosts)
        result["passed"] = True
        result["documents"] = {c: len(docs) for c, docs in actual.items()}
        result["documents_per_host"] = per_host
    except BaseException as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"[:3000]
        raise
    finally:
        for run in hosts.values():
            run.stop.set()
            run.writer.join(60)
        for proc in finals.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        result.update(
            seconds=round(time.monotonic() - started, 1),
            batch_size=SETTINGS.batch_size,
            switches_history_per_host=HOST_HISTORY,
            remote_batches=remote.batches(),
            per_host={
                host: {
                    "kills": run.torture.kills,
                    "failpoints_planned": sum(1 for p in HOST_SCHEDULE if p is not None),
                    "failpoints_fired": sum(1 for r in run.torture.report if r["fired"]),
                    "failpoints": run.torture.report,
                    "random_kills": run.random_kills,
                    "switches_written": run.log["written"],
                    "rewrites": run.log["rewrites"],
                    "deletes": run.log["deletes"],
                    "swept": len(run.swept),
                    "remote_batches": remote.batches(host),
                }
                for host, run in hosts.items()
            },
        )
        result["kills"] = sum(r["kills"] for r in result["per_host"].values())
        result["failpoints_fired"] = sum(r["failpoints_fired"] for r in result["per_host"].values())
        record_figures(artifacts, result, key)

    for run in hosts.values():
        assert {r["failpoint"].split(":")[0] for r in run.torture.report} == set(failpoints.NAMES)
        assert all(r["fired"] for r in run.torture.report)
