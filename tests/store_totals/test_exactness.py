"""Every totals answer equals the reference computation after random writes (both backends).

Histories mix inserts, replacements (few ids, so writes often replace), deletes, edits,
``close_interval``, several hosts, away stretches, zero-length switches, switches across
midnight and across Madrid's daylight-saving changes; the queries ask in several time zones
and starts of day (SQLite rebuilds its rows for each), per host and for all hosts, over whole
days and over ranges that start and end mid-day.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import mongomock
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskmeter.store import Store
from deskmeter.store.mongo import MongoStore
from deskmeter.store.sqlite import SQLiteStore
from tests.store_totals.support import (
    BASES,
    HOSTS,
    ZONES,
    Step,
    answers,
    apply,
    ranges,
    reference,
    steps,
)


@contextmanager
def fresh(kind: str) -> Iterator[Store]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            store = SQLiteStore(Path(folder) / "totals.db")
            yield store
            store.close()
    else:
        yield MongoStore(
            "mongodb://mongomock.invalid/deskmeter",
            client=mongomock.MongoClient(tz_aware=True),
            database="deskmeter",
        )


def check(store: Store, base_index: int, queried: list[int]) -> None:
    """Ask first in the zone the history last asked in (SQLite's rows maintained by the
    writes since), then in the others (rebuilt for each)."""
    base = BASES[base_index]
    order = list(dict.fromkeys([*queried[-1:], *range(len(ZONES))]))
    for tz, day_start in (ZONES[i] for i in order):
        for start, end in ranges(base, tz, day_start):
            for host in (None, *HOSTS[:2]):
                got = answers(store, start, end, tz, day_start, host)
                want = reference(store, start, end, tz, day_start, host)
                for name, expected in want.items():
                    assert got[name] == expected, (name, tz.key, day_start, start, end, host)


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), base_index=st.integers(0, len(BASES) - 1))
def test_totals_equal_the_reference(kind: str, data: st.DataObject, base_index: int) -> None:
    history: list[Step] = data.draw(steps(BASES[base_index]))
    with fresh(kind) as store:
        queried: list[int] = []
        for number, step in enumerate(history):
            apply(store, step, number, queried)
        check(store, base_index, queried)
        if isinstance(store, SQLiteStore):  # read-only: kept rows in their zone, else switches
            with SQLiteStore(store.path, read_only=True) as reader:
                check(reader, base_index, [])
