"""An imported record is checked once, and the quick way decides as ``SwitchRecord`` does.

``record_to_switch`` builds the ``Switch`` straight from a record whose fields need no
coercion (its texts already text), so the switch's own limits check is the only one; other
records go through the ``SwitchRecord`` model as before. The property: for records with
fields of every JSON type, both ways accept the same records and give the same switch, or both
refuse them (with a ``RecordError``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from deskmeter import limits
from deskmeter.importing.records import RecordError, record_to_switch
from deskmeter.limits import LimitError
from deskmeter.models import Switch, as_utc
from deskmeter.records import SwitchRecord

TEXTS = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["", "work/a", "bench", "a\x00b", "x" * 600, "desk\u200b", "laptop"]),
)
VALUES = st.one_of(
    st.none(),
    TEXTS,
    st.integers(-5, 10**20),
    st.floats(allow_nan=True),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
)
DATES = ("2026-05-01T09:00:00+00:00", "2026-05-01T11:00:00+02:00", "1969-12-31T23:00:00Z")


def through_the_model(record: dict[str, Any]) -> Switch | None:
    """What the model-only path (before the quick one) made of ``record``: None = refused."""
    try:
        fields = {
            "id": record["id"],
            "date": record["date"],
            "delta": float(record["delta"]),
            "workspace_index": record["workspace_index"],
            "workspace": record["workspace"],
            "task_id": record["task_id"],
            "task": record["task"],
            "host": record["host"] or "",
            "away": record["away"],
        }
        return SwitchRecord.model_validate(fields).to_switch()
    except (ValidationError, LimitError, ValueError):
        return None


@settings(max_examples=300, deadline=None)
@given(
    record_id=st.one_of(TEXTS.filter(bool), st.integers(0, 10**6)),
    task=VALUES,
    task_id=VALUES,
    host=VALUES,
    workspace=TEXTS,
    delta=st.one_of(st.floats(0, 10 * 86400), st.just(float("inf"))),
    date=st.sampled_from(DATES),
)
def test_the_quick_way_accepts_and_refuses_as_the_model_does(
    record_id: Any, task: Any, task_id: Any, host: Any, workspace: str, delta: float, date: str
) -> None:
    record = {
        "id": record_id,
        "date": date,
        "delta": delta,
        "workspace_index": 1,
        "workspace": workspace,
        "task_id": task_id,
        "task": task,
        "host": host,
        "away": False,
    }
    expected = through_the_model({**record, "id": str(record_id), "date": _date(date)})
    if expected is None:
        with pytest.raises(RecordError):
            record_to_switch(record)
    else:
        got = record_to_switch(record)
        assert got == expected
        assert got.checked


def _date(text: str) -> Any:
    return as_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))


def test_each_record_is_checked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """One limits check per imported record (the issue measured three)."""
    calls = []
    real = limits.validate_switch

    def counted(switch: Any) -> None:
        calls.append(switch.id)
        real(switch)

    monkeypatch.setattr(limits, "validate_switch", counted)
    for number in range(50):
        record = {
            "id": f"{number:024x}",
            "date": "2026-05-01T09:00:00+00:00",
            "delta": 60.0,
            "workspace": "code",
            "task": "work/a",
            "host": "desk",
        }
        record_to_switch(record)
    assert len(calls) == 50
