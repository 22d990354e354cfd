"""The sink's quick check of a switch document decides as building the switch does.

``sync/sink.operations`` ships a switch document only if it is inside ``deskmeter.limits``;
it used to build a ``Switch`` of every document to know. ``limits.plainly_valid_doc`` says
yes for the usual document with a few comparisons, and for anything else the switch is
built as before. The property: whatever the quick check accepts, ``switch_from_doc`` makes a
valid switch of; and a batch with documents outside the limits ships exactly the others (on
mongomock, an in-memory stand-in for MongoDB).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from deskmeter import limits
from deskmeter.models import Switch
from deskmeter.store.documents import switch_from_doc, switch_to_doc
from deskmeter.sync.changes import DocChange
from deskmeter.sync.sink import operations

GOOD = switch_to_doc(
    Switch(
        "0123456789abcdef01234567",
        datetime(2026, 5, 1, 9, tzinfo=UTC),
        60.5,
        1,
        "code",
        "work/a",
        "work/a",
        "desk",
        False,
    )
)
EDGES: dict[str, st.SearchStrategy[Any]] = {
    "_id": st.one_of(st.sampled_from(["", "a\x00", "x" * 129, "x" * 128]), st.integers()),
    "date": st.one_of(
        st.sampled_from(
            [
                datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC),
                datetime(2199, 12, 31, 23, 59, 59, 500000, tzinfo=UTC),
                datetime(2026, 5, 1, 11, tzinfo=timezone(timedelta(hours=2))),
                datetime(2026, 5, 1, 9),
            ]
        ),
        st.text(max_size=3),
    ),
    "delta": st.one_of(
        st.floats(allow_nan=True),
        st.sampled_from([0, 604800.0, 604800.0004, 604800.001, -0.0]),
        st.integers(),
    ),
    "workspace_index": st.one_of(st.integers(-3, 1100), st.booleans(), st.none()),
    "workspace": st.one_of(st.sampled_from(["", "x" * 501, "a\x00"]), st.integers(), st.none()),
    "task": st.one_of(st.sampled_from(["", "x" * 501]), st.integers(), st.none()),
    "task_id": st.one_of(st.sampled_from(["", "x" * 501]), st.integers(), st.none()),
    "host": st.one_of(st.sampled_from(["", "desk\u200b", "laptop"]), st.integers(), st.none()),
    "away": st.one_of(st.booleans(), st.integers(0, 2), st.none()),
}
MISSING = object()


@st.composite
def documents(draw: Any) -> dict[str, Any]:
    doc = dict(GOOD)
    for name in draw(st.sets(st.sampled_from(sorted(EDGES)), max_size=3)):
        value = draw(st.one_of(EDGES[name], st.just(MISSING)))
        if value is MISSING:
            doc.pop(name, None)
        else:
            doc[name] = value
    return doc


@settings(max_examples=2000, deadline=None)
@given(doc=documents())
def test_what_the_quick_check_accepts_makes_a_valid_switch(doc: dict[str, Any]) -> None:
    if limits.plainly_valid_doc(doc):
        switch = switch_from_doc(doc)
        limits.validate_switch(switch)
        assert (switch.id, switch.date, switch.host) == (doc["_id"], doc["date"], doc["host"])


def test_the_usual_document_takes_the_quick_check() -> None:
    assert limits.plainly_valid_doc(GOOD)


def test_a_batch_ships_its_documents_inside_the_limits_and_only_those() -> None:
    outside = [{**GOOD, "_id": f"bad{n}", "delta": value} for n, value in enumerate((-1.0, 1e9))]
    inside = [{**GOOD, "_id": f"ok{n}", "delta": float(n)} for n in range(5)]
    changes = [DocChange("switch", d["_id"], d) for d in [*inside, *outside]]
    ops = operations(changes, "desk")["switch"]
    assert [op._filter["_id"] for op in ops] == [d["_id"] for d in inside]  # type: ignore[union-attr]
