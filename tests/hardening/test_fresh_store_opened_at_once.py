"""Processes that open a new SQLite store at the same moment all get it.

The tracker, the CLI and the dashboard may open a store file that does not exist yet at the
same time. Each asks for WAL mode; the loser of that race was answered "database is locked"
at once (SQLite does not wait in its busy handler there), so ``deskmeter track`` could exit
on its first start (seen about 2 in 50 runs of the desktop tests). Three processes open a
fresh file together, a hundred times over: on the old code about one opener in sixty failed,
so this fails there with near certainty (every failure is listed); now none may.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

from deskmeter.store.sqlite import SQLiteStore

ROUNDS = 100
OPENERS = 3


def _open(path: str, barrier: Any, results: Any) -> None:
    barrier.wait()
    try:
        SQLiteStore(Path(path)).close()
        results.put("")
    except Exception as exc:  # the failure is the finding, reported whole
        results.put(repr(exc))


def test_three_processes_opening_a_new_store_at_once_all_succeed(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    failures: list[str] = []
    for round_ in range(ROUNDS):
        path = tmp_path / f"round-{round_}" / "store.db"
        barrier, results = context.Barrier(OPENERS), context.Queue()
        workers = [
            context.Process(target=_open, args=(str(path), barrier, results))
            for _ in range(OPENERS)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
        failures += [r for r in (results.get(timeout=10) for _ in workers) if r]
        with SQLiteStore(path) as store:  # and the file is a whole store
            assert store.count_switches() == 0
    assert failures == []
