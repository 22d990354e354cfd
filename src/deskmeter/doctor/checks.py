"""The checks behind ``deskmeter doctor``: store, tracker and its source, the GNOME extension,
away detection, the task file, sync, the tunnel and the remote, the last sync and its lag.

Each check gives one ``Finding``: ``ok``, ``warn`` (works, but look), ``fail`` (broken: the
line says what to do) or ``skip`` (does not apply here, with why). The command exits 0 when
nothing failed. Checks only read: nothing is created, started or changed.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from deskmeter.config import Settings
from deskmeter.models import stale_after
from deskmeter.store import Store, StoreError, StoreNotFoundError, open_store
from deskmeter.tasks.taskfile import TaskFileError, read_task_file
from deskmeter.tracker.sources import SourceError, auto_source_name, is_wayland

Level = Literal["ok", "warn", "fail", "skip"]


@dataclass(frozen=True, slots=True)
class Finding:
    name: str
    level: Level
    text: str


@dataclass
class Doctor:
    """Runs the checks against ``settings`` at ``now`` in ``environ`` (the session's)."""

    settings: Settings
    now: datetime
    environ: Mapping[str, str]
    #: Seconds to wait for a TCP connection to the remote.
    connect_timeout: float = 3.0

    def run(self) -> list[Finding]:
        found: list[Finding] = []
        store: Store | None = None
        try:
            store = open_store(self.settings.store, read_only=True)
            found.append(Finding("store", "ok", f"{store.describe()} readable and up to date"))
        except StoreNotFoundError:
            found.append(
                Finding(
                    "store",
                    "fail",
                    f"no store at {self.settings.store} yet: run `deskmeter track` (it creates it)",
                )
            )
        except StoreError as exc:
            found.append(Finding("store", "fail", f"{exc}"))
        try:
            found.append(self.tracker(store))
            found.extend(self.source())
            found.append(self.away())
            found.append(self.task_file())
            found.extend(self.sync(store))
        finally:
            if store is not None:
                store.close()
        return found

    # -- the tracker ------------------------------------------------------------------------

    def tracker(self, store: Store | None) -> Finding:
        if store is None:
            return Finding("tracker", "skip", "no store to read its state from")
        state = store.get_state(self.settings.host)
        if state is None:
            return Finding(
                "tracker",
                "fail",
                f"never ran as host {self.settings.host!r}: run `deskmeter track`",
            )
        beats = self.settings.tracker.heartbeat_seconds
        age = (self.now - state.heartbeat).total_seconds()
        if state.is_live(self.now, beats):
            what = "away" if state.away else (state.task or "(no task)")
            return Finding(
                "tracker", "ok", f"running: {what} on {state.workspace}, heartbeat {age:.0f}s ago"
            )
        late = stale_after(beats).total_seconds()
        return Finding(
            "tracker",
            "fail",
            f"not running: last heartbeat {_ago(age)} ago (more than {late:.0f}s): start "
            "`deskmeter track` (or `systemctl --user start deskmeter-tracker`)",
        )

    def source(self) -> list[Finding]:
        configured = self.settings.tracker.source
        session = self.environ.get("XDG_SESSION_TYPE") or (
            "wayland" if is_wayland(self.environ) else "x11"
        )
        desktop = self.environ.get("XDG_CURRENT_DESKTOP", "unknown desktop")
        try:
            picked = auto_source_name(self.environ) if configured == "auto" else configured
        except SourceError as exc:
            return [Finding("source", "fail", str(exc))]
        how = "auto: " if configured == "auto" else ""
        found = [
            Finding(
                "source",
                "ok",
                f"{picked} ({how}{session} session, {desktop})",
            )
        ]
        if picked in ("x11", "wmctrl") and not self.environ.get("DISPLAY"):
            found[0] = Finding(
                "source", "fail", f"{picked} needs an X display and DISPLAY is not set here"
            )
        found.append(self.extension(picked, desktop))
        return found

    def extension(self, picked: str, desktop: str) -> Finding:
        from deskmeter.tracker.sources.gnome import EXTENSION_UUID, extension_installed

        if "GNOME" not in desktop.upper() and picked != "gnome":
            return Finding("extension", "skip", f"not a GNOME session ({desktop}): not needed")
        if not extension_installed(self.environ):
            need = "needed" if picked == "gnome" else "the panel indicator"
            return Finding(
                "extension",
                "fail" if picked == "gnome" else "warn",
                f"{EXTENSION_UUID} is not installed ({need}): see files/gnome-extension/README.md",
            )
        tool = shutil.which("gnome-extensions")
        if tool is None:
            return Finding("extension", "ok", f"{EXTENSION_UUID} installed")
        info = subprocess.run(
            [tool, "info", EXTENSION_UUID],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
            env=dict(self.environ),
        )
        state = next(
            (line.split(":", 1)[1].strip() for line in info.stdout.splitlines() if "State" in line),
            "unknown",
        )
        if state.upper() in ("ENABLED", "ACTIVE"):
            return Finding("extension", "ok", f"{EXTENSION_UUID} installed and enabled")
        return Finding(
            "extension",
            "fail",
            f"{EXTENSION_UUID} is installed but {state.lower()}: "
            f"`gnome-extensions enable {EXTENSION_UUID}`",
        )

    def away(self) -> Finding:
        tracker = self.settings.tracker
        if not tracker.away_after_seconds or tracker.presence == "none":
            return Finding("away", "skip", "away detection is turned off in the config")
        if is_wayland(self.environ):
            return Finding("away", "ok", "from GNOME's idle monitor and logind (Wayland session)")
        name = self.environ.get("DISPLAY")
        if not name:
            return Finding("away", "fail", "no X display (DISPLAY unset): no idle time to read")
        try:
            from Xlib import display as xdisplay

            dpy = xdisplay.Display(name)
        except Exception as exc:
            return Finding("away", "fail", f"cannot open the X display {name}: {exc}")
        try:
            missing = [
                e for e in ("MIT-SCREEN-SAVER", "XInputExtension") if not dpy.has_extension(e)
            ]
        finally:
            dpy.close()
        if missing:
            return Finding("away", "fail", f"the X server on {name} lacks {', '.join(missing)}")
        return Finding("away", "ok", f"X11 idle time (MIT-SCREEN-SAVER) on {name}")

    def task_file(self) -> Finding:
        path = Path(self.settings.task_file)
        if not path.exists():
            return Finding(
                "task file",
                "warn",
                f"{path} does not exist yet: `deskmeter task set work/x` or the tracker creates it",
            )
        try:
            tasks = read_task_file(path)
        except (TaskFileError, OSError) as exc:
            return Finding("task file", "fail", f"{path}: {exc}")
        count = len(tasks.tasks)
        return Finding("task file", "ok", f"{path} is valid ({count} tasks)")

    # -- sync -------------------------------------------------------------------------------

    def sync(self, store: Store | None) -> list[Finding]:
        remote = self.settings.sync.remote
        if not remote:
            return [
                Finding(
                    "sync",
                    "skip",
                    "no remote configured ([sync] remote): the dashboard stays on this machine",
                )
            ]
        found = [Finding("sync", "ok", f"remote {_safe_uri(remote)}")]
        found.append(self.reachable(remote))
        if store is not None:
            found.append(self.lag(store))
        return found

    def reachable(self, remote: str) -> Finding:
        parts = urlsplit(remote)
        host = parts.hostname or "127.0.0.1"
        port = parts.port or 27017
        try:
            with socket.create_connection((host, port), timeout=self.connect_timeout):
                pass
        except OSError as exc:
            local = host in ("127.0.0.1", "localhost", "::1")
            fix = (
                "the SSH tunnel is down: `systemctl --user restart deskmeter-tunnel`"
                if local
                else "check the network and the remote host"
            )
            return Finding(
                "remote", "fail", f"{host}:{port} does not answer ({exc.strerror or exc}): {fix}"
            )
        through = "through the tunnel" if host in ("127.0.0.1", "localhost", "::1") else "directly"
        return Finding("remote", "ok", f"{host}:{port} answers ({through})")

    def lag(self, store: Store) -> Finding:
        from deskmeter.sync.factory import make_source
        from deskmeter.sync.status import report

        info = report(
            store,
            make_source(store, self.settings.sync),
            heartbeat_seconds=self.settings.sync.heartbeat_seconds,
            host=self.settings.host,
        )
        if info.get("applied_at") is None:
            return Finding("last sync", "warn", "never synced yet: run `deskmeter sync`")
        lag = info.get("lag_seconds")
        daemon = "running" if info.get("running") else "not running"
        level: Level = "ok" if info.get("running") else "warn"
        lag_text = "unknown" if lag is None else f"{lag:.0f}s"
        return Finding(
            "last sync",
            level,
            f"{info['applied_at']}, lag {lag_text}, daemon {daemon}"
            + ("" if info.get("running") else ": `deskmeter sync` (or its systemd unit)"),
        )


def _ago(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


def _safe_uri(uri: str) -> str:
    """``uri`` without its password."""
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return parts._replace(netloc=netloc).geturl()


MARKS: dict[str, str] = {"ok": "ok  ", "warn": "warn", "fail": "FAIL", "skip": "--  "}


def render(findings: list[Finding]) -> str:
    width = max((len(f.name) for f in findings), default=0)
    return "\n".join(f"{MARKS[f.level]}  {f.name.ljust(width)}  {f.text}" for f in findings)
