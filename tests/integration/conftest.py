"""Fixtures: a real X server with four workspaces and a real ``deskmeter track`` process."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from deskmeter.store.sqlite import SQLiteStore
from tests.support.xvfb import XServer, free_display, start_x, wait_for

__all__ = ["TrackerRun", "XServer", "free_display", "start_x", "wait_for"]


@pytest.fixture(scope="session")
def xserver() -> Iterator[XServer]:
    server = start_x(free_display())
    yield server
    server.stop()


@dataclass
class TrackerRun:
    """A real ``deskmeter track`` process with its own store, task file and log."""

    home: Path
    env: dict[str, str]
    proc: subprocess.Popen[str] | None = None

    @property
    def store_path(self) -> Path:
        """The default store: nothing configured, so SQLite under $XDG_DATA_HOME."""
        return self.home / "data" / "deskmeter" / "deskmeter.db"

    @property
    def task_file(self) -> Path:
        """The default task file under $XDG_CONFIG_HOME."""
        return self.home / "config" / "deskmeter" / "tasks.txt"

    @property
    def log_path(self) -> Path:
        return self.home / "track.log"

    def store(self) -> SQLiteStore:
        return SQLiteStore(self.store_path)

    def start(self, *args: str) -> subprocess.Popen[str]:
        log = self.log_path.open("a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "deskmeter", "track", *args],
            env=self.env,
            stdout=log,
            stderr=log,
            text=True,
        )
        return self.proc

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "deskmeter", *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def wait_state(self, check: Callable[[object], bool], timeout: float = 10) -> None:
        def ok() -> bool:
            if not self.store_path.exists():
                return False
            store = self.store()
            try:
                return check(store.get_state())
            finally:
                store.close()

        wait_for(ok, timeout=timeout)

    def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.proc is not None
        self.proc.send_signal(sig)
        return self.proc.wait(15)


@pytest.fixture
def tracker_run(tmp_path: Path, xserver: XServer) -> Iterator[TrackerRun]:
    home = tmp_path
    env = {
        **xserver.env(),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "DESKMETER_TIMEZONE": "UTC",
        "DESKMETER_TRACKER__HEARTBEAT_SECONDS": "1",
        "DESKMETER_TRACKER__RETRY_SECONDS": "0.5",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("DESKMETER_CONFIG", "DESKMETER_STORE", "DESKMETER_TASK_FILE"):
        env.pop(name, None)
    run = TrackerRun(home, env)
    run.task_file.parent.mkdir(parents=True)
    run.task_file.write_text("* work/alpha\nwork/beta\n")
    yield run
    if run.proc is not None and run.proc.poll() is None:
        run.proc.kill()
        run.proc.wait()
