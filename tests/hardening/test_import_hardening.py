"""Issue 12, case 2 (import): bad records are skipped and reported, never abort the rest;
numeric epoch dates are UTC; the summary is exact while the tracker writes meanwhile."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deskmeter.importing import import_switches, record_to_switch
from deskmeter.importing.readers import ImportSource
from deskmeter.models import Switch
from deskmeter.store.sqlite import SQLiteStore


def records(n: int, bad_at: int, bad: dict[str, Any]) -> list[dict[str, Any]]:
    out = [
        {"_id": f"r{i:06d}", "date": 1_700_000_000 + i * 60, "delta": 30, "workspace": "w"}
        for i in range(n)
    ]
    out[bad_at] = {**out[bad_at], **bad}
    return out


def test_a_nan_delta_is_skipped_and_everything_else_stored(tmp_path: Path, xdg: Path) -> None:
    # the issue: a NaN delta in the middle stored only the records before its batch
    data = records(5000, 2500, {"delta": math.nan})
    data[100]["date"] = 1e300  # an epoch far past any calendar
    data[200]["delta"] = 1e12
    source = tmp_path / "in.json"
    source.write_text(json.dumps(data), encoding="utf-8")  # NaN → JSON's NaN literal
    store = tmp_path / "s.db"
    done = subprocess.run(
        [sys.executable, "-m", "deskmeter", "--store", str(store), "import", str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "imported 4997 switches" in done.stdout and "3 skipped" in done.stdout, done.stdout
    assert done.stderr.count("skipped record") == 3, done.stderr
    with SQLiteStore(store) as check:
        assert check.count_switches() == 4997


def test_json_nested_thousands_deep_is_refused_with_a_message(tmp_path: Path, xdg: Path) -> None:
    """A hostile file (arrays nested 100,000 deep, in a field no reader looks at, or as the
    whole file) gets one line of error and writes nothing; it used to end in a traceback."""
    deep = "[" * 100_000 + "]" * 100_000
    good = '{"id": "a", "date": "2026-05-01T09:00:00+00:00", "delta": 1, "workspace_index": 0'
    store = tmp_path / "s.db"
    for name, text in (("field", f'[{good}, "end": {deep}}}]'), ("whole", deep)):
        source = tmp_path / f"{name}.json"
        source.write_text(text, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "deskmeter", "--store", str(store), "import", str(source)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 1, (name, done.stderr)
        assert "Traceback" not in done.stderr
        assert "nested too deeply" in done.stderr, (name, done.stderr)
    with SQLiteStore(store) as check:
        assert check.count_switches() == 0


def test_numeric_epoch_dates_are_utc_whatever_the_machines_zone() -> None:
    env_tz = os.environ.get("TZ")
    try:
        os.environ["TZ"] = "America/New_York"
        time.tzset()
        switch = record_to_switch({"_id": "x", "date": 1_700_000_000, "delta": 5})
        millis = record_to_switch({"_id": "y", "date": 1_700_000_000_000, "delta": 5})
    finally:
        if env_tz is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = env_tz
        time.tzset()
    assert switch.date == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert millis.date == switch.date


class _SlowSource:
    """Records that arrive slowly, while another writer adds switches to the same store."""

    def __init__(self, data: list[dict[str, Any]], writer: threading.Event) -> None:
        self.data = data
        self.writer = writer

    def __iter__(self) -> Iterator[Mapping[str, Any]]:
        for number, record in enumerate(self.data):
            if number == len(self.data) // 2:
                self.writer.set()
                time.sleep(0.3)  # let the concurrent writer land between two batches
            yield record


def test_the_summary_is_exact_while_the_tracker_writes(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    data = records(400, 0, {})
    store.add_switches([record_to_switch(r) for r in data[:150]])  # 150 already there
    go = threading.Event()

    def tracker() -> None:
        go.wait(10)
        other = SQLiteStore(tmp_path / "s.db")
        other.add_switches(
            Switch(f"t{i}", datetime(2024, 1, 1, tzinfo=UTC), 1.0, 0, "w") for i in range(24)
        )
        other.close()

    thread = threading.Thread(target=tracker)
    thread.start()
    result = import_switches(
        ImportSource("slow", iter(_SlowSource(data, go)), len(data)), store, batch_size=50
    )
    thread.join()
    assert (result.written, result.new, result.written - result.new) == (400, 250, 150)
    assert store.count_switches() == 424
    store.close()
