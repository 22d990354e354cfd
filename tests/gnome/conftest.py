"""Fixtures for the GNOME tests: the packed extension, private buses, the shells by version.

GNOME Shell 43 is the host's (Debian 12). Newer shells run from a Debian root file system in a
chroot (tests/gnome/shell.py): the path comes from ``DESKMETER_GNOME<VERSION>_ROOTFS`` (set by
scripts/setup.d/25-gnome48.sh, which builds it once and caches it; empty when that failed),
else the fixture runs scripts/build-gnome-rootfs.sh itself (a no-op when the cache is there).
A newer shell that cannot be had FAILS its tests with the reason: they are required.

Timings: ``artifacts/gnome/times.json`` holds, for every GNOME test, the durations pytest
itself reports for its setup, call and teardown (their sum is the time the JUnit file shows),
and, as their own entries, each shell's boot and stop and any root file system build, with the
test whose setup or teardown they were part of.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.gnome.shell import (
    ROOT,
    PrivateBus,
    pack_extension,
    rootfs_problem,
)

#: Shell versions the real-shell tests run on, and the Debian suite each one's chroot is built
#: from (None: the host's shell).
SHELL_SUITES: dict[str, str | None] = {"43": None, "48": "trixie", "51": "sid"}


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both builds of the extension, packed by pack.sh (zips and unpacked trees)."""
    return pack_extension(tmp_path_factory.mktemp("gnome-extension-build"))


@pytest.fixture
def session_bus() -> Iterator[PrivateBus]:
    """A private D-Bus session bus (a real dbus-daemon), gone after the test."""
    if shutil.which("dbus-daemon") is None:
        pytest.skip("dbus-daemon is not installed (apt: dbus; see scripts/apt/gnome.txt)")
    bus = PrivateBus.start()
    yield bus
    bus.stop()


def gnome_artifacts(version: str | None = None) -> Path:
    path = Path(os.environ.get("DESKMETER_ARTIFACTS", "artifacts")).absolute() / "gnome"
    if version is not None:
        path = path / version
    path.mkdir(parents=True, exist_ok=True)
    return path


def rootfs_for(version: str) -> Path:
    """The root file system of GNOME Shell ``version``; fails the test when there is none."""
    suite = SHELL_SUITES[version]
    assert suite is not None, f"GNOME Shell {version} is the host's"
    variable = f"DESKMETER_GNOME{version}_ROOTFS"
    given = os.environ.get(variable)
    if given == "":  # scripts/setup.d/25-gnome48.sh tried and failed
        pytest.fail(
            f"GNOME Shell {version}: building the Debian {suite} root file system failed in "
            f"scripts/setup.d (see its output; log: ~/.cache/deskmeter/gnome-rootfs-{suite}.log)",
            pytrace=False,
        )
    if given is None:
        started = time.monotonic()
        result = subprocess.run(
            [str(ROOT / "scripts" / "build-gnome-rootfs.sh"), suite],
            capture_output=True,
            text=True,
            check=False,
            timeout=1800,
        )
        record("rootfs", {"version": version, "suite": suite, "seconds": since(started)})
        if result.returncode != 0:
            tail = "\n".join(result.stderr.strip().splitlines()[-8:])
            pytest.fail(
                f"GNOME Shell {version}: no Debian {suite} root file system "
                f"(scripts/build-gnome-rootfs.sh {suite} failed):\n{tail}",
                pytrace=False,
            )
        given = result.stdout.strip().splitlines()[-1]
    rootfs = Path(given)
    problem = rootfs_problem(rootfs)
    if problem:
        pytest.fail(f"GNOME Shell {version} ({variable}): {problem}", pytrace=False)
    return rootfs


# -- timings ---------------------------------------------------------------------------------

_TIMES: dict[str, Any] = {"tests": {}, "rootfs": [], "shells": []}
_CURRENT: dict[str, str] = {}


def since(started: float) -> float:
    return round(time.monotonic() - started, 3)


def record(kind: str, entry: dict[str, Any]) -> None:
    """Note a piece of work that is part of the current test's setup/call/teardown."""
    _TIMES[kind].append(
        {**entry, "part_of": _CURRENT.get("test", ""), "when": _CURRENT.get("when", "")}
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _CURRENT.update(test=item.nodeid, when="setup")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    _CURRENT.update(test=item.nodeid, when="call")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    _CURRENT.update(test=item.nodeid, when="teardown")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if not report.nodeid.startswith("tests/gnome/"):
        return
    entry = _TIMES["tests"].setdefault(report.nodeid, {"setup": 0.0, "call": 0.0, "teardown": 0.0})
    entry[report.when] = round(report.duration, 3)
    entry["total"] = round(entry["setup"] + entry["call"] + entry["teardown"], 3)
    if report.when == "call" or report.outcome != "passed":
        entry["outcome"] = report.outcome


def pytest_sessionfinish(session: pytest.Session) -> None:
    if not _TIMES["tests"]:
        return
    by_version: dict[str, float] = {}
    for nodeid, entry in _TIMES["tests"].items():
        if nodeid.endswith("]"):
            version = nodeid.rsplit("[", 1)[1].rstrip("]").split("-")[0]
            if version.isdigit():
                by_version[version] = round(by_version.get(version, 0.0) + entry["total"], 3)
    out = {
        "about": (
            "tests: pytest's own durations (setup/call/teardown; total = the JUnit time). "
            "shells/rootfs: work done inside the named test's setup or teardown, not extra time."
        ),
        **_TIMES,
        "total_by_shell_version": by_version,
    }
    path = gnome_artifacts() / "times.json"
    path.write_text(json.dumps(out, indent=2, sort_keys=True) + "\n")
