"""Issue 23, item 18: the CLI a new user meets — completion, ``report --host``, relative dates
everywhere, tables that fit the terminal with bars, plain error messages, ``deskmeter web``
on a busy port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

from deskmeter.models import Switch
from deskmeter.store.sqlite import SQLiteStore
from tests.trust.test_cli_numbers import config, run
from tests.trust.world import HOST, NOW, PATHS, TODAY, local, seed, switch


def deskmeter(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> Any:
    """The real entry point (``python -m deskmeter``) in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "deskmeter", *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def two_hosts(db: Path) -> None:
    other = Switch("l1", local(0, "11:00"), 1800, 0, "laptop", "admin/mail", "admin/mail", "laptop")
    with SQLiteStore(db) as store:
        seed(store, [switch("d1", local(0, "09:00"), 60, "work/deskmeter/web"), other])


def test_completion_scripts_for_bash_zsh_and_fish(xdg: Path) -> None:
    for shell, marker in (
        ("bash", "complete "),
        ("zsh", "compdef"),
        ("fish", "complete --command"),
    ):
        # typer's own switch: take the shell named, not the one this runs in
        result = deskmeter(
            "--show-completion", shell, env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
        )
        assert result.returncode == 0, result.stderr
        assert marker in result.stdout and "_COMPLETE" in result.stdout, shell
    assert "--install-completion" in deskmeter("--help").stdout


def test_report_host_keeps_one_workstation(tmp_path: Path, xdg: Path) -> None:
    db = tmp_path / "h.db"
    two_hosts(db)
    cfg = config(tmp_path, db)
    everyone = run(cfg, "report", "today", "--format", "json").output
    laptop = run(cfg, "report", "today", "--host", "laptop", "--format", "json").output
    assert '"total_seconds": 5400.0' in everyone
    assert '"total_seconds": 1800.0' in laptop and '"host": "laptop"' in laptop
    unknown = run(cfg, "report", "today", "--host", "laptp")
    assert unknown.exit_code == 2
    assert "did you mean 'laptop'?" in unknown.output


def test_export_takes_relative_dates(tmp_path: Path, xdg: Path) -> None:
    db = tmp_path / "x.db"
    with SQLiteStore(db) as store:
        seed(
            store,
            [
                switch("y1", local(1, "09:00"), 60, PATHS[0]),
                switch("t1", local(0, "09:00"), 60, PATHS[1]),
            ],
        )
    cfg = config(tmp_path, db)
    yesterday = run(cfg, "export", "--start", "yesterday", "--end", "yesterday", "-f", "csv")
    assert yesterday.exit_code == 0
    assert "y1," in yesterday.output and "t1," not in yesterday.output
    week = run(cfg, "export", "--start", "-7d", "-f", "csv").output
    assert "y1," in week and "t1," in week
    bad = run(cfg, "export", "--start", "someday")
    assert bad.exit_code == 2 and "expected YYYY-MM-DD" in bad.output


def test_report_table_fits_the_terminal_and_draws_bars(tmp_path: Path, xdg: Path) -> None:
    db = tmp_path / "w.db"
    long = "work/" + "a-very-long-task-name/" * 5 + "end"
    with SQLiteStore(db) as store:
        store_switches = [
            switch("l1", local(0, "09:00"), 90, long),
            switch("l2", local(0, "11:00"), 30, PATHS[3]),
        ]
        seed(store, store_switches)
    cfg = config(tmp_path, db)
    for columns in (60, 120):
        result = run(cfg, "report", "today", env={"COLUMNS": str(columns)})
        lines = result.output.splitlines()
        table = [line for line in lines if "█" in line or "…" in line]
        assert table, result.output
        assert max(len(line) for line in lines[1:]) <= columns, result.output
        bars = {line.split()[0]: line.count("█") for line in table}
        assert bars[next(k for k in bars if k.startswith("work/"))] > bars["admin/mail"]


def test_usage_errors_are_plain_words(tmp_path: Path, xdg: Path) -> None:
    typo = deskmeter("report", "wek")
    assert typo.returncode == 2
    assert "Value error" not in typo.stderr
    assert (
        "'wek' is not one of today, yesterday, week, month, year (did you mean 'week'?)"
        in typo.stderr
    )
    option = deskmeter("report", "--hots", "x")
    assert option.returncode == 2 and "No such option: --hots" in option.stderr
    assert "--start" not in option.stderr  # no far-fetched suggestion
    near = deskmeter("report", "--strat", "x")
    assert "--start" in near.stderr  # a close one stays


def test_timesheet_by_area_has_a_column_per_area(tmp_path: Path, xdg: Path) -> None:
    db = tmp_path / "t.db"
    two_hosts(db)
    cfg = config(tmp_path, db)
    out = run(cfg, "report", "today", "--timesheet", "--by", "area", "--format", "csv").output
    header = out.splitlines()[0].split(",")
    assert header[4:] == ["work", "admin"]  # the biggest first
    assert run(cfg, "report", "today", "--timesheet", "--by", "workspace").exit_code == 2


def test_a_wide_timesheet_puts_tasks_in_rows_instead_of_wrapping(tmp_path: Path, xdg: Path) -> None:
    db = tmp_path / "many.db"
    many = [
        switch(
            f"m{i}", local(0, f"{8 + i // 2:02d}:{30 * (i % 2):02d}"), 30, f"work/task-number-{i}"
        )
        for i in range(13)
    ]
    with SQLiteStore(db) as store:
        seed(store, many)
    cfg = config(tmp_path, db)
    result = run(cfg, "report", "today", "--timesheet", env={"COLUMNS": "120"})
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 120, result.output
    assert any(line.startswith("work/task-number-12") for line in lines)
    assert any(line.startswith(TODAY.isoformat()) for line in lines)


def test_web_on_a_busy_port_names_the_option(tmp_path: Path, xdg: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = deskmeter(
            "web", "--port", str(port), env={"DESKMETER_STORE": str(tmp_path / "w.db")}
        )
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is in use: choose another with --port N" in result.stderr
    assert "Traceback" not in result.stderr


def test_web_serves_without_the_development_server_warning(tmp_path: Path, xdg: Path) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    env = {**os.environ, "DESKMETER_STORE": str(tmp_path / "w.db"), "DESKMETER_HOST": HOST}
    process = subprocess.Popen(
        [sys.executable, "-m", "deskmeter", "web", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        import time
        import urllib.request

        deadline = time.monotonic() + 30
        status = 0
        while time.monotonic() < deadline and not status:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    status = r.status
            except OSError:
                time.sleep(0.2)
        assert status == 200
    finally:
        os.killpg(process.pid, 15)
        _, err = process.communicate(timeout=20)
    assert "development server" not in err and "WARNING: This is" not in err
    assert f"local mode on http://127.0.0.1:{port}/" in err
    assert NOW.year > 2000  # the clock is not used here: serving only
