"""The Molecule tests' times are the scenarios' own: the JUnit file and molecule-times.json agree.

Runs tests/ansible/test_molecule.py in a child pytest with a stand-in `molecule` (a script that
takes a known time), so what is checked is the harness: a scenario that runs in a fixture or in
the background (as it once did: 0.001 s in JUnit, 134 s in molecule-times.json) fails this.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.ansible.conftest import ROOT, docker_ready

WORK = 1.5  # seconds the stand-in molecule takes


@pytest.mark.docker
def test_junit_time_is_the_scenarios_time(tmp_path: Path) -> None:
    why = docker_ready()
    if why:
        pytest.skip(f"the Molecule tests need Docker: {why}")
    fake = tmp_path / "molecule"
    fake.write_text(f'#!/bin/sh\nsleep {WORK}\necho fake molecule "$@" in "$PWD"\n')
    fake.chmod(0o755)
    artifacts = tmp_path / "artifacts"
    junit = tmp_path / "junit.xml"
    env = dict(os.environ, DESKMETER_MOLECULE=str(fake), DESKMETER_ARTIFACTS=str(artifacts))
    result = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
            f"--junitxml={junit}", "tests/ansible/test_molecule.py",
            "-k", "scenario and (sync_tunnel or mongodb)",
        ],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    if "image" in result.stdout and "is missing" in result.stdout:
        pytest.skip("the Molecule test images are not built")
    assert result.returncode == 0, result.stdout[-3000:]
    times = json.loads((artifacts / "molecule-times.json").read_text())
    cases = {
        case.get("name"): float(case.get("time", "0"))
        for case in ET.parse(junit).getroot().iter("testcase")
    }
    for name in ("sync_tunnel", "mongodb"):
        junit_time = cases[f"test_molecule_scenario[{name}]"]
        recorded = times[name]["seconds"]
        assert recorded >= WORK, times
        assert junit_time >= WORK, cases  # the work happened inside the test itself
        assert abs(junit_time - recorded) < 1.0, (name, junit_time, recorded)
        log = (artifacts / "molecule" / f"{name}.log").read_text()
        assert log.startswith("fake molecule test -s default"), log
