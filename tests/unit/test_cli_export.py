"""``deskmeter export`` and ``status`` through the real CLI entry point."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from deskmeter.models import Switch
from deskmeter.store.sqlite import SQLiteStore


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deskmeter", *args], capture_output=True, text=True, check=False
    )


def seeded(tmp_path: Path) -> str:
    path = tmp_path / "e.db"
    store = SQLiteStore(path)
    store.add_switches(
        [
            Switch("a", datetime(2026, 4, 30, 22, 30, tzinfo=UTC), 60, 0, "Code", "t", "work/x"),
            Switch("b", datetime(2026, 5, 1, 9, 0, tzinfo=UTC), 90, 1, "Mail", None, None),
            Switch("c", datetime(2026, 5, 3, 9, 0, tzinfo=UTC), 30, 0, "Code", "t", "work/x"),
        ]
    )
    store.close()
    return str(path)


def test_json_export_of_a_day_range_in_the_configured_zone(tmp_path: Path, xdg: Path) -> None:
    store = seeded(tmp_path)
    # 2026-04-30 22:30 UTC is already 1 May, 00:30, in Madrid (UTC+2).
    result = cli(
        "--store",
        store,
        "export",
        "--format",
        "json",
        "--start",
        "2026-05-01",
        "--end",
        "2026-05-01",
    )
    assert result.returncode == 0, result.stderr
    assert [r["id"] for r in json.loads(result.stdout)] == ["b"]
    madrid = subprocess.run(
        [
            sys.executable,
            "-m",
            "deskmeter",
            "--store",
            store,
            "export",
            "--start",
            "2026-05-01",
            "--end",
            "2026-05-01",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DESKMETER_TIMEZONE": "Europe/Madrid"},
    )
    assert [r["id"] for r in json.loads(madrid.stdout)] == ["a", "b"]


def test_csv_export_to_a_file_has_a_header_and_every_switch(tmp_path: Path, xdg: Path) -> None:
    store = seeded(tmp_path)
    out = tmp_path / "out.csv"
    result = cli("--store", store, "export", "-f", "csv", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "wrote 3 switches" in result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["id"] for r in rows] == ["a", "b", "c"]
    assert rows[1]["task"] == "" and rows[1]["delta"] == "90.0"


def test_bad_export_arguments_are_refused_clearly(tmp_path: Path, xdg: Path) -> None:
    store = seeded(tmp_path)
    bad_date = cli("--store", store, "export", "--start", "2026-13-01")
    assert bad_date.returncode == 2
    assert "--start" in bad_date.stderr
    backwards = cli("--store", store, "export", "--start", "2026-05-02", "--end", "2026-05-01")
    assert backwards.returncode == 2
    assert "--end is before --start" in backwards.stderr
    bad_format = cli("--store", store, "export", "--format", "xml")
    assert bad_format.returncode == 2


def test_status_without_a_tracker(tmp_path: Path, xdg: Path) -> None:
    store = seeded(tmp_path)
    result = cli("--store", store, "status", "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["tracking"] is False
    assert "not tracking" in cli("--store", store, "status").stdout


def test_task_commands_on_a_fresh_machine(tmp_path: Path, xdg: Path) -> None:
    store = str(tmp_path / "t.db")
    assert cli("--store", store, "task", "current").returncode == 1
    assert cli("--store", store, "task", "set", "work/new").returncode == 0
    assert cli("--store", store, "task", "current").stdout.strip() == "work/new"
    assert "* work/new" in cli("--store", store, "task", "list").stdout
    refused = cli("--store", store, "task", "set", "has spaces")
    assert refused.returncode == 2 and "no spaces" in refused.stderr
