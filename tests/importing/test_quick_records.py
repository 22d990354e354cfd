"""The import's quick way (``importing/quick.py``) decides exactly as the per-record way does.

A bulk import turns the usual record straight into the values the store writes; anything
else goes through ``record_to_switch``. The properties: on random records with fields of
every type and at every limit, whatever the quick way accepts, ``record_to_switch`` accepts
too and makes the same switch of (the same values); whatever ``record_to_switch`` refuses,
the quick way leaves to it (so the message is its own). And the quick way is the one taken
for what ``deskmeter export --format json`` writes (else it would speed nothing up).
"""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from deskmeter.importing.quick import QuickRecords
from deskmeter.importing.records import RecordError, record_to_switch
from deskmeter.models import switch_values, values_switch
from deskmeter.records import write_json
from tests.store_totals.support import BASES, HOSTS
from tests.store_totals.support import switches as random_switch

MISSING = object()
TEXTS = st.one_of(
    st.sampled_from(["", "code", "work/a", "bench", "a\x00b", "x" * 500, "x" * 501, "desk\u200b"]),
    st.text(max_size=6),
)
ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.integers(), max_size=1),
    st.dictionaries(st.just("$oid"), st.just("0123456789abcdef01234567"), max_size=1),
)
DATES = st.one_of(
    st.sampled_from(
        [
            "2026-05-01T09:00:00+00:00",
            "2026-05-01T11:00:00.123456+02:00",
            "2026-05-01T09:00:00Z",
            "2026-05-01T09:00:00",  # naive: UTC
            "1970-01-01T00:00:00+00:00",
            "1969-12-31T23:59:59.999999+00:00",
            "2199-12-31T23:59:58+00:00",
            "2199-12-31T23:59:59.5+00:00",
            "2200-01-01T00:00:00+00:00",
            "9999-12-31T23:59:59-12:00",
            "not a date",
            "",
        ]
    ),
    st.datetimes(timezones=st.just(None)).map(lambda d: d.isoformat()),
    ODD,
)
DELTAS = st.one_of(
    st.floats(-1, 8 * 86400),
    st.sampled_from([0, 0.0, -0.0, 0.0004, 0.0005, 604800, 604800.0004, 604800.0006, 604801]),
    st.integers(-5, 10**400),
    ODD,
    st.just("12.5"),
)


GOOD = {
    "id": st.sampled_from(["0123456789abcdef01234567", "s001", "x" * 128]),
    "date": st.sampled_from(["2026-05-01T09:00:00+00:00", "2026-10-25T02:30:00.5+01:00"]),
    "delta": st.one_of(st.floats(0, 7 * 86400), st.integers(0, 7 * 86400)),
    "workspace_index": st.integers(-1, 1023),
    "workspace": st.sampled_from(["", "code", "x" * 500]),
    "task_id": st.sampled_from([None, "work/a", "@7"]),
    "task": st.sampled_from([None, "", "work/a"]),
    "host": st.sampled_from(["", "desk", "laptop"]),
    "away": st.booleans(),
}
EDGES = {
    "id": st.one_of(TEXTS, st.text(min_size=120, max_size=130), ODD),
    "date": DATES,
    "delta": DELTAS,
    "workspace_index": st.one_of(st.integers(-3, 1100), ODD),
    "workspace": st.one_of(TEXTS, ODD),
    "task_id": st.one_of(TEXTS, ODD),
    "task": st.one_of(TEXTS, ODD),
    "host": st.one_of(TEXTS, ODD),
    "away": st.one_of(st.booleans(), st.sampled_from(["true", "1", 1, 0, ""])),
    "_id": st.one_of(TEXTS, ODD),
}


@st.composite
def records(draw: Any) -> dict[str, Any]:
    """A well-typed record with up to three fields at an edge, of another type, or left
    out (so that both ways are taken, and both answers compared, often)."""
    record = {name: draw(values) for name, values in GOOD.items()}
    for name in draw(st.sets(st.sampled_from(sorted(EDGES)), max_size=3)):
        value = draw(st.one_of(EDGES[name], st.just(MISSING)))
        if value is MISSING:
            record.pop(name, None)
        else:
            record[name] = value
    return record


def the_exact_way(record: dict[str, Any], host: str | None) -> Any:
    try:
        return switch_values(record_to_switch(record, host=host))
    except (RecordError, ValueError, TypeError, OverflowError) as exc:
        return f"refused: {exc}"


@settings(max_examples=3000, deadline=None)
@given(record=records(), host=st.sampled_from([None, "desk", "desk\u200b"]))
def test_what_the_quick_way_accepts_the_exact_way_makes_the_same(
    record: dict[str, Any], host: str | None
) -> None:
    quick = QuickRecords(host).values(record)
    exact = the_exact_way(record, host)
    if quick is None:
        return  # left to the exact way: accepted, refused and described as ever
    assert quick == exact, (record, quick, exact)
    assert switch_values(values_switch(quick)) == quick  # and back, the same switch


@settings(max_examples=200, deadline=None)
@given(record=records())
def test_a_record_the_exact_way_refuses_is_never_taken_the_quick_way(
    record: dict[str, Any],
) -> None:
    if isinstance(the_exact_way(record, None), str):
        assert QuickRecords().values(record) is None, record


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_every_exported_record_takes_the_quick_way(data: st.DataObject) -> None:
    """What ``deskmeter export --format json`` writes (hosts, away, no task, zero-length,
    across midnight) is read back the quick way, to the same values."""
    switches = data.draw(st.lists(random_switch(st.integers(0, 999), BASES[0]), max_size=20))
    out = StringIO()
    write_json(switches, out)
    quick = QuickRecords()
    for switch, record in zip(switches, json.loads(out.getvalue()), strict=True):
        assert quick.values(record) == switch_values(switch)


def test_a_text_is_checked_once_per_import_and_a_refused_host_is_never_remembered() -> None:
    quick = QuickRecords()
    good = {"id": "a", "date": "2026-05-01T09:00:00+00:00", "delta": 1.0, "workspace_index": 0}
    assert quick.values({**good, "host": HOSTS[0], "workspace": "code"}) is not None
    assert quick.values({**good, "host": "desk\u200b", "workspace": "code"}) is None
    assert quick.values({**good, "host": "desk\u200b", "workspace": "code"}) is None
    assert quick.values({**good, "host": HOSTS[0], "workspace": "a\x00"}) is None
