"""A real X server (Xvfb) with a real window manager (openbox) and four workspaces."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pytest

from deskmeter.store.sqlite import SQLiteStore

T = TypeVar("T")

NEEDED = ("Xvfb", "openbox", "wmctrl")


def free_display() -> int:
    for number in range(90, 200):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            return number
    raise RuntimeError("no free X display number")


def wait_for(check: Callable[[], T], timeout: float = 10.0, interval: float = 0.05) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {check}")
        time.sleep(interval)


@dataclass
class XServer:
    display: str
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        return {**os.environ, "DISPLAY": self.display}

    def wmctrl(self, *args: str) -> str:
        return subprocess.run(
            ["wmctrl", *args], env=self.env(), check=True, capture_output=True, text=True
        ).stdout

    def current(self) -> int:
        for line in self.wmctrl("-d").splitlines():
            if line.split()[1] == "*":
                return int(line.split()[0])
        raise AssertionError("no current desktop")

    def switch(self, index: int) -> None:
        self.wmctrl("-s", str(index))
        wait_for(lambda: self.current() == index, timeout=5)

    def stop(self) -> None:
        for proc in reversed(self.procs):
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()


def start_x(number: int) -> XServer:
    missing = [tool for tool in NEEDED if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"missing {missing}: run the README's test command (installs xvfb openbox)")
    server = XServer(f":{number}")
    xvfb = subprocess.Popen(
        ["Xvfb", server.display, "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server.procs.append(xvfb)
    wait_for(lambda: Path(f"/tmp/.X11-unix/X{number}").exists(), timeout=10)
    openbox = subprocess.Popen(
        ["openbox"], env=server.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    server.procs.append(openbox)

    def ewmh_ready() -> bool:
        try:
            server.wmctrl("-n", "4")
            return len(server.wmctrl("-d").splitlines()) == 4
        except subprocess.CalledProcessError:
            return False

    wait_for(ewmh_ready, timeout=15, interval=0.2)
    return server


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
        return self.home / "deskmeter.db"

    @property
    def task_file(self) -> Path:
        return self.home / "tasks.txt"

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
        "DESKMETER_STORE": str(home / "deskmeter.db"),
        "DESKMETER_TASK_FILE": str(home / "tasks.txt"),
        "DESKMETER_TIMEZONE": "UTC",
        "DESKMETER_TRACKER__HEARTBEAT_SECONDS": "1",
        "DESKMETER_TRACKER__RETRY_SECONDS": "0.5",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DESKMETER_CONFIG", None)
    (home / "tasks.txt").write_text("* work/alpha\nwork/beta\n")
    run = TrackerRun(home, env)
    yield run
    if run.proc is not None and run.proc.poll() is None:
        run.proc.kill()
        run.proc.wait()
