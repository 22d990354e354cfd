"""ansible-lint (production profile) and yamllint over the playbooks, inventory and roles."""

from __future__ import annotations

import subprocess

import pytest

from tests.ansible.conftest import ROOT, tool, tool_env

YAML_PATHS = [
    "local.yml",
    "remote.yml",
    "inventory",
    "roles",
    "playbooks",
    "molecule",
    ".config/molecule",
    "galaxy.yml",
    "meta",
    "changelogs",
    ".yamllint",
    ".ansible-lint",
]


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, env=tool_env(), check=False
    )


def test_yamllint() -> None:
    paths = [p for p in YAML_PATHS if (ROOT / p).exists()]
    result = run([tool("yamllint"), "--strict", "--format", "parsable", *paths])
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_ansible_lint_production_profile() -> None:
    result = run([tool("ansible-lint"), "--profile", "production", "--nocolor"])
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]


def test_playbook_syntax() -> None:
    for playbook in ("local.yml", "remote.yml"):
        result = run([tool("ansible-playbook"), "--syntax-check", playbook])
        assert result.returncode == 0, result.stdout + result.stderr


def test_inventory_groups() -> None:
    result = run([tool("ansible-inventory"), "--list"])
    assert result.returncode == 0, result.stderr
    assert '"workstation"' in result.stdout and '"remote"' in result.stdout
