"""Newer Wayland compositors from a Debian root file system, run in a chroot as a test user.

The trees are the GNOME ones (scripts/build-gnome-rootfs.sh builds each once and caches it):
trixie holds Sway 1.10 and KWin 6.3, sid holds labwc and Hyprland. Every process runs in its own
private mount namespace through ``tests.gnome.shell.CHROOT_SCRIPT`` (proc, sys, dev bound in, an
EMPTY tmpfs on /run, the host's /tmp bound on the chroot's /tmp), so the compositor's runtime
directory, its Wayland socket and its IPC socket, all under the test root in /tmp, are the same
paths for every process of the session.

Sway refuses to run as root: everything of the session runs as the unprivileged ``dmtest`` user
(added to the tree's /etc/passwd once), with ``XDG_RUNTIME_DIR`` a 0700 directory of its own.
``deskmeter track`` runs inside the chroot from a venv made by the tree's python3 (3.13), with
the repository's package installed in it from a copy of the source (pip, offline from the
wheelhouse of scripts/setup.d/20-docker.sh when there is one).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from tests.gnome.shell import CHROOT_SCRIPT

ROOT = Path(__file__).resolve().parents[2]
USER = "dmtest"
UID = GID = 4242

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


def ensure_user(tree: Path) -> None:
    """Add the test user to the tree's passwd and group files (once)."""
    passwd = tree / "etc" / "passwd"
    if f"\n{USER}:" not in "\n" + passwd.read_text():
        with passwd.open("a") as out:
            out.write(f"{USER}:x:{UID}:{GID}:deskmeter test:/tmp:/bin/sh\n")
        with (tree / "etc" / "group").open("a") as out:
            out.write(f"{USER}:x:{GID}:\n")


class Chroot:
    """Runs commands in ``tree`` as the test user, with ``root`` (under /tmp) shared."""

    def __init__(self, tree: Path, root: Path) -> None:
        self.tree = tree
        self.root = root
        ensure_user(tree)
        self.home = root / "home"
        self.runtime = root / "run"
        for path in (self.home, self.runtime):
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chown(path, UID, GID)
        os.chmod(root, 0o755)
        os.chown(root, UID, GID)

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        base = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.home),
            "USER": USER,
            "LOGNAME": USER,
            "XDG_RUNTIME_DIR": str(self.runtime),
            "LANG": "C.UTF-8",
        }
        base.update(extra or {})
        return base

    def argv(self, command: Sequence[str], env: Mapping[str, str], *, user: bool = True) -> list[str]:
        spec = (
            ["/usr/bin/setpriv", f"--reuid={UID}", f"--regid={GID}", "--clear-groups"]
            if user
            else []
        )
        env_args = [f"{key}={value}" for key, value in env.items()]
        return [
            "unshare", "--mount", "--propagation", "private", "--", "sh", "-c", CHROOT_SCRIPT,
            "sh", str(self.tree), str(self.root), *spec, "/usr/bin/env", "-i", *env_args, *command,
        ]  # fmt: skip

    def popen(
        self,
        command: Sequence[str],
        env: Mapping[str, str] | None = None,
        *,
        log: Path,
        user: bool = True,
    ) -> subprocess.Popen[bytes]:
        with log.open("ab") as out:
            return subprocess.Popen(
                self.argv(command, self.env(env), user=user),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def run(
        self,
        command: Sequence[str],
        env: Mapping[str, str] | None = None,
        *,
        user: bool = True,
        timeout: float = 120,
        check: bool = True,
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            self.argv(command, self.env(env), user=user),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-2000:]}"
                f"\n{done.stderr[-2000:]}"
            )
        return done


def make_venv(chroot: Chroot) -> Path:
    """A venv in the test root with deskmeter installed from a copy of this checkout."""
    src = chroot.root / "deskmeter-src"
    shutil.copytree(ROOT / "src", src / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, src / name)
    venv = chroot.root / "venv"
    pip_args = ["--no-cache-dir", "--disable-pip-version-check", "-q"]
    wheels = os.environ.get("DESKMETER_TEST_WHEELHOUSE") or str(
        Path(os.environ.get("DESKMETER_CACHE_DIR", Path.home() / ".cache" / "deskmeter")) / "wheels"
    )
    if Path(wheels).is_dir():
        copy = chroot.root / "wheels"
        shutil.copytree(wheels, copy)
        pip_args += ["--find-links", str(copy)]
    for path in (src, chroot.root / "wheels"):
        if path.exists():
            subprocess.run(["chown", "-R", f"{UID}:{GID}", str(path)], check=True)
    chroot.run(["python3", "-m", "venv", str(venv)], timeout=120)
    chroot.run([f"{venv}/bin/pip", "install", *pip_args, str(src)], timeout=600)
    return venv


def wait_for(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(predicate) and predicate():
            return
        time.sleep(0.05)
    raise TimeoutError(f"{what} did not happen in {timeout:.0f} s")
