"""Shared helpers of the remote-deployment tests: the repo root and the Ansible tools."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def tool(name: str) -> str | None:
    """An executable of this interpreter's environment (the .venv), else one on PATH."""
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    return shutil.which(name)


def ansible_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["ANSIBLE_ROLES_PATH"] = str(ROOT / "roles")
    env.setdefault("ANSIBLE_NOCOLOR", "1")
    env.setdefault("ANSIBLE_LOCALHOST_WARNING", "false")
    env.setdefault("ANSIBLE_INVENTORY_UNPARSED_WARNING", "false")
    return env


@pytest.fixture(scope="session")
def ansible_playbook() -> str:
    path = tool("ansible-playbook")
    if path is None:
        pytest.skip("ansible-playbook is not installed (pip install -e '.[remote]')")
    return path
