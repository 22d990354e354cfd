"""Molecule: one test per scenario (`molecule test`), on the local systemd test image.

Needs dockerd and the image that scripts/setup.d/20-docker.sh builds ($DESKMETER_TEST_IMAGE).
The selected scenarios start together, $DESKMETER_MOLECULE_JOBS (default 2) at a time, longest
first (they mostly wait on containers); each test waits for its own. Each scenario's output goes
to $DESKMETER_ARTIFACTS/molecule/<name>.log and its wall time to
$DESKMETER_ARTIFACTS/molecule-times.json.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.ansible.conftest import ROOT, docker_ready, tool, tool_env

ARTIFACTS = Path(os.environ.get("DESKMETER_ARTIFACTS", ROOT / "artifacts"))
IMAGE = os.environ.get("DESKMETER_TEST_IMAGE", "deskmeter-test/systemd:bookworm")
JOBS = int(os.environ.get("DESKMETER_MOLECULE_JOBS", "2"))

# name: (directory molecule runs in, scenario), longest first.
SCENARIOS = {
    "deskmeter": ("roles/deskmeter", "default"),
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
    start = time.monotonic()
    result = subprocess.run(
        [tool("molecule"), "test", "-s", scenario],
        cwd=ROOT / directory,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=tool_env(),
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
def molecule_runs(request: pytest.FixtureRequest) -> dict[str, Future[Run]]:
    """Start every selected scenario at once (JOBS at a time); a test waits for its own."""
    why = docker_ready()
    if why:
        pytest.skip(f"Molecule needs Docker: {why}")
    image = subprocess.run(["docker", "image", "inspect", IMAGE], capture_output=True, check=False)
    if image.returncode != 0:
        pytest.fail(
            f"the test image {IMAGE} is missing: scripts/build-test-image.sh builds it "
            "(scripts/setup.d/20-docker.sh does so in `make test`)"
        )
    tool("molecule")
    selected = [
        item.callspec.params["name"]
        for item in request.session.items
        if item.originalname == "test_molecule_scenario" and hasattr(item, "callspec")
    ]
    pool = ThreadPoolExecutor(max_workers=max(1, JOBS), thread_name_prefix="molecule")
    request.addfinalizer(lambda: pool.shutdown(wait=True))
    return {name: pool.submit(run_scenario, name) for name in SCENARIOS if name in selected}


@pytest.mark.docker
@pytest.mark.slow
@pytest.mark.timeout(3600)
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_molecule_scenario(name: str, molecule_runs: dict[str, Future[Run]]) -> None:
    run = molecule_runs[name].result()
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
