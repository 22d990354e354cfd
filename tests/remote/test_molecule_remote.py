"""The remote deployment end to end: ``molecule test`` of roles/stack/molecule/default.

build (controller) -> push (registry on the test network) -> pull (the "EC2 host", a systemd
container running its own dockerd) -> Compose up behind Nginx -> verify (dashboard through Nginx,
security headers, write methods refused, MongoDB's port closed from outside) -> idempotence.
The wall time is written to $DESKMETER_ARTIFACTS/molecule-remote.json.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.remote.conftest import ROOT, ansible_env, tool

pytestmark = [pytest.mark.docker, pytest.mark.slow, pytest.mark.timeout(1800)]

SCENARIO_DIR = ROOT / "roles" / "stack"
IMAGES = (
    "deskmeter-remote/python:bookworm",
    "deskmeter-remote/host:bookworm",
    "deskmeter-remote/registry:bookworm",
    "deskmeter-remote/nginx:bookworm",
    "deskmeter-remote/standin:bookworm",
)


def _docker_ok() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, check=False).returncode == 0


def _missing_images() -> list[str]:
    return [
        image
        for image in IMAGES
        if subprocess.run(
            ["docker", "image", "inspect", image], capture_output=True, check=False
        ).returncode
    ]


def test_remote_deployment_molecule(tmp_path: Path) -> None:
    molecule = tool("molecule")
    if molecule is None:
        pytest.skip("molecule is not installed (pip install -e '.[ansible]')")
    if not _docker_ok():
        pytest.skip("dockerd is not running (scripts/setup.d/20-docker.sh starts it as root)")
    if _missing_images():  # scripts/setup.d/40-remote-images.sh normally built them already
        subprocess.run([str(ROOT / "tests/remote/images/build.sh")], check=True, timeout=1200)
    assert not _missing_images()

    env = ansible_env()
    env.update(NO_COLOR="1", PY_COLORS="0", ANSIBLE_FORCE_COLOR="0")
    log = tmp_path / "molecule-remote.log"
    began = time.monotonic()
    with log.open("w") as out:
        result = subprocess.run(
            [molecule, "test"],
            check=False,
            cwd=SCENARIO_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=1700,
        )
    seconds = round(time.monotonic() - began, 1)
    text = re.sub(r"\x1b\[[0-9;]*m", "", log.read_text(errors="replace"))

    artifacts = Path(os.environ.get("DESKMETER_ARTIFACTS", ROOT / "artifacts"))
    artifacts.mkdir(parents=True, exist_ok=True)
    (artifacts / "molecule-remote.log").write_text(text)
    (artifacts / "molecule-remote.json").write_text(
        json.dumps(
            {
                "scenario": "roles/stack/molecule/default",
                "command": "molecule test",
                "wall_seconds": seconds,
                "returncode": result.returncode,
            },
            indent=2,
        )
        + "\n"
    )
    assert result.returncode == 0, text[-8000:]
    # every step ran, the idempotence step (a second converge) included: it fails on any change
    for step in ("converge", "idempotence", "verify"):
        assert re.search(rf"{step}\W+Executed: Successful", text), f"{step} did not run"
