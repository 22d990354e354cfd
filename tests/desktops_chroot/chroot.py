"""Newer Wayland compositors from a Debian root file system, for desk-src's start helpers.

The trees are the GNOME ones (scripts/build-gnome-rootfs.sh builds each once and caches it):
trixie holds Sway 1.10 and KWin 6.3, sid holds labwc and Hyprland. ``mounted_tree`` readies a
tree for ``tests.desktops.compositors`` (``start_sway(root=tree)``, ``start_kwin(root=tree)``,
which run ``chroot --userspec``): /proc, /dev and /sys bound in, an EMPTY tmpfs on /run, and the
host's /tmp bound on the tree's /tmp, so the compositor's runtime directory, its Wayland and
IPC sockets and the tracker's files (all under /tmp) have the same path inside and outside.

``deskmeter track`` runs inside the chroot as the test user, from a venv made by the tree's own
python3 (3.13) with the checkout's package installed into it from a copy of ``src`` (pip; offline
from the wheelhouse of scripts/setup.d/20-docker.sh when it is there).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tests.desktops import compositors
from tests.desktops.compositors import UserTracker, _popen_logged, as_user, ensure_user

ROOT = Path(__file__).resolve().parents[2]

#: The suite whose tree holds each compositor, and the variable that names that tree.
SUITE_VARIABLE = {"trixie": "DESKMETER_GNOME48_ROOTFS", "sid": "DESKMETER_GNOME51_ROOTFS"}


def rootfs(suite: str) -> Path:
    """The suite's tree: from scripts/setup.d/25-gnome48.sh's variable, else built (cached)."""
    given = os.environ.get(SUITE_VARIABLE[suite])
    if given:
        return Path(given)
    done = subprocess.run(
        [str(ROOT / "scripts" / "build-gnome-rootfs.sh"), suite],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"building the {suite} root file system failed:\n{done.stderr[-3000:]}")
    return Path(done.stdout.strip().splitlines()[-1])


def add_user(tree: Path, user: pwd.struct_passwd) -> None:
    """The host's test user, also in the tree's passwd and group files (once)."""
    passwd = tree / "etc" / "passwd"
    if f"\n{user.pw_name}:" not in "\n" + passwd.read_text():
        with passwd.open("a") as out:
            out.write(f"{user.pw_name}:x:{user.pw_uid}:{user.pw_gid}::/tmp:/usr/sbin/nologin\n")
        with (tree / "etc" / "group").open("a") as out:
            out.write(f"{user.pw_name}:x:{user.pw_gid}:\n")


def _mount(*argv: str) -> None:
    subprocess.run(["mount", *argv], check=True)


@contextlib.contextmanager
def mounted_tree(tree: Path) -> Iterator[Path]:
    """``tree`` with /proc, /sys, /dev, /tmp bound in and an empty /run, unmounted after."""
    if not (tree / ".deskmeter-complete").exists():
        raise RuntimeError(f"{tree} is not a complete root file system (build-gnome-rootfs.sh)")
    add_user(tree, ensure_user())
    done: list[Path] = []
    try:
        for target, argv in (
            ("proc", ["-t", "proc", "proc"]),
            ("sys", ["--rbind", "/sys"]),
            ("dev", ["--rbind", "/dev"]),
            ("run", ["-t", "tmpfs", "-o", "mode=0755", "tmpfs"]),
            ("tmp", ["--bind", "/tmp"]),
        ):
            path = tree / target
            while subprocess.run(["mountpoint", "-q", str(path)], check=False).returncode == 0:
                # left by a run that crashed before its teardown
                subprocess.run(["umount", "-R", "-l", str(path)], check=False)
            _mount(*argv, str(path))
            done.append(path)
            if "--rbind" in argv:
                _mount("--make-rslave", str(path))
        yield tree
    finally:
        for path in reversed(done):
            subprocess.run(["umount", "-R", "-l", str(path)], check=False)


def make_venv(tree: Path) -> Path:
    """A venv under /tmp, made by the tree's python3, with this checkout's deskmeter in it."""
    base = Path(tempfile.mkdtemp(prefix="dm-chroot-venv-", dir="/tmp"))
    base.chmod(0o755)
    src = base / "src"
    shutil.copytree(ROOT / "src", src / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, src / name)
    pip_args = ["--no-cache-dir", "--disable-pip-version-check", "-q"]
    cache = Path(os.environ.get("DESKMETER_CACHE_DIR", Path.home() / ".cache" / "deskmeter"))
    wheels = Path(os.environ.get("DESKMETER_TEST_WHEELHOUSE") or cache / "wheels")
    if wheels.is_dir():
        shutil.copytree(wheels, base / "wheels")
        pip_args += ["--find-links", str(base / "wheels")]
    venv = base / "venv"
    for argv in (
        ["python3", "-m", "venv", str(venv)],
        [f"{venv}/bin/pip", "install", *pip_args, str(src)],
    ):
        done = subprocess.run(
            ["chroot", str(tree), "/usr/bin/env", "-i", "PATH=/usr/bin:/bin", "HOME=/tmp", *argv],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{argv[0]} in the chroot failed:\n{done.stderr[-3000:]}")
    return venv


def kwin_bin_in(tree: Path) -> Callable[..., Path]:
    """``compositors.user_dir`` that names KWin's binary copy's folder through ``tree``.

    ``start_kwin(root=tree)`` wants that folder under the tree (it runs the copy by its path
    inside); the tree's /tmp is the host's, so ``tree/tmp/X`` and ``/tmp/X`` are one folder.
    """
    plain = compositors.user_dir

    def user_dir(user: pwd.struct_passwd, prefix: str, mode: int = 0o700) -> Path:
        path = plain(user, prefix, mode)
        return tree / "tmp" / path.name if prefix == "dm-kwin-bin-" else path

    return user_dir


def state_once_tracking() -> Callable[[UserTracker], Any]:
    """``UserTracker.state`` that leaves the store alone until the tracker has opened it.

    Two processes opening a fresh SQLite store at once can fail the tracker's open with
    "database is locked" (``PRAGMA journal_mode = WAL`` does not wait for the other): seen twice
    in about fifty chroot runs, where the test polled the store while the tracker created it.
    The tracker logs "tracking with ..." once its store is open.
    """
    plain = UserTracker.state

    def state(self: UserTracker) -> Any:
        if "tracking with the" not in self.log():
            return None
        return plain(self)

    return state


def chroot_start(venv: Path) -> Callable[[UserTracker, str], subprocess.Popen[bytes]]:
    """``UserTracker.start`` for a session in a chroot: the tree's venv's ``deskmeter``."""

    def start(self: UserTracker, *args: str) -> subprocess.Popen[bytes]:
        argv = [str(venv / "bin" / "deskmeter"), "track", *args]
        self.proc = _popen_logged(
            as_user(self.session.user, self.env(), argv, self.session.root), self.log_path
        )
        return self.proc

    return start


# -- labwc (Debian unstable) ------------------------------------------------------------------

LABWC_RC = """<?xml version="1.0"?>
<labwc_config>
  <desktops number="{count}">
    <names>
{names}
    </names>
  </desktops>
</labwc_config>
"""


class Labwc(compositors.Session):
    """Headless labwc; its workspaces are its configuration's ``<desktops>``."""

    config_dir: Path = Path("/nonexistent")

    @property
    def display(self) -> str:
        return str(self.runtime_dir / self.env["WAYLAND_DISPLAY"])

    def configure(self, names: list[str]) -> None:
        """Write the workspaces' names into rc.xml (``reconfigure`` makes labwc read it)."""
        rows = "\\n".join(f"      <name>{name}</name>" for name in names)
        (self.config_dir / "rc.xml").write_text(LABWC_RC.format(count=len(names), names=rows))

    def reconfigure(self) -> None:
        assert self.proc is not None
        compositors.os.kill(labwc_pid(self.proc.pid), compositors.signal.SIGHUP)


def labwc_pid(pid: int) -> int:
    """labwc's own process under ``chroot``/``env`` (they exec, so usually ``pid`` itself)."""
    for _ in range(5):
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        if not children:
            return pid
        pid = int(children[0])
    return pid


def start_labwc(root: Path, names: list[str]) -> Labwc:
    user = ensure_user()
    runtime = compositors.user_dir(user, "dm-labwc-run-")
    home = compositors.user_dir(user, "dm-labwc-home-")
    config_dir = home / "labwc"
    config_dir.mkdir()
    base = {"HOME": str(home), "XDG_RUNTIME_DIR": str(runtime), "PATH": "/usr/bin:/bin"}
    session = Labwc("labwc", user, runtime, {}, root=root, log_path=home / "labwc.log")
    session.config_dir = config_dir
    session.dirs += [runtime, home]
    session.configure(names)
    subprocess.run(["chown", "-R", f"{user.pw_uid}:{user.pw_gid}", str(config_dir)], check=True)

    def launch() -> None:
        env = {
            **base,
            "WLR_BACKENDS": "headless",
            "WLR_LIBINPUT_NO_DEVICES": "1",
            "WLR_RENDERER": "pixman",
        }
        assert session.log_path is not None
        session.proc = _popen_logged(
            as_user(user, env, ["labwc", "-C", str(config_dir)], root), session.log_path
        )
        try:
            display = compositors.wait_for(
                lambda: (
                    next(iter(runtime.glob("wayland-*[0-9]")), None)
                    or (session.proc is not None and session.proc.poll() is not None and "exit")
                ),
                timeout=20,
                what="labwc's Wayland socket",
            )
        except AssertionError:
            raise compositors.CannotStartError(
                f"labwc did not start: {session.log()[-2000:]}"
            ) from None
        if display == "exit":
            raise compositors.CannotStartError(f"labwc exited: {session.log()[-2000:]}")
        session.env = {
            **base,
            "WAYLAND_DISPLAY": display.name,
            "XDG_SESSION_TYPE": "wayland",
            "XDG_CURRENT_DESKTOP": "labwc:wlroots",
        }

    session.restart = launch
    launch()
    return session
