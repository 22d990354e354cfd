"""Molecule: one test per scenario (`molecule test`: create, converge, idempotence, verify,
destroy), run inside the test itself, on the local systemd test images.

Needs dockerd and the images that scripts/setup.d/20-docker.sh builds ($DESKMETER_TEST_IMAGE,
Debian 12, and $DESKMETER_TEST_IMAGE_TRIXIE, Debian 13: each workstation scenario has one
platform of each, converged in parallel by Ansible's forks). The scenario runs in the test's own
call, so the test's time in the JUnit file is the scenario's time; the same measurement goes to
$DESKMETER_ARTIFACTS/molecule-times.json, the output to $DESKMETER_ARTIFACTS/molecule/<name>.log.

Several checkouts can run the scenarios on one dockerd: $DESKMETER_MOLECULE_PREFIX (e.g. "h4-")
prefixes the container names, and Molecule's state lives in a directory of this checkout's own.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.ansible.conftest import ROOT, docker_ready, tool, tool_env

ARTIFACTS = Path(os.environ.get("DESKMETER_ARTIFACTS", ROOT / "artifacts"))
IMAGES = (
    os.environ.get("DESKMETER_TEST_IMAGE", "deskmeter-test/systemd:bookworm"),
    os.environ.get("DESKMETER_TEST_IMAGE_TRIXIE", "deskmeter-test/systemd:trixie"),
)
# Another molecule executable (tests/ansible/test_molecule_timing.py runs a stand-in).
MOLECULE = os.environ.get("DESKMETER_MOLECULE", "")
# Molecule keeps a scenario's state under a name made from the project directory's base name
# ("deskmeter", the same in every checkout): give this checkout its own.
STATE = Path(tempfile.gettempdir()) / (
    "deskmeter-molecule-" + hashlib.sha256(str(ROOT).encode()).hexdigest()[:10]
)

# name: (directory molecule runs in, scenario), longest first.
SCENARIOS = {
    "deskmeter": ("roles/deskmeter", "default"),
    "deskmeter_desktops": ("roles/deskmeter", "desktops"),
    "local": (".", "local"),
    "gnome_extension": ("roles/gnome_extension", "default"),
    "sync_tunnel": ("roles/sync_tunnel", "default"),
    "mongodb": ("roles/mongodb", "default"),
}


class Run(NamedTuple):
    returncode: int
    output: str
    seconds: float
    log: Path


def run_scenario(name: str) -> Run:
    directory, scenario = SCENARIOS[name]
    log = ARTIFACTS / "molecule" / f"{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = tool_env()
    env["MOLECULE_EPHEMERAL_DIRECTORY"] = str(STATE / name)
    start = time.monotonic()
    result = subprocess.run(
        [MOLECULE or tool("molecule"), "test", "-s", scenario],
        cwd=ROOT / directory,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        check=False,
    )
    seconds = time.monotonic() - start
    log.write_text(result.stdout)
    return Run(result.returncode, result.stdout, seconds, log)


def record_time(name: str, seconds: float, passed: bool) -> None:
    path = ARTIFACTS / "molecule-times.json"
    try:
        times = json.loads(path.read_text())
    except (OSError, ValueError):
        times = {}
    times[name] = {"seconds": round(seconds, 1), "passed": passed}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(times, indent=2, sort_keys=True) + "\n")


@pytest.fixture(scope="module")
def molecule_ready() -> None:
    """Docker, the test images and molecule are there (checked once, not timed per scenario)."""
    why = docker_ready()
    if why:
        pytest.skip(f"Molecule needs Docker: {why}")
    for image in IMAGES:
        found = subprocess.run(
            ["docker", "image", "inspect", image], capture_output=True, check=False
        )
        if found.returncode != 0:
            pytest.fail(
                f"the test image {image} is missing: scripts/build-test-image.sh builds it "
                "(scripts/setup.d/20-docker.sh does so in `make test`)"
            )
    if not MOLECULE:
        tool("molecule")


@pytest.mark.docker
@pytest.mark.slow
@pytest.mark.timeout(3600)
@pytest.mark.parametrize(
    "name",
    # mongodb: also selected by `-m mongodb` (make test-mongodb), for its server part.
    [pytest.param(n, marks=pytest.mark.mongodb) if n == "mongodb" else n for n in SCENARIOS],
)
def test_molecule_scenario(name: str, molecule_ready: None) -> None:
    run = run_scenario(name)  # the whole `molecule test`, here: this test's time is its time
    record_time(name, run.seconds, run.returncode == 0)
    directory, scenario = SCENARIOS[name]
    print(f"molecule scenario {name}: {run.seconds:.0f} s, exit {run.returncode} (log: {run.log})")
    assert run.returncode == 0, (
        f"molecule test -s {scenario} in {directory} failed:\n" + (run.output[-15000:])
    )


@pytest.mark.docker
@pytest.mark.mongodb
def test_mongodb_server_tier() -> None:
    """The part of the mongodb scenario that needs MongoDB's repository: passed, or why skipped."""
    log = ARTIFACTS / "molecule" / "mongodb.log"
    if not log.exists():
        pytest.skip("the mongodb Molecule scenario has not run (test_molecule_scenario[mongodb])")
    text = log.read_text()
    reason = re.search(r"SKIPPED \[\d+\] \S+: (MongoDB server not installed[^\n]*)", text)
    if reason:
        pytest.skip(reason.group(1))
    summaries = re.findall(r"^=+ (.*(?:passed|failed).*) in [\d.]+s.* =+$", text, re.MULTILINE)
    assert summaries, "no testinfra summary in the mongodb scenario's log"
    assert "failed" not in summaries[-1] and "skipped" not in summaries[-1], summaries[-1]
