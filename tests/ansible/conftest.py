"""Shared helpers of the Ansible tests: the repository root and the tools of the virtualenv."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """The virtualenv's copy of a console script, else the one on PATH; skip when absent."""
    candidate = BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed (pip install -e '.[ansible]')")
    return found


def tool_env() -> dict[str, str]:
    """The environment for Ansible tools: the virtualenv first on PATH, no colours."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(ANSIBLE_FORCE_COLOR="0", NO_COLOR="1", PY_COLORS="0", ANSIBLE_NOCOLOR="1")
    return env


def docker_ready() -> str | None:
    """None when dockerd answers, else why not."""
    if not shutil.which("docker"):
        return "the docker CLI is not installed"
    result = subprocess.run(["docker", "info"], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return f"dockerd is not running ({result.stderr.strip().splitlines()[-1:]})"
    return None
