"""The real peer tools the format tests run: Timewarrior (apt), Watson and ActivityWatch
(their own virtualenvs, made by scripts/setup.d/45-peer-tools.sh), and the Deskmeter CLI.

A missing tool is a failure that names the setup step, never a skip.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from deskmeter.store.sqlite import SQLiteStore

PEERS = Path(os.environ.get("DESKMETER_CACHE_DIR", Path.home() / ".cache" / "deskmeter")) / "peers"
#: Far enough on either side of every fixture instant.
EVERYTHING = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


def peer_tool(venv: str, name: str) -> str:
    path = PEERS / venv / "bin" / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run scripts/setup.d/45-peer-tools.sh (make test does)")
    return str(path)


def run(args: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False, **kwargs)
    assert result.returncode == 0, f"{args[:3]} failed: {result.stdout}\n{result.stderr}"
    return result


@dataclass
class Deskmeter:
    """``python -m deskmeter`` against its own SQLite store, in UTC unless told otherwise."""

    store_path: Path
    env: dict[str, str]

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "deskmeter", "--store", str(self.store_path), *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if check:
            assert result.returncode == 0, result.stderr
        return result

    def store(self) -> SQLiteStore:
        return SQLiteStore(self.store_path)

    def task_seconds(self) -> dict[str | None, float]:
        """Seconds per task of the non-away switches (what every report counts)."""
        totals: dict[str | None, float] = defaultdict(float)
        store = self.store()
        try:
            for switch in store.switches():
                if not switch.away:
                    totals[switch.task] += switch.delta
        finally:
            store.close()
        return dict(totals)

    def report_total(self) -> float:
        """The store's own totals path (``Store.totals``) over all time, in seconds."""
        store = self.store()
        try:
            found = store.totals(*EVERYTHING, UTC, by=None)
        finally:
            store.close()
        return round(sum(t.seconds for t in found), 3)


@pytest.fixture
def deskmeter(tmp_path: Path, xdg: Path) -> Deskmeter:
    env = dict(os.environ)
    env["DESKMETER_TIMEZONE"] = "UTC"
    env["DESKMETER_HOST"] = "desk"
    return Deskmeter(tmp_path / "desk.db", env)


@dataclass
class Timewarrior:
    db: Path
    env: dict[str, str]

    def __call__(self, *args: str) -> str:
        return run(["timew", *args], self.env).stdout

    def track(self, start: str, end: str, *tags: str) -> None:
        self("track", start, "-", end, *tags, ":yes")

    def export(self) -> list[dict[str, Any]]:
        data: list[dict[str, Any]] = json.loads(self("export"))
        return data


@pytest.fixture
def timew(tmp_path: Path) -> Timewarrior:
    if shutil.which("timew") is None:
        pytest.fail("timew is missing: apt-get install timewarrior (scripts/apt/formats.txt)")
    db = tmp_path / "timewarrior"
    (db / "data").mkdir(parents=True)
    (db / "timewarrior.cfg").write_text("")
    env = {**os.environ, "TIMEWARRIORDB": str(db), "TZ": "UTC"}
    return Timewarrior(db, env)


@dataclass
class Watson:
    dir: Path
    env: dict[str, str]
    exe: str

    def __call__(self, *args: str) -> str:
        return run([self.exe, *args], self.env).stdout


@pytest.fixture
def watson(tmp_path: Path) -> Watson:
    exe = peer_tool("watson", "watson")
    folder = tmp_path / "watson"
    folder.mkdir()
    env = {**os.environ, "WATSON_DIR": str(folder), "TZ": "UTC"}
    return Watson(folder, env, exe)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class AwServer:
    url: str
    port: int
    python: str

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return json.loads(response.read() or b"null")

    def post(self, path: str, body: Any) -> Any:
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")

    def client(self, script: str) -> str:
        """Run ``script`` with aw-client's Python; ``client`` is an ActivityWatchClient here."""
        prologue = (
            "from aw_client import ActivityWatchClient\n"
            f"client = ActivityWatchClient('deskmeter-test', host='127.0.0.1', port={self.port})\n"
        )
        result = subprocess.run(
            [self.python, "-c", prologue + script], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        return result.stdout


@pytest.fixture(scope="session")
def aw_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AwServer]:
    """A real aw-server on 127.0.0.1 with its own data directories."""
    exe = peer_tool("activitywatch", "aw-server")
    home = tmp_path_factory.mktemp("aw")
    port = free_port()
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }
    log = (home / "aw-server.log").open("w")
    proc = subprocess.Popen(
        [exe, "--host", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    server = AwServer(f"http://127.0.0.1:{port}", port, peer_tool("activitywatch", "python"))
    deadline = time.monotonic() + 60
    while True:
        try:
            server.get("/api/0/info")
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"aw-server did not start: {(home / 'aw-server.log').read_text()}")
            time.sleep(0.2)
    yield server
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
