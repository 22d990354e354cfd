"""The web benchmark runs end to end on a tiny store (the real run is not part of the tests)."""

from __future__ import annotations

import json
import os
from datetime import date
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from benchmarks import web_bench
from benchmarks.synthetic import generate


def test_synthetic_history_is_about_33000_switches_a_year_and_never_overlaps() -> None:
    switches = list(generate(date(2024, 1, 1), 365, ZoneInfo("Europe/Madrid")))
    assert 30_000 <= len(switches) <= 36_000
    for before, after in pairwise(switches):
        assert before.end <= after.date


def test_benchmark_prints_its_table_and_writes_json(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "web.json"
    results = web_bench.main(
        [
            "--years",
            "0.03",
            "--requests",
            "3",
            "--load-seconds",
            "1",
            "--threads",
            "1",
            "2",
            "--output",
            str(out),
        ]
    )
    printed = capsys.readouterr().out
    assert "calendar month page" in printed and "req/s" in printed
    written = json.loads(out.read_text())
    assert written == json.loads(json.dumps(results))
    size = written["sizes"][0]
    assert size["switches"] > 0 and size["load"]["requests_per_s"] > 0
    assert [run["threads"] for run in size["threads"]] == [1, 2]
    assert all(run["requests_per_s"] > 0 and run["workers"] == 1 for run in size["threads"])
    in_process = size["in_process_threads"]
    assert [run["threads"] for run in in_process] == [1, 2]
    assert all(run["requests_per_s"] > 0 and run["non_2xx"] == 0 for run in in_process)
    assert {row["scenario"] for row in size["rows"]} >= {
        "calendar month page",
        "totals API, a month by day",
        "totals API, a year by month",
        "switches page 1",
    }
    assert all("store_p50_ms" in row["ours"] for row in size["rows"])  # the store's share
    two = [s for s in written["sizes"] if s["hosts"] == 2]
    assert two and two[0]["view"] == "all hosts" and two[0]["switches"] > size["switches"]
    assert {"year page", "tasks page, all time"} <= {r["scenario"] for r in two[0]["rows"]}
    assert set(written["view_goals_two_hosts"]) >= {"year page", "calendar month page"}
    if not os.environ.get("DESKMETER_TEST_MONGODB_URI"):
        assert written["mongodb"]["mongodb (real server)"].startswith("skipped:")
        assert "skipped" in printed


def test_the_comparison_with_activitywatch_runs_and_writes_its_table(
    tmp_path: Path,
    capsys,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    """`make bench` on tiny sizes, without the tracker; ActivityWatch's side runs when its
    virtual environment exists (`make bench` makes it), else the run says it was skipped."""
    from benchmarks import versus_aw

    monkeypatch.setenv("DESKMETER_ARTIFACTS", str(tmp_path))
    results = versus_aw.main(["--quick", "--runs", "2", "--no-tracker"])
    printed = capsys.readouterr().out
    assert "month page · many tasks, 1 year" in printed and "sync (SQLite source" in printed
    written = json.loads((tmp_path / "benchmarks" / "versus_aw.json").read_text())
    assert written["after"]["writes"]["import 3300"] > 0
    assert written["after"]["reads"]["many tasks, 1 year"]["month page bytes"] > 0
    sync = results["after"]["sync"]
    assert sync["arrived"] == sync["writes"] == 20  # every commit of the other process synced
    assert sync["watching"]  # the daemon's source: woken by the file, not polling
    # the write goals' baseline is AW's ingest (its import); the sink's goal is read on its
    # own side, mongomock's upserts left out (the whole is shown without a goal)
    table = written["table"]["after"]
    assert table["import 3k"]["baseline"] == "AW import_bucket"  # (--quick: no goal)
    sink = {name: row for name, row in table.items() if name.startswith("MongoDB sink")}
    own = [n for n in sink if "sink's own" in n and " · vs AW " not in n]
    assert len(own) == 1 and sink[own[0]]["goal"] == 7
    assert sink[own[0]]["baseline"] == "AW import_bucket"
    assert all(row["goal"] is None for name, row in sink.items() if name not in own)
    store_bytes = written["after"]["reads"]["store bytes"]
    assert store_bytes > 0 and written["after"]["reads"]["store switches"] > 3300
    if versus_aw.AW_PYTHON.exists():
        assert written["activitywatch"]["events"] == 3300
        # the size row: AW's store of the same records (the whole year) over Deskmeter's
        size = written["table"]["after"]["store size (same records)"]
        assert size["deskmeter"] == store_bytes and size["aw"] > 0 and size["goal"] == 2.5
        assert size["ratio"] == round(size["aw"] / store_bytes, 2)
        assert "store size · vs AW" not in printed  # --quick's AW sample is not the year
    else:
        assert "skipped" in written["activitywatch"]


def test_an_x_server_that_will_not_start_skips_the_tracker_row_and_loses_nothing_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``make bench``'s tracker row starts Xvfb; when it cannot, the row says why (the rest
    of the run, already measured, is written as ever) instead of ending the run."""
    from benchmarks import versus_aw

    from tests.support import xvfb

    def refuse(display: int) -> None:
        raise RuntimeError(f"Xvfb :{display} did not start")

    monkeypatch.setattr(xvfb, "start_x", refuse)
    result = versus_aw.tracker_wakeups(0.1)
    assert set(result) == {"skipped"}
    assert "no X server" in result["skipped"] and "did not start" in result["skipped"]
