"""The rule that counts time once across workstations (``store/overlap.py``), against a
second-by-second reference, and the contract that each backend's combined totals follow it."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskmeter.models import Switch
from deskmeter.store import Store
from deskmeter.store.overlap import credited_pieces
from tests.contract.conftest import make_store

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
TZ = ZoneInfo("UTC")


def switch(n: int, host: str, start: int, seconds: int, *, away: bool = False) -> Switch:
    return Switch(
        id=f"{host}-{n:04d}",
        date=T0 + timedelta(seconds=start),
        delta=float(seconds),
        workspace_index=0,
        workspace="main",
        task_id=f"task-{host}",
        task=f"work/{host}",
        host=host,
        away=away,
    )


def reference(switches: list[Switch]) -> tuple[dict[str, int], int]:
    """Seconds per host and away seconds, deciding every second by the written rule.

    One host's switches are counted as they are (its own view), whatever they overlap.
    """
    per_host: dict[str, int] = defaultdict(int)
    away = 0
    if len({s.host for s in switches}) <= 1:
        for s in switches:
            if s.away:
                away += int(s.delta)
            else:
                per_host[s.host] += int(s.delta)
        return {h: v for h, v in per_host.items() if v}, away
    end = max((int((s.end - T0).total_seconds()) for s in switches), default=0)
    for second in range(end):
        moment = T0 + timedelta(seconds=second)
        covering = [s for s in switches if s.date <= moment < s.end]
        working = [s for s in covering if not s.away]
        if working:
            latest = max(working, key=lambda s: (s.date, s.host, s.id))
            per_host[latest.host] += sum(1 for s in working if s.host == latest.host)
        elif covering:
            away += 1
    return dict(per_host), away


def credited(switches: list[Switch]) -> tuple[dict[str, int], int]:
    per_host: dict[str, float] = defaultdict(float)
    away = 0.0
    for piece in credited_pieces(switches):
        if piece.away:
            away += piece.delta
        else:
            per_host[piece.host] += piece.delta
    return {h: round(v) for h, v in per_host.items() if round(v)}, round(away)


intervals = st.lists(
    st.tuples(
        st.sampled_from(["desk", "laptop", "nuc"]),
        st.integers(0, 120),
        st.integers(0, 60),
        st.booleans(),
    ),
    max_size=14,
)


@settings(max_examples=300, deadline=None)
@given(intervals)
def test_credited_pieces_follow_the_most_recent_switch_wins_rule(
    spec: list[tuple[str, int, int, bool]],
) -> None:
    switches = [switch(n, h, a, d, away=aw) for n, (h, a, d, aw) in enumerate(spec)]
    assert credited(switches) == reference(switches)


@settings(max_examples=100, deadline=None)
@given(intervals)
def test_every_piece_lies_inside_its_switch(spec: list[tuple[str, int, int, bool]]) -> None:
    switches = {
        s.id: s for s in (switch(n, h, a, d, away=aw) for n, (h, a, d, aw) in enumerate(spec))
    }
    for piece in credited_pieces(list(switches.values())):
        whole = switches[piece.id]
        assert whole.date <= piece.date <= piece.end <= whole.end
        assert (piece.task, piece.host, piece.away) == (whole.task, whole.host, whole.away)


def test_a_single_hosts_switches_are_counted_as_they_are_even_when_they_overlap() -> None:
    switches = [switch(1, "desk", 0, 60), switch(2, "desk", 30, 60)]
    assert credited_pieces(switches) == switches


def test_the_laptop_opened_later_takes_the_overlap_from_the_desktop_left_on() -> None:
    desk = switch(1, "desk", 0, 3600)  # 08:00-09:00
    laptop = switch(2, "laptop", 1200, 600)  # 08:20-08:30
    pieces = credited_pieces([desk, laptop])
    assert [(p.host, p.date, p.delta) for p in pieces] == [
        ("desk", T0, 1200.0),
        ("laptop", T0 + timedelta(seconds=1200), 600.0),
        ("desk", T0 + timedelta(seconds=1800), 1800.0),
    ]


def test_away_on_one_host_never_takes_work_from_another() -> None:
    desk_away = switch(1, "desk", 0, 600, away=True)
    laptop = switch(2, "laptop", 0, 300)
    assert credited([desk_away, laptop]) == ({"laptop": 300}, 300)


@pytest.fixture(params=["sqlite", "mongomock"])
def two_host_store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    gen = make_store(request.param, tmp_path)
    store = next(gen)
    request.addfinalizer(lambda: next(gen, None))
    store.add_switches(
        [
            switch(1, "desk", 0, 3600),
            switch(2, "laptop", 1200, 600),
            switch(3, "laptop", 7200, 600),
        ]
    )
    return store


def test_each_host_sees_its_own_time_and_all_counts_the_overlap_once(two_host_store: Store) -> None:
    store = two_host_store
    day = T0.replace(hour=0)
    end = day + timedelta(days=1)

    def seconds(host: str | None) -> dict[str, float]:
        return {t.key: t.seconds for t in store.day_totals(day, end, TZ, host=host)}

    assert seconds("desk") == {"work/desk": 3600.0}
    assert seconds("laptop") == {"work/laptop": 1200.0}
    assert seconds(None) == {"work/desk": 3000.0, "work/laptop": 1200.0}
    assert seconds("nobody") == {}
    assert store.count_switches(host="laptop") == 2
    assert [s.id for s in store.switches(host="desk")] == ["desk-0001"]
    assert store.count_switches(host="nobody") == 0
    assert sorted(store.last_switch_ends()) == ["desk", "laptop"]
    assert store.last_switch_ends()["laptop"] == T0 + timedelta(seconds=7800)
    assert [h.name for h in store.hosts()] == ["desk", "laptop"]
