"""The remote deployment end to end: ``molecule test`` of roles/stack/molecule/default.

build (controller) -> push (registry on the test network) -> pull (two "EC2 hosts" at once,
Debian 12 with Docker 20.10 and Debian 13 with Docker 26, systemd containers running their own
dockerd, both with the Compose v2 plugin) -> Compose v2 up behind Nginx -> a certificate from pebble
(Let's Encrypt's ACME test server, real HTTP-01 validation) through the role's certbot path ->
idempotence -> verify (pebble's certificate on the wire, HTTP redirects to HTTPS, dashboard through
Nginx, security headers, write methods refused, MongoDB's port closed from outside; a forced
renewal runs the deploy hook and Nginx serves the new certificate).
The wall time is written to $DESKMETER_ARTIFACTS/molecule-remote.json.
DESKMETER_REMOTE_PREFIX (default deskmeter-remote) names the images, containers and network.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.remote.conftest import ROOT, ansible_env, tool

pytestmark = [pytest.mark.docker, pytest.mark.slow, pytest.mark.timeout(1800)]

SCENARIO_DIR = ROOT / "roles" / "stack"
# Molecule keeps a scenario's state (inventory, the test CA and pebble's files) under a name made
# from the scenario and the role's directory name, the same in every checkout: two checkouts running
# this at once would share (and destroy) it. Give this checkout its own.
STATE = Path(tempfile.gettempdir()) / (
    "deskmeter-molecule-" + hashlib.sha256(str(ROOT).encode()).hexdigest()[:10]
)
PREFIX = os.environ.get("DESKMETER_REMOTE_PREFIX") or "deskmeter-remote"
IMAGES = tuple(
    f"{PREFIX}/{name}"
    for name in (
        "python:bookworm",
        "host:bookworm",
        "host:trixie",
        "registry:bookworm",
        "nginx:bookworm",
        "standin:bookworm",
        "pebble:bookworm",
        "files:trixie",
    )
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
    env["MOLECULE_EPHEMERAL_DIRECTORY"] = str(STATE / "stack-remote")
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
                "platforms": ["debian-12", "debian-13"],
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
    # the second converge (idempotence) ran on both platforms and changed nothing on either
    after_converge = text.split("[default > converge] Executed", 1)[-1]
    second = after_converge.split("[default > idempotence] Executed", 1)[0]
    for platform in ("bookworm", "trixie"):
        recap = rf"{PREFIX}-{platform}\s*:\s*ok=\d+\s+changed=0\s+unreachable=0\s+failed=0"
        assert re.search(recap, second), f"{platform}: no clean idempotence recap"
