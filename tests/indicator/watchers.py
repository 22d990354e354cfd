"""Real StatusNotifierWatchers on a private session bus.

- ``standalone``: ``status-notifier-watcher`` (Debian's haskell-status-notifier-item-utils), a
  watcher on its own, as tray hosts such as taffybar use it.
- ``plasma``: KDE Plasma 5.27's own watcher, the ``statusnotifierwatcher`` module of ``kded5``,
  run headless (Qt's offscreen platform). The module comes from plasma-workspace's package
  (scripts/setup.d/45-indicator.sh: ``DESKMETER_PLASMA_KDED_PLUGINS``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.gnome.shell import BusClient
from tests.indicator.harness import wait_until

WATCHER = "org.kde.StatusNotifierWatcher"
WATCHER_PATH = "/StatusNotifierWatcher"
KINDS = ("standalone", "plasma")


def plasma_plugins() -> Path:
    given = os.environ.get("DESKMETER_PLASMA_KDED_PLUGINS")
    if given is None:
        cache = Path(os.environ.get("DESKMETER_CACHE_DIR", Path.home() / ".cache/deskmeter"))
        given = str(cache / "plasma-kded/plugins")
    plugins = Path(given) if given else None
    if plugins is None or not (plugins / "kf5/kded/statusnotifierwatcher.so").is_file():
        pytest.fail(
            "KDE Plasma's statusnotifierwatcher kded module is missing: run "
            "scripts/setup.d/45-indicator.sh (it takes it from plasma-workspace's package)",
            pytrace=False,
        )
    return plugins


@dataclass
class Watcher:
    kind: str
    proc: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_watcher(kind: str, address: str, root: Path, client: BusClient) -> Watcher:
    """Start a real watcher of ``kind`` and wait until it owns its name."""
    root.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "XDG_", "QT_"))}
    env["DBUS_SESSION_BUS_ADDRESS"] = address
    log = root / f"{kind}-watcher.log"
    if kind == "standalone":
        program = shutil.which("status-notifier-watcher")
        if program is None:
            pytest.fail("status-notifier-watcher is not installed (apt: "
                        "haskell-status-notifier-item-utils)", pytrace=False)  # fmt: skip
        argv = [program]
    else:
        if shutil.which("kded5") is None:
            pytest.fail("kded5 is not installed (apt: kded5)", pytrace=False)
        runtime = root / "runtime"
        runtime.mkdir(mode=0o700, exist_ok=True)
        env.update(
            QT_PLUGIN_PATH=str(plasma_plugins()), QT_QPA_PLATFORM="offscreen",
            XDG_RUNTIME_DIR=str(runtime), HOME=str(root),
        )  # fmt: skip
        argv = ["kded5"]
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
    watcher = Watcher(kind, proc, log)
    try:
        if kind == "plasma":
            wait_until(lambda: client.name_has_owner("org.kde.kded5"), 30, "kded5 on the bus")
            (loaded,) = client.call(
                "org.kde.kded5", "/kded", "org.kde.kded5", "loadModule", "s",
                ["statusnotifierwatcher"],
            )  # fmt: skip
            assert loaded is True, log.read_text()
        wait_until(lambda: client.name_has_owner(WATCHER), 30, f"{WATCHER} ({kind})")
    except BaseException:
        watcher.stop()
        raise
    return watcher


def registered_items(client: BusClient) -> list[str]:
    (value,) = client.call(
        WATCHER, WATCHER_PATH, "org.freedesktop.DBus.Properties", "Get", "ss",
        [WATCHER, "RegisteredStatusNotifierItems"],
    )  # fmt: skip
    return [str(item) for item in value.value]
