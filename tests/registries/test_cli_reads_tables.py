"""The CLI's ``--source`` and ``--format`` help and choices come from the registries when the
command runs: a row added at test time is listed, accepted and used, with no edit to the CLI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deskmeter.cli.main import app
from deskmeter.models import Switch
from deskmeter.store.sqlite import SQLiteStore

DAY = datetime(2026, 4, 6, tzinfo=UTC)


def env(tmp_path: Path) -> dict[str, str]:
    return {
        "COLUMNS": "400",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "DESKMETER_TIMEZONE": "UTC",
        "DESKMETER_HOST": "desk",
    }


def run(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=env(tmp_path))
    return result.exit_code, " ".join(result.output.split())


def test_track_help_lists_a_source_added_to_the_table(tmp_path: Path, added_source: str) -> None:
    code, text = run(tmp_path, "track", "--help")
    assert code == 0
    assert f"wayland, {added_source}" in text


def test_import_and_export_help_list_a_format_added_to_the_tables(
    tmp_path: Path, added_import: str, added_export: str
) -> None:
    code, imports = run(tmp_path, "import", "--help")
    assert code == 0
    assert f"{added_import} (Plain lines)" in imports
    code, exports = run(tmp_path, "export", "--help")
    assert code == 0
    assert f"{added_export} (Plain lines)" in exports


def test_export_writes_through_a_format_added_to_the_table(
    tmp_path: Path, added_export: str
) -> None:
    store_path = tmp_path / "a.db"
    store = SQLiteStore(store_path)
    store.add_switches(
        [
            Switch("a", DAY + timedelta(hours=9), 3600, 0, "code", None, "work/x", "desk"),
            Switch("b", DAY + timedelta(hours=10), 600, 1, "mail", None, None, "desk"),
        ]
    )
    store.close()
    args = ("--store", str(store_path), "export", "--start", "2026-04-06", "--end", "2026-04-06")
    result = CliRunner().invoke(app, [*args, "--format", added_export], env=env(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "2026-04-06T09:00:00+00:00 work/x",
        "2026-04-06T10:00:00+00:00 -",
    ]


def test_import_reads_through_a_format_added_to_the_table_found_by_its_sniff(
    tmp_path: Path, added_import: str
) -> None:
    source = tmp_path / "day.txt"
    source.write_text("LINES\n2026-04-06T09:00:00+00:00 1800 work/y\n")
    store_path = tmp_path / "b.db"
    code, text = run(tmp_path, "--store", str(store_path), "import", str(source))
    assert code == 0, text
    assert "(Plain lines)" in text
    store = SQLiteStore(store_path)
    try:
        (switch,) = store.switches()
    finally:
        store.close()
    assert (switch.date, switch.delta, switch.task) == (DAY + timedelta(hours=9), 1800, "work/y")


@pytest.mark.parametrize("command", ["import", "export"])
def test_without_its_row_the_format_is_a_usage_error_listing_the_table(
    tmp_path: Path, command: str
) -> None:
    target = [str(tmp_path / "x.txt")] if command == "import" else []
    code, text = run(tmp_path, command, *target, "--format", "lines")
    assert code == 2
    assert "'lines' is not one of" in text
    assert "json, csv" in text
