"""``deskmeter web`` serves the dashboard, with Flask's server or under gunicorn."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from deskmeter.cli.main import app
from deskmeter.cli.web_cmd import gunicorn_command
from deskmeter.store.sqlite import SQLiteStore
from tests.web.conftest import make_settings, seed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str, method: str = "GET") -> tuple[int, Any]:
    request = urllib.request.Request(url, method=method, data=b"{}" if method == "POST" else None)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, None


@pytest.fixture
def served(tmp_path: Path, xdg: Path) -> Iterator[Any]:
    db = tmp_path / "cli.db"
    seed(SQLiteStore(db)).close()
    started: list[subprocess.Popen[bytes]] = []

    def start(*args: str) -> str:
        port = free_port()
        env = dict(os.environ, DESKMETER_STORE=str(db), DESKMETER_TIMEZONE="Europe/Madrid")
        env["DESKMETER_HOST"] = "test"  # the seed's host: its open interval is this machine's
        process = subprocess.Popen(
            [sys.executable, "-m", "deskmeter", "web", "--port", str(port), *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        started.append(process)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if fetch(base + "/healthz")[0] == 200:
                    return base
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"deskmeter web {args} did not come up")

    yield start
    for process in started:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)


def test_web_help_lists_the_options() -> None:
    result = CliRunner().invoke(app, ["web", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--mode", "--gunicorn", "--workers"):
        assert option in result.output


def test_gunicorn_command_uses_the_packaged_config(tmp_path: Path) -> None:
    command = gunicorn_command(make_settings(tmp_path, host="0.0.0.0", port=9000), workers=3)
    assert command[1:5] == ["-m", "gunicorn", "-c", "python:deskmeter.web.gunicorn_conf"]
    assert command[-4:] == ["--bind", "0.0.0.0:9000", "--workers", "3"]


def test_flask_server_in_portfolio_mode_is_read_only(served: Any) -> None:
    base = served("--mode", "portfolio")
    status, state = fetch(base + "/api/v1/state")
    assert status == 200 and state["mode"] == "portfolio"
    assert fetch(base + "/api/v1/task", method="POST")[0] in (404, 405)


def test_gunicorn_serves_the_pages_and_the_api(served: Any) -> None:
    base = served("--gunicorn", "--workers", "2")
    with urllib.request.urlopen(base + "/calendar/2024/3", timeout=5) as response:
        assert response.status == 200
        assert b'id="month-total" data-seconds="39600.0"' in response.read()
    status, totals = fetch(base + "/api/v1/totals?start=2024-03-31&end=2024-03-31&by=all")
    assert status == 200 and totals["seconds"] == 19800  # 5.5 h incl. the open interval
