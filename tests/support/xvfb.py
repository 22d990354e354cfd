"""A real X server (Xvfb) with a real window manager (openbox): for tests and benchmarks."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.waiting import wait_for


class MissingToolError(RuntimeError):
    pass


NEEDED = ("Xvfb", "openbox", "wmctrl")


def free_display() -> int:
    for number in range(90, 200):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            return number
    raise RuntimeError("no free X display number")


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
        raise MissingToolError(
            f"missing {missing}: run the README's test command (it installs xvfb and openbox)"
        )
    server = XServer(f":{number}")
    xvfb = subprocess.Popen(
        ["Xvfb", server.display, "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server.procs.append(xvfb)
    wait_for(lambda: Path(f"/tmp/.X11-unix/X{number}").exists(), timeout=10)

    def ewmh_ready() -> bool:
        try:
            server.wmctrl("-n", "4")
            return len(server.wmctrl("-d").splitlines()) == 4
        except subprocess.CalledProcessError:
            return False

    # A window manager that has not taken the screen in 15 s (seen once in a few hundred
    # starts) is started again once, rather than failing every test of the session.
    for attempt in (1, 2):
        openbox = subprocess.Popen(
            ["openbox"], env=server.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        server.procs.append(openbox)
        try:
            wait_for(ewmh_ready, timeout=15, interval=0.2, what=f"openbox on {server.display}")
            return server
        except AssertionError:
            if attempt == 2:
                server.stop()
                raise
            openbox.kill()
            openbox.wait(5)
            server.procs.remove(openbox)
    return server
