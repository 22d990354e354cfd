"""A bulk import keeps the day totals exact, and does its arithmetic once per import.

``deskmeter import`` writes every record in one store write: the kept rows of the days it
touches are recomputed once, in SQL and in one sweep over integer rows for the days where
switches overlap (``store/sqlite/day_refresh.py``, ``store/sqlite/combined.py``). The
property: after importing random records (several hosts, away stretches, overlaps, zero-length
switches, repeated ids, switches across midnight and Madrid's daylight-saving changes) into a
store that may hold switches already, every totals answer equals the reference computed from
the raw switches, in every zone and start of day, per host and for all hosts.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskmeter.formats import ImportContext, open_import
from deskmeter.importing.loader import import_switches
from deskmeter.models import Switch
from deskmeter.records import write_json
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.store.sqlite import day_refresh as sqlite_day_refresh
from tests.store_totals.support import BASES, HOSTS, MADRID, ZONES, answers, ranges, reference
from tests.store_totals.support import switches as random_switch


@contextmanager
def sqlite_store() -> Iterator[SQLiteStore]:
    with tempfile.TemporaryDirectory() as folder:
        store = SQLiteStore(Path(folder) / "totals.db")
        try:
            yield store
        finally:
            store.close()


def import_file(store: SQLiteStore, switches: list[Switch], folder: Path) -> int:
    """``deskmeter import FILE``'s path in process: an export file read, detected, imported."""
    path = folder / "export.json"
    with path.open("w", encoding="utf-8") as out:
        write_json(switches, out)
    _, source = open_import(str(path), ImportContext(tz=MADRID))
    result = import_switches(source, store, batch_size=7)  # many batches, one write
    assert not result.problems, result.problems
    return result.written


def check_all(store: SQLiteStore, base_index: int) -> None:
    """Ask in the zone the rows were kept for (maintained by the import), then the others."""
    base = BASES[base_index]
    for tz, day_start in ZONES:
        for start, end in ranges(base, tz, day_start):
            for host in (None, *HOSTS):
                got = answers(store, start, end, tz, day_start, host)
                want = reference(store, start, end, tz, day_start, host)
                for name, expected in want.items():
                    assert got[name] == expected, (name, tz.key, day_start, start, end, host)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    base_index=st.integers(0, len(BASES) - 1),
    zone_index=st.integers(0, len(ZONES) - 1),
)
def test_bulk_import_totals_equal_the_reference(
    data: st.DataObject, base_index: int, zone_index: int
) -> None:
    base = BASES[base_index]
    ids = st.integers(0, 60)
    before: list[Switch] = data.draw(st.lists(random_switch(ids, base), max_size=10))
    drawn: list[Switch] = data.draw(st.lists(random_switch(ids, base), min_size=1, max_size=60))
    owners = {s.id: s.host for s in before}  # an import never moves a switch between hosts
    imported = [replace(s, host=owners.get(s.id, s.host)) for s in drawn]
    with sqlite_store() as store, tempfile.TemporaryDirectory() as folder:
        tz, day_start = ZONES[zone_index]  # the zone the rows are kept for when importing
        store.day_totals(base, base + timedelta(days=1), tz, day_start=day_start)
        if before:
            store.add_switches(before)
        assert import_file(store, imported, Path(folder)) == len(imported)
        check_all(store, base_index)


def _many(count: int, seed: int) -> list[Switch]:
    """Overlapping switches of three hosts over a few weeks around Madrid's autumn change."""
    rng = random.Random(seed)
    base = BASES[0] - timedelta(days=12)
    out = []
    for number in range(count):
        start = base + timedelta(milliseconds=rng.randrange(0, 25 * 86_400_000))
        task = rng.choice((None, "work/a", "work/b", "home"))
        out.append(
            Switch(
                id=f"{number:024x}",
                date=start,
                delta=rng.choice((0, rng.randrange(1, 3_600_000), rng.randrange(1, 40_000_000)))
                / 1000,
                workspace_index=rng.randrange(0, 4),
                workspace=rng.choice(("code", "", "web")),
                task_id=task,
                task=task,
                host=rng.choice(HOSTS),
                away=rng.random() < 0.15,
            )
        )
    return out


def test_a_large_import_recomputes_its_days_once_and_exactly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An import of many batches is one write: the days are recomputed once (the old loader
    wrote batch by batch, recomputing the touched days after each); the totals are exact."""
    calls: list[Any] = []
    real = sqlite_day_refresh.refresh_days

    def counted(*args: Any, **kwargs: Any) -> None:
        calls.append(args[2])
        real(*args, **kwargs)

    monkeypatch.setattr(sqlite_day_refresh, "refresh_days", counted)
    monkeypatch.setattr("deskmeter.store.sqlite.totals.refresh_days", counted)
    switches = _many(3_000, seed=25)
    with SQLiteStore(tmp_path / "many.db") as store:
        tz, day_start = ZONES[1]
        store.day_totals(BASES[0], BASES[0] + timedelta(days=1), tz, day_start=day_start)
        written = import_switches(_records(switches, tmp_path), store, batch_size=250).written
        assert written == len(switches)
        assert len(calls) == 1, f"{len(calls)} recomputes for one import"
        check_all(store, 0)


def _records(switches: list[Switch], folder: Path) -> Any:
    path = folder / "export.json"
    with path.open("w", encoding="utf-8") as out:
        write_json(switches, out)
    return open_import(str(path), ImportContext(tz=MADRID))[1]
