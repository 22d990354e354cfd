"""The bulk write's own ways of keeping the day totals give the reference's totals.

From a couple of thousand switches a write notes its days by UTC day
(``DayTotals._note_bulk``), finds the overlaps of a dense span in one window pass
(``day_refresh._mixed_days``) and keeps no rows of the combined scope while one host has
switches (its own rows answer for all hosts); an import writes values checked at the boundary
(``importing/quick.py``, ``SwitchTable.put_values``). The small random histories of
``test_bulk_import.py`` never reach those sizes: here random imports of thousands of switches
(one host and three; away stretches, overlaps, zero-length switches, repeated ids, switches
across midnight and both of Madrid's daylight-saving changes; dense weeks with empty days and
sparse years) into stores that hold switches already (some replaced), compared with the
reference in every zone and start of day, per host and for all hosts.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskmeter.formats import ImportContext, open_import
from deskmeter.importing.loader import import_switches
from deskmeter.models import Switch
from deskmeter.records import write_json
from deskmeter.store.sqlite import SQLiteStore, day_refresh
from deskmeter.store.totals import local_midnight
from tests.store_totals.support import BASES, HOSTS, MADRID, ZONES, answers, reference


@contextmanager
def kept_for(zone: tuple[ZoneInfo, timedelta], path: Path) -> Iterator[SQLiteStore]:
    """A new store at ``path`` whose day totals are kept for ``zone`` (a time zone and its
    start of day) from its first write on."""
    with SQLiteStore(path) as store:
        tz, day_start = zone
        store.day_totals(BASES[0], BASES[0] + timedelta(days=1), tz, day_start=day_start)
        yield store


@pytest.fixture
def overlap_passes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One item per window pass for overlaps (``day_refresh.overlap_days``) from here on."""
    passes: list[int] = []
    real = day_refresh.overlap_days
    monkeypatch.setattr(
        day_refresh,
        "overlap_days",
        lambda *a: passes.append(1) or real(*a),  # type: ignore[func-returns-value]
    )
    return passes


TASKS = (None, "work/a", "work/b", "home", "")
WORKSPACES = ((0, "code"), (1, ""), (2, "web"))


def history(seed: int, hosts: tuple[str, ...], days: int, busy: float, count: int) -> list[Switch]:
    """``count`` switches on the ``busy`` share of ``days`` days around Madrid's autumn change;
    every id keeps its host (an import never moves one), one in ten ids used twice."""
    rng = random.Random(seed)
    first = BASES[0] - timedelta(days=days // 2)
    chosen = [d for d in range(days) if rng.random() < busy] or [0]
    out = []
    for number in range(count):
        key = number if rng.random() > 0.1 else rng.randrange(0, max(1, number))
        day = rng.choice(chosen)
        start = first + timedelta(days=day, milliseconds=rng.randrange(0, 86_400_000))
        delta_ms = rng.choice((0, rng.randrange(1, 3_600_000), rng.randrange(1, 30 * 3_600_000)))
        index, workspace = rng.choice(WORKSPACES)
        task = rng.choice(TASKS)
        out.append(
            Switch(
                id=f"{key:024x}",
                date=start,
                delta=delta_ms / 1000,
                workspace_index=index,
                workspace=workspace,
                task_id=task,
                task=task,
                host=hosts[key % len(hosts)],
                away=rng.random() < 0.15,
            )
        )
    return out


def imported(store: SQLiteStore, switches: list[Switch], folder: Path) -> int:
    path = folder / "export.json"
    with path.open("w", encoding="utf-8") as out:
        write_json(switches, out)
    _, source = open_import(str(path), ImportContext(tz=MADRID))
    result = import_switches(source, store)
    assert not result.problems, result.problems
    return result.written


def spans(switches: list[Switch]) -> list[tuple[datetime, datetime]]:
    """The whole span of the switches (by local days), a month inside it, and one day."""
    lo = min(s.date for s in switches) - timedelta(days=1)
    hi = max(s.end for s in switches) + timedelta(days=1)
    return [
        (lo, hi),
        (BASES[0] - timedelta(days=20), BASES[0] + timedelta(days=11)),
        (BASES[0], BASES[0] + timedelta(days=1)),
    ]


CASES = {
    "one host, dense weeks with empty days": (HOSTS[:1], 60, 0.7, 2_500),
    "three hosts, dense weeks with empty days": (HOSTS, 60, 0.7, 2_500),
    "three hosts, a sparse three years": (HOSTS, 3 * 365, 0.05, 2_200),
    # more days than switches: the days noted one by one (``_note_bulk``'s sparse way)
    "two hosts, a sparse ten years": (HOSTS[:2], 10 * 365, 0.02, 2_100),
    "one host, two dense seasons (both daylight-saving changes)": (HOSTS[:1], 160, 0.9, 3_000),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("zone_index", [0, 1, 2, 3])
def test_a_bulk_import_keeps_the_reference_totals(
    case: str, zone_index: int, tmp_path: Path, overlap_passes: list[int]
) -> None:
    hosts, days, busy, count = CASES[case]
    seed = zone_index * 100 + sorted(CASES).index(case)
    switches = history(seed, hosts, days, busy, count)
    before = history(seed + 1, hosts, days, busy, count // 4)  # ids shared: some replaced
    with kept_for(ZONES[zone_index], tmp_path / "bulk.db") as store:
        tz, day_start = ZONES[zone_index]  # the zone the rows are kept for while importing
        store.add_switches(before)
        overlap_passes.clear()
        assert imported(store, switches, tmp_path) == len(switches)
        if busy > 0.5:  # the whole dense span in one pass (not one per run of days); with
            # one host, none: its rows answer for all hosts, no combined scope is made
            assert len(overlap_passes) == (1 if len(hosts) > 1 else 0)
        for start, end in spans(switches):
            lo = local_midnight(start.astimezone(tz).date(), tz, day_start)
            hi = local_midnight(end.astimezone(tz).date(), tz, day_start)
            for a, b in ((lo, hi), (start, end)):  # whole days and ragged edges
                for host in (None, *hosts):
                    got = answers(store, a, b, tz, day_start, host)
                    want = reference(store, a, b, tz, day_start, host)
                    for name, expected in want.items():
                        assert got[name] == expected, (name, case, a, b, host)


def named(row: tuple[int, ...], text: dict[int, object]) -> tuple[object, ...]:
    """A kept row with its label numbers as their texts (numbered in any order)."""
    if len(row) == 3:  # day_host: host, day, switches
        return (text[row[0]], *row[1:])
    return (text[row[0]], row[1], row[2], text[row[3]], *row[4:])


def kept_rows(store: SQLiteStore) -> list[list[tuple[object, ...]]]:
    """The kept tables' rows with label numbers as their texts (comparable across stores)."""
    db = store.connections.db()
    text: dict[int, object] = dict(db.execute("SELECT id, text FROM label").fetchall())
    text[0] = 0  # the combined scope; no task; away's label
    return [
        sorted((named(row, text) for row in db.execute(f"SELECT * FROM {table}")), key=repr)
        for table in ("day_total", "day_host", "month_total")
    ]


def assert_reference_totals(
    store: SQLiteStore, lo: datetime, hi: datetime, zone: int, hosts: tuple[str, ...]
) -> None:
    """The kept answers over ``[lo, hi)`` equal the reference, for all hosts and each one."""
    tz, day_start = ZONES[zone]
    for host in (None, *hosts):
        want = reference(store, lo, hi, tz, day_start, host)
        got = answers(store, lo, hi, tz, day_start, host)
        assert all(got[k] == v for k, v in want.items()), host


def test_a_bulk_write_of_switch_values_equals_one_of_switches(tmp_path: Path) -> None:
    """``add_switch_values`` (an import's values) and ``add_switches`` (``Switch`` values)
    leave the same switches and the same kept rows."""
    from deskmeter.models import switch_values

    switches = history(7, HOSTS, 60, 0.7, 2_500)
    tables = []
    for name, write in (
        ("switches", lambda s: s.add_switches(switches)),
        ("values", lambda s: s.add_switch_values([switch_values(x) for x in switches])),
    ):
        with kept_for(ZONES[0], tmp_path / f"{name}.db") as store:
            write(store)
            tables.append([*kept_rows(store), store.switches()])
            assert store.count_switches() == len({s.id for s in switches})
    assert tables[0] == tables[1]
    assert datetime(2026, 1, 1, tzinfo=UTC) < BASES[0]  # the data is where the reference looks


def test_a_first_import_counts_an_id_repeated_across_its_batches_once(tmp_path: Path) -> None:
    """Into an empty store an import looks up no old row (only its own can be replaced):
    an id written again in a later batch of 10,000 is still counted once, and the kept rows
    equal those of a write that looks every id up (``add_switches``)."""
    switches = history(11, HOSTS[:2], 90, 0.8, 25_000)  # one id in ten used again
    late = [s.id for s in switches[20_001:]]
    assert set(late) & {s.id for s in switches[:10_000]}  # across batches
    kept = []
    for name in ("import", "switches"):
        with kept_for(ZONES[1], tmp_path / f"{name}.db") as store:
            if name == "import":
                imported(store, switches, tmp_path)
            else:
                store.add_switches(switches)
            db = store.connections.db()
            distinct = len({s.id for s in switches})
            assert store.count_switches() == distinct
            assert db.execute("SELECT switches FROM day_total_state").fetchone()[0] == distinct
            kept.append(kept_rows(store))
            assert_reference_totals(store, *spans(switches)[1], 1, HOSTS[:2])
    assert kept[0] == kept[1]


def _one_after_another(switches: list[Switch]) -> list[Switch]:
    """``switches`` by start, each cut to end where the next begins (none overlap)."""
    ordered = sorted({s.id: s for s in switches}.values(), key=lambda s: (s.date, s.id))
    out = []
    for here, after in zip(ordered, [*ordered[1:], None], strict=True):
        delta = here.delta
        if after is not None:
            delta = min(delta, round((after.date - here.date).total_seconds(), 3))
        out.append(
            Switch(
                here.id,
                here.date,
                delta,
                here.workspace_index,
                here.workspace,
                here.task_id,
                here.task,
                here.host,
                here.away,
            )
        )
    return out


@pytest.mark.parametrize("overlapping", [False, True])
def test_a_first_import_skips_the_overlap_pass_only_when_no_switches_overlap(
    overlapping: bool, tmp_path: Path, overlap_passes: list[int]
) -> None:
    """Into an empty store, switches that never overlap (as the tracker writes them) need no
    window pass for overlaps: the import checks its own columns instead, and the kept rows
    are those of a write that runs the pass; any overlap (several hosts at once) runs it."""
    switches = history(12, HOSTS, 90, 0.8, 12_000)
    if not overlapping:
        switches = _one_after_another(switches)
    assert day_refresh.spans_apart(
        [round(s.date.timestamp() * 1e6) for s in switches],
        [round(s.delta * 1000) for s in switches],
    ) is (not overlapping)
    kept = []
    for name in ("import", "switches"):
        overlap_passes.clear()
        with kept_for(ZONES[2], tmp_path / f"{name}-{overlapping}.db") as store:
            if name == "import":
                imported(store, switches, tmp_path)
                assert bool(overlap_passes) is overlapping
            else:
                store.add_switches(switches)
                assert overlap_passes  # (a write of Switch values always runs it)
            kept.append(kept_rows(store))
            assert_reference_totals(store, *spans(switches)[1], 2, HOSTS)
    assert kept[0] == kept[1]


@pytest.mark.parametrize("seed", range(200))
def test_spans_apart_says_true_only_of_spans_no_two_of_which_overlap(seed: int) -> None:
    rng = random.Random(seed)
    spans_ = sorted(
        (rng.randrange(0, 50) * 1000, rng.choice((0, 0, 1, 2, 5, 9)))
        for _ in range(rng.randrange(0, 8))
    )
    if rng.random() < 0.3:
        rng.shuffle(spans_)
    starts, deltas = [s for s, _ in spans_], [d for _, d in spans_]
    overlap = any(
        a[1] > 0 and b[1] > 0 and a[0] < b[0] + b[1] * 1000 and b[0] < a[0] + a[1] * 1000
        for i, a in enumerate(spans_)
        for b in spans_[i + 1 :]
    )
    in_order = starts == sorted(starts)
    apart = day_refresh.spans_apart(starts, deltas)
    if apart:
        assert not overlap and in_order
    zero_inside = any(
        d == 0 and any(b > 0 and t < s < t + b * 1000 for t, b in spans_) for s, d in spans_
    )
    if in_order and not overlap and not zero_inside:
        assert apart


def test_a_write_after_a_first_import_in_one_transaction_runs_the_overlap_pass(
    tmp_path: Path,
) -> None:
    """Switches that do not overlap, written into an empty store inside a transaction that
    then writes one overlapping them: the kept totals still see the overlap (the shortcut is
    only for a transaction whose last write found none)."""
    from deskmeter.models import switch_values

    apart = _one_after_another(history(13, HOSTS[:2], 20, 0.9, 600))
    middle = apart[300]
    late = Switch(
        "late-one",
        middle.date,
        3600.0,
        0,
        "code",
        None,
        "work/a",
        "laptop" if middle.host == "desk" else "desk",
        False,
    )
    with kept_for(ZONES[0], tmp_path / "nested.db") as store:
        tz, day_start = ZONES[0]
        table = store._switches  # the store's own transaction, for the test
        with table.transaction() as db:
            table.add_values([switch_values(s) for s in apart])
            table.put(db, [late])
        lo = local_midnight(middle.date.astimezone(tz).date(), tz, day_start)
        assert_reference_totals(store, lo, lo + timedelta(days=2), 0, HOSTS[:2])


def test_the_combined_rows_are_kept_exactly_while_two_hosts_or_more_have_switches(
    tmp_path: Path,
) -> None:
    """A one-host store keeps no rows of the combined scope (its own rows answer for all
    hosts). The write that brings a second host makes them for every day, the days of the
    first host it does not touch included; the one that leaves one host drops them. After
    each step the kept rows equal those of a fresh store written with the same switches, and
    the answers equal the reference over the whole span, per host and for all hosts."""
    desk = history(21, ("desk",), 60, 0.7, 2_000)  # overlaps among its own switches
    laptop = [replace(s, id=f"l{s.id}") for s in history(22, ("laptop",), 60, 0.3, 600)]
    tz, day_start = ZONES[1]
    lo = min(s.date for s in desk + laptop) - timedelta(days=1)
    hi = max(s.end for s in desk + laptop) + timedelta(days=1)

    def combined(store: SQLiteStore) -> int:
        db = store.connections.db()
        return sum(
            db.execute(f"SELECT COUNT(*) FROM {table} WHERE host = 0").fetchone()[0]
            for table in ("day_total", "month_total")
        )

    def fresh(switches: list[Switch], name: str) -> list[list[tuple[object, ...]]]:
        with SQLiteStore(tmp_path / f"{name}.db") as store:
            store.day_totals(lo, lo + timedelta(days=1), tz, day_start=day_start)
            store.add_switches(switches)
            return kept_rows(store)

    with SQLiteStore(tmp_path / "steps.db") as store:
        store.day_totals(lo, lo + timedelta(days=1), tz, day_start=day_start)
        steps = (
            ("one host", lambda: store.add_switches(desk), ("desk",), 0),
            ("a second host", lambda: imported(store, laptop, tmp_path), ("desk", "laptop"), 1),
            ("one host again", lambda: store.delete_switches(s.id for s in laptop), ("desk",), 0),
            ("two again", lambda: store.add_switches(laptop[:50]), ("desk", "laptop"), 1),
        )
        for number, (step, write, hosts, kept) in enumerate(steps):
            write()
            assert (combined(store) > 0) == bool(kept), step
            now = store.switches()
            assert kept_rows(store) == fresh(now, f"fresh{number}"), step
            assert_reference_totals(store, lo, hi, 1, hosts)
            day = local_midnight(min(s.date for s in desk).astimezone(tz).date(), tz, day_start)
            assert_reference_totals(store, day, day + timedelta(days=1), 1, hosts)


def test_a_first_write_without_the_id_index_leaves_each_id_its_last_value(tmp_path: Path) -> None:
    """A first write of 10,000 switches or more makes the id index at its end. An id written
    again at another start (and one written back at its first start after that) keeps the
    row of its last value, as a write that keeps the index row by row leaves it; the index
    made is the schema's (unique: a second row of an id is refused afterwards)."""
    from deskmeter.models import switch_values
    from deskmeter.store.sqlite import bulk_write, schema

    assert bulk_write.ID_INDEX + ";" in schema.SCHEMA
    plenty = history(31, HOSTS[:1], 200, 0.9, 12_000)
    unique = list({s.id: s for s in plenty}.values())
    first, second = unique[0], unique[1]
    moved = [
        replace(first, date=first.date + timedelta(hours=1)),  # another start
        replace(second, date=second.date + timedelta(hours=2)),
        replace(second, date=second.date, delta=second.delta + 1),  # back, another length
    ]
    written = plenty + moved
    kept = []
    for name in ("late index", "index kept"):
        with kept_for(ZONES[2], tmp_path / f"{name}.db") as store:
            if name == "late index":
                result = store.add_switch_values([switch_values(s) for s in written])
                assert result == (len(written), len({s.id for s in written}))
            else:  # the index kept row by row: written in batches under the late index's size
                for start in range(0, len(written), 5_000):
                    store.add_switches(written[start : start + 5_000])
            got = {s.id: s for s in store.switches()}
            assert got[first.id].date == moved[0].date
            assert (got[second.id].date, got[second.id].delta) == (second.date, moved[2].delta)
            assert len(got) == store.count_switches() == len({s.id for s in written})
            db = store.connections.db()
            assert (
                db.execute("SELECT sql FROM sqlite_master WHERE name = 'switch_by_id'").fetchone()[
                    0
                ]
                == bulk_write.ID_INDEX
            )
            kept.append((kept_rows(store), sorted(got.values(), key=lambda s: s.id)))
            lo = min(s.date for s in written) - timedelta(days=1)
            hi = max(s.end for s in written) + timedelta(days=1)
            assert_reference_totals(store, lo, hi, 2, HOSTS[:1])
    assert kept[0] == kept[1]


def test_a_first_import_into_a_file_whose_id_index_was_dropped_by_hand_makes_it(
    tmp_path: Path,
) -> None:
    """The late id index does not assume the index is there: a file someone took it from
    still takes a first import, and has the index afterwards."""
    from deskmeter.models import switch_values
    from deskmeter.store.sqlite import bulk_write

    switches = history(41, HOSTS[:1], 120, 0.9, 11_000)
    with kept_for(ZONES[0], tmp_path / "no-index.db") as store:
        store.connections.db().execute("DROP INDEX switch_by_id")
        written = store.add_switch_values([switch_values(s) for s in switches])
        assert written == (len(switches), len({s.id for s in switches}))
        found = store.connections.query("SELECT sql FROM sqlite_master WHERE name = 'switch_by_id'")
        assert found == [(bulk_write.ID_INDEX,)]


def test_a_first_import_that_fails_halfway_leaves_the_store_and_its_id_index_as_they_were(
    tmp_path: Path,
) -> None:
    """The late id index is dropped inside the import's transaction: a write that fails
    after its first batch (here its progress callback raises, as an interrupted import's
    would) rolls back the drop with the rows, and the store takes the import afterwards."""
    from deskmeter.models import switch_values

    switches = history(43, HOSTS[:1], 120, 0.9, 21_000)
    values = [switch_values(s) for s in switches]
    told: list[int] = []

    def interrupted(count: int) -> None:
        told.append(count)
        if len(told) == 2:
            raise KeyboardInterrupt

    with kept_for(ZONES[3], tmp_path / "halfway.db") as store:
        before = kept_rows(store)
        with pytest.raises(KeyboardInterrupt):
            store.add_switch_values(values, interrupted)
        assert told == [10_000, 10_000]
        assert store.count_switches() == 0
        assert kept_rows(store) == before
        index = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'switch_by_id'"
        assert store.connections.query(index)[0][0] == 1
        assert store.add_switch_values(values).written == len(values)
        lo = min(s.date for s in switches) - timedelta(days=1)
        hi = max(s.end for s in switches) + timedelta(days=1)
        assert_reference_totals(store, lo, hi, 3, HOSTS[:1])
