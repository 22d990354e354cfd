"""Start real compositors (Sway, KWin, i3) headless, as a test user, and a real tracker in them.

Used by tests/desktops and benchmarks/desktop_latency.py. Every helper takes ``root``: ``/``
runs the host's compositor (Debian 12 here); another path runs the one installed in that root
file system through ``chroot --userspec`` (the Debian 13 / unstable versions: the caller
bind-mounts /proc, /sys, /dev and /tmp into it). Runtime directories, sockets and session
buses live under /tmp, so the tracker (``UserTracker``) always runs on the host, as the test
user, with the host's Python, and reaches a chrooted compositor as it would a local one.

Why a test user: Sway refuses to run as root ("Unable to drop root"), and a session is a
user's. The user's Python is a venv made from the system's ``/usr/bin/python3`` (a user cannot
run an interpreter in root's home) that sees the test run's site-packages and ``src`` through a
``.pth`` file: the same code and libraries, no second install.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from deskmeter.models import State
from deskmeter.store.sqlite import SQLiteStore
from deskmeter.tracker.sources.i3_ipc import GET_WORKSPACES, RUN_COMMAND, IpcConnection
from tests.support.waiting import wait_for

#: The unprivileged user the compositors and the tracker run as.
TEST_USER = "deskmeter-desktop"
REPO_SRC = Path(__file__).resolve().parents[2] / "src"
HOST_ROOT = Path("/")


class CannotStartError(RuntimeError):
    """A compositor did not come up; the message says what it printed."""


def ensure_user(name: str = TEST_USER) -> pwd.struct_passwd:
    """The test user (created, without a home or a login shell, when missing)."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
            check=True,
        )
        return pwd.getpwnam(name)


def user_dir(user: pwd.struct_passwd, prefix: str, mode: int = 0o700) -> Path:
    """A fresh directory under /tmp owned by ``user`` (pytest's tmp_path is root's only)."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    os.chown(path, user.pw_uid, user.pw_gid)
    path.chmod(mode)
    return path


_CHECKED: dict[str, Path] = {}


def user_python(user: pwd.struct_passwd) -> Path:
    """A Python the test user can run, seeing this run's packages and ``src`` (cached)."""
    if user.pw_name in _CHECKED:
        return _CHECKED[user.pw_name]
    venv = Path("/var/tmp/deskmeter-desktop-venv")
    python = venv / "bin" / "python3"
    site = [
        sysconfig.get_paths()["purelib"],
        sysconfig.get_paths()["platlib"],
        str(REPO_SRC),
        str(REPO_SRC.parent),  # ``tests`` (the benchmark's helpers)
    ]
    if not python.exists():
        base = "/usr/bin/python3"
        subprocess.run([base, "-m", "venv", "--without-pip", str(venv)], check=True)
    found = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(found) / "deskmeter-tests.pth").write_text("\n".join(dict.fromkeys(site)) + "\n")
    entry = venv / "bin" / "deskmeter"
    entry.write_text(f"#!{python}\nfrom deskmeter.cli.main import main\n\nmain()\n")
    entry.chmod(0o755)
    for path in (venv, *venv.parents):  # the user must be able to walk down to it
        if path == Path("/"):
            break
        path.chmod(path.stat().st_mode | 0o005)
    # A checkout under a home others cannot enter (CI may clone under /root): let others pass
    # through the folders above this run's code and libraries (x only: not list them).
    for entry_path in site:
        for parent in Path(entry_path).parents:
            if parent != Path("/") and not parent.stat().st_mode & 0o001:
                parent.chmod(parent.stat().st_mode | 0o001)
    check = subprocess.run(
        as_user(user, {"PATH": "/usr/bin:/bin"}, [str(python), "-c", "import deskmeter.cli.main"]),
        capture_output=True,
        text=True,
        check=False,
    )
    if check.returncode != 0:  # e.g. the checkout or its venv under a home others cannot read
        raise CannotStartError(
            f"the test user {user.pw_name} cannot import deskmeter with {python} (it reads "
            f"{', '.join(dict.fromkeys(site))}; they must be readable by others and built for "
            f"Python {sys.version_info[0]}.{sys.version_info[1]} like /usr/bin/python3): "
            f"{check.stderr.strip().splitlines()[-1:]}"
        )
    _CHECKED[user.pw_name] = python
    return python


def as_user(
    user: pwd.struct_passwd, env: Mapping[str, str], argv: list[str], root: Path = HOST_ROOT
) -> list[str]:
    """``argv`` as ``user`` with exactly ``env`` (nothing of root's environment leaks in)."""
    pairs = [f"{key}={value}" for key, value in env.items()]
    if root == HOST_ROOT:
        return ["runuser", "-u", user.pw_name, "--", "env", "-i", *pairs, *argv]
    return [
        "chroot",
        f"--userspec={user.pw_uid}:{user.pw_gid}",
        str(root),
        "env",
        "-i",
        *pairs,
        *argv,
    ]


@dataclass
class Session:
    """A running compositor and the environment a program started in its session gets."""

    kind: str
    user: pwd.struct_passwd
    runtime_dir: Path
    env: dict[str, str]
    root: Path = HOST_ROOT
    proc: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    restart: Callable[[], None] | None = None
    extra: list[subprocess.Popen[bytes]] = field(default_factory=list)
    #: Directories made for this session, removed by ``stop``.
    dirs: list[Path] = field(default_factory=list)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""

    def run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """A command as the user, in the session's environment."""
        return subprocess.run(
            as_user(self.user, self.env, list(argv), self.root),
            capture_output=True,
            text=True,
            check=check,
            timeout=30,
        )

    def kill(self) -> None:
        """The compositor dies (SIGKILL): no goodbye to its clients. Its X server or session
        bus (``extra``) stays, as they do when a compositor crashes and is restarted."""
        for proc in [self.proc]:
            if proc is not None and proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)

    def stop(self) -> None:
        """End the session and remove its directories."""
        self.end()
        for path in self.dirs:
            shutil.rmtree(path, ignore_errors=True)

    def end(self) -> None:
        """The whole session ends (the compositor, its X server or bus); files stay."""
        for proc in [self.proc, *self.extra]:
            if proc is not None and proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                try:  # runuser waits 2 s for its child after a SIGTERM: no need here
                    proc.wait(0.5)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(10)


def _popen_logged(argv: list[str], log_path: Path) -> subprocess.Popen[bytes]:
    with log_path.open("ab") as log:
        return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


# -- Sway -------------------------------------------------------------------------------------

SWAY_CONFIG = """\
# Deskmeter's test configuration: no bar, no idle, one headless output.
output HEADLESS-1 resolution 800x600
focus_follows_mouse no
"""


class Sway(Session):
    """Headless Sway; ``command`` talks to its IPC socket like ``swaymsg`` does."""

    @property
    def socket(self) -> str:
        return self.env["SWAYSOCK"]

    def command(self, text: str) -> list[dict[str, object]]:
        with IpcConnection(self.socket) as conn:
            reply = conn.request(RUN_COMMAND, text)
        assert isinstance(reply, list) and all(r.get("success") for r in reply), (text, reply)
        return reply

    def workspaces(self) -> list[dict[str, object]]:
        with IpcConnection(self.socket) as conn:
            reply = conn.request(GET_WORKSPACES)
        assert isinstance(reply, list)
        return reply

    def focused(self) -> str:
        return str(next(w["name"] for w in self.workspaces() if w.get("focused")))


def start_sway(
    root: Path = HOST_ROOT, user: pwd.struct_passwd | None = None, binary: str = "sway"
) -> Sway:
    user = user or ensure_user()
    runtime = user_dir(user, "dm-sway-run-")
    home = user_dir(user, "dm-sway-home-")
    config = home / "sway.config"
    config.write_text(SWAY_CONFIG)
    base = {
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "PATH": "/usr/local/bin:/usr/bin:/bin",
    }
    session = Sway("sway", user, runtime, {}, root=root, log_path=home / "sway.log")
    session.dirs += [runtime, home]

    def launch() -> None:
        for old in runtime.glob("sway-ipc.*.sock"):
            old.unlink()
        env = {
            **base,
            "WLR_BACKENDS": "headless",
            "WLR_LIBINPUT_NO_DEVICES": "1",
            "WLR_RENDERER": "pixman",
        }
        assert session.log_path is not None
        session.proc = _popen_logged(
            as_user(user, env, [binary, "-c", str(config)], root), session.log_path
        )
        try:
            sock = wait_for(
                lambda: (
                    next(iter(runtime.glob("sway-ipc.*.sock")), None)
                    or (session.proc is not None and session.proc.poll() is not None and "exit")
                ),
                timeout=20,
                what="sway's IPC socket",
            )
        except AssertionError:
            raise CannotStartError(f"sway did not start: {session.log()[-2000:]}") from None
        if sock == "exit":
            raise CannotStartError(f"sway exited: {session.log()[-2000:]}")
        display: Path = wait_for(
            lambda: next(iter(runtime.glob("wayland-*[0-9]")), None), timeout=10
        )  # type: ignore[assignment]
        session.env = {
            **base,
            "SWAYSOCK": str(sock),
            "WAYLAND_DISPLAY": display.name,
            "XDG_SESSION_TYPE": "wayland",
            "XDG_CURRENT_DESKTOP": "sway",
        }
        wait_for(lambda: _answers(session), timeout=10, what="sway answering on IPC")

    session.restart = launch
    launch()
    return session


def _answers(sway: Sway) -> bool:
    try:
        return bool(sway.workspaces())
    except OSError:
        return False


# -- i3 under Xvfb ----------------------------------------------------------------------------

I3_CONFIG = """\
# Deskmeter's test configuration: no bar, no keys.
font pango:monospace 8
"""


def start_i3(display_number: int, root: Path = HOST_ROOT) -> Sway:
    """Xvfb + i3 as the test user; the result speaks the same IPC as Sway (``Sway`` helpers)."""
    user = ensure_user()
    runtime = user_dir(user, "dm-i3-run-")
    home = user_dir(user, "dm-i3-home-")
    config = home / "i3.config"
    config.write_text(I3_CONFIG)
    display = f":{display_number}"
    base = {"HOME": str(home), "XDG_RUNTIME_DIR": str(runtime), "PATH": "/usr/bin:/bin"}
    session = Sway("i3", user, runtime, {}, root=root, log_path=home / "i3.log")
    session.dirs += [runtime, home]
    # The X server runs as root, as a display manager's does (and as tests/support/xvfb.py's);
    # ``-ac``: the test user's clients may connect without a cookie.
    xvfb = _popen_logged(
        [
            *([] if root == HOST_ROOT else ["chroot", str(root)]),
            "Xvfb",
            display,
            "-screen",
            "0",
            "1024x768x24",
            "-nolisten",
            "tcp",
            "-ac",
        ],
        session.log_path,  # type: ignore[arg-type]
    )
    session.extra.append(xvfb)
    wait_for(lambda: Path(f"/tmp/.X11-unix/X{display_number}").exists(), timeout=10)

    def launch() -> None:
        for old in runtime.glob("i3/ipc-socket.*"):
            old.unlink()
        env = {**base, "DISPLAY": display}
        assert session.log_path is not None
        session.proc = _popen_logged(
            as_user(user, env, ["i3", "-c", str(config)], root), session.log_path
        )
        sock = wait_for(
            lambda: next(iter(runtime.glob("i3/ipc-socket.*")), None), timeout=20, what="i3 IPC"
        )
        session.env = {
            **base,
            "DISPLAY": display,
            "XDG_SESSION_TYPE": "x11",
            "XDG_CURRENT_DESKTOP": "i3",
        }
        session.env["I3SOCK_FOR_TESTS"] = str(sock)  # the tracker is not told: auto finds it
        wait_for(lambda: _answers_at(str(sock)), timeout=10, what="i3 answering on IPC")

    session.restart = launch
    launch()
    return session


def _answers_at(path: str) -> bool:
    try:
        with IpcConnection(path) as conn:
            return bool(conn.request(GET_WORKSPACES))
    except OSError:
        return False


class I3(Sway):
    pass


# -- KWin -------------------------------------------------------------------------------------

KWIN_FLAGS = ["--virtual", "--width", "1280", "--height", "800", "--no-lockscreen"]
#: One desktop in gdbus's text (the first position says ``uint32 0``, the others just ``1``).
GVARIANT_DESKTOP = re.compile(r"\((?:u?int32 )?(\d+), '([^']*)', '([^']*)'\)")


class KWin(Session):
    """Headless KWin in its own session bus; ``gdbus`` as the user drives it."""

    def gdbus(self, method: str, *args: str) -> str:
        out = self.run(
            "gdbus",
            "call",
            "--session",
            "--dest",
            "org.kde.KWin",
            "--object-path",
            "/VirtualDesktopManager",
            "--method",
            method,
            *args,
        )
        return out.stdout

    def desktops(self) -> list[tuple[int, str, str]]:
        out = self.gdbus(
            "org.freedesktop.DBus.Properties.Get", "org.kde.KWin.VirtualDesktopManager", "desktops"
        )
        return [(int(p), i, n) for p, i, n in GVARIANT_DESKTOP.findall(out)]

    def current(self) -> str:
        out = self.gdbus(
            "org.freedesktop.DBus.Properties.Get", "org.kde.KWin.VirtualDesktopManager", "current"
        )
        found = re.search(r"'([^']*)'", out)
        assert found, out
        return found.group(1)

    def switch(self, name: str) -> None:
        ident = next(i for _, i, n in self.desktops() if n == name)
        self.gdbus(
            "org.freedesktop.DBus.Properties.Set",
            "org.kde.KWin.VirtualDesktopManager",
            "current",
            f"<'{ident}'>",
        )

    def create(self, position: int, name: str) -> None:
        self.gdbus("org.kde.KWin.VirtualDesktopManager.createDesktop", str(position), name)

    def rename(self, old: str, new: str) -> None:
        ident = next(i for _, i, n in self.desktops() if n == old)
        self.gdbus("org.kde.KWin.VirtualDesktopManager.setDesktopName", ident, new)

    def remove(self, name: str) -> None:
        ident = next(i for _, i, n in self.desktops() if n == name)
        self.gdbus("org.kde.KWin.VirtualDesktopManager.removeDesktop", ident)


def start_kwin(root: Path = HOST_ROOT, binary: str = "/usr/bin/kwin_wayland") -> KWin:
    """``kwin_wayland --virtual`` as the test user in a session bus of its own.

    The bus is held by ``dbus-run-session -- sleep`` (``extra``) so that KWin can die and be
    started again on the same bus, as a Plasma session restarts a crashed KWin.

    The packaged binary carries the file capability ``cap_sys_resource``, which these
    containers cannot grant: a copy (which has none) runs under the name ``kwin_wayland``.
    """
    user = ensure_user()
    runtime = user_dir(user, "dm-kwin-run-")
    home = user_dir(user, "dm-kwin-home-")
    bindir = user_dir(user, "dm-kwin-bin-", 0o755)
    source = root / binary.lstrip("/")
    shutil.copy(source, bindir / "kwin_wayland")
    inner_bin = bindir  # under /tmp: the same path inside a chroot that binds /tmp
    address_file = home / "bus"
    base = {
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "PATH": f"{inner_bin}:/usr/bin:/bin",
        "QT_QPA_PLATFORM": "wayland",
        "KWIN_COMPOSE": "Q",
    }
    session = KWin("kwin", user, runtime, {}, root=root, log_path=home / "kwin.log")
    session.dirs += [runtime, home, bindir]
    holder = f'echo "$DBUS_SESSION_BUS_ADDRESS" > {address_file}; exec sleep infinity'
    session.extra.append(
        _popen_logged(
            as_user(user, base, ["dbus-run-session", "--", "sh", "-c", holder], root),
            session.log_path,  # type: ignore[arg-type]
        )
    )
    address = wait_for(
        lambda: address_file.exists() and address_file.read_text().strip(),
        timeout=15,
        what="the session bus",
    )
    session.env = {
        **base,
        "DBUS_SESSION_BUS_ADDRESS": str(address),
        "WAYLAND_DISPLAY": "wayland-9",
        "XDG_SESSION_TYPE": "wayland",
    }
    session.env.pop("QT_QPA_PLATFORM")
    session.env.pop("KWIN_COMPOSE")

    def launch() -> None:
        (runtime / "wayland-9").unlink(missing_ok=True)
        (runtime / "wayland-9.lock").unlink(missing_ok=True)
        env = {**base, "DBUS_SESSION_BUS_ADDRESS": str(address)}
        assert session.log_path is not None
        session.proc = _popen_logged(
            as_user(user, env, ["kwin_wayland", *KWIN_FLAGS, "--socket", "wayland-9"], root),
            session.log_path,
        )

        def answers() -> bool:
            if session.proc is not None and session.proc.poll() is not None:
                raise CannotStartError(f"kwin_wayland exited: {session.log()[-2000:]}")
            try:
                return bool(session.desktops())
            except subprocess.CalledProcessError:
                return False

        wait_for(answers, timeout=30, interval=0.2, what="KWin's /VirtualDesktopManager")

    session.restart = launch
    launch()
    return session


# -- the tracker, as the user -----------------------------------------------------------------


@dataclass
class UserTracker:
    """``deskmeter track`` started as the user in the session, with its own store and tasks."""

    session: Session
    home: Path
    proc: subprocess.Popen[bytes] | None = None
    #: More environment (e.g. a longer heartbeat for the idle benchmark).
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def store_path(self) -> Path:
        return self.home / "data" / "deskmeter" / "deskmeter.db"

    @property
    def task_file(self) -> Path:
        return self.home / "config" / "deskmeter" / "tasks.txt"

    @property
    def log_path(self) -> Path:
        return self.home / "track.log"

    def env(self) -> dict[str, str]:
        return {
            **{k: v for k, v in self.session.env.items() if not k.endswith("_FOR_TESTS")},
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.home / "config"),
            "XDG_DATA_HOME": str(self.home / "data"),
            "DESKMETER_TIMEZONE": "UTC",
            "DESKMETER_TRACKER__HEARTBEAT_SECONDS": "1",
            "DESKMETER_TRACKER__RETRY_SECONDS": "0.5",
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        python = user_python(self.session.user)
        argv = [str(python.parent / "deskmeter"), "track", *args]
        # Always the host's Python and code, whatever root the compositor runs from: its
        # sockets and bus are under /tmp, which a chroot shares (bind-mounted) with the host.
        self.proc = _popen_logged(as_user(self.session.user, self.env(), argv), self.log_path)
        return self.proc

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def store(self) -> SQLiteStore:
        return SQLiteStore(self.store_path)

    def state(self) -> State | None:
        if not self.store_path.exists():
            return None
        store = self.store()
        try:
            return store.get_state()
        finally:
            store.close()

    def wait_state(self, check: Callable[[State | None], bool], timeout: float = 20) -> State:
        def ok() -> State | bool:
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(f"deskmeter track exited: {self.log()[-2000:]}")
            state = self.state()
            return state if check(state) and state is not None else check(state)

        try:
            return wait_for(ok, timeout=timeout, what="the tracker's state")  # type: ignore[return-value]
        except AssertionError as exc:  # say what the tracker last said
            said = self.log()[-3000:]
            raise AssertionError(f"{exc}; state {self.state()!r}; log:\n{said}") from None

    def pid(self) -> int:
        """The tracker's own process (``runuser`` forks it; ``env`` execs into it)."""
        assert self.proc is not None
        pid = self.proc.pid
        for _ in range(5):
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            if not children:
                return pid
            pid = int(children[0])
        return pid

    def stop(self) -> int:
        """SIGTERM to the tracker, as systemd would send it; its exit status."""
        assert self.proc is not None
        os.kill(self.pid(), signal.SIGTERM)
        return self.proc.wait(15)


@contextlib.contextmanager
def user_tracker(
    session: Session, tasks: str = "* work/alpha\nwork/beta\n"
) -> Iterator[UserTracker]:
    home = user_dir(session.user, "dm-track-")
    session.dirs.append(home)  # removed with the session (tests read the log after the run)
    run = UserTracker(session, home)
    run.task_file.parent.mkdir(parents=True)
    run.task_file.write_text(tasks)
    for path in (home / "config", run.task_file.parent, run.task_file):
        os.chown(path, session.user.pw_uid, session.user.pw_gid)
    try:
        yield run
    finally:
        if run.proc is not None and run.proc.poll() is None:
            os.killpg(run.proc.pid, signal.SIGKILL)
            run.proc.wait(10)


def on(name: str) -> Callable[[State | None], bool]:
    return lambda state: state is not None and state.workspace == name and not state.away


def now() -> float:
    return time.time()
