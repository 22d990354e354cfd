"""``deskmeter_host_name``: the deskmeter role's configuration steps, run for real on this machine.

ansible-playbook runs the role's preflight and configuration tasks (no package, no units) against
localhost, with the configuration in a temporary directory: the host name reaches config.toml and
service.env, a bad one stops the play with its message, and a config.toml that predates the
setting (or names another host) gets a note saying which line to add. The whole local.yml with
two workstations runs in Molecule (molecule/local).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.ansible.conftest import ROOT, tool, tool_env

PLAY = """
- name: The deskmeter role's configuration only
  hosts: localhost
  connection: local
  gather_facts: true
  gather_subset: [min]
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
    - name: Preflight
      ansible.builtin.include_role:
        name: deskmeter
        tasks_from: preflight.yml
    - name: Configuration
      ansible.builtin.include_role:
        name: deskmeter
        tasks_from: config.yml
"""


def converge(tmp_path: Path, **settings: object) -> subprocess.CompletedProcess[str]:
    play = tmp_path / "play.yml"
    play.write_text(PLAY)
    extra = {
        "deskmeter_config_dir": str(tmp_path / "config"),
        "deskmeter_sqlite_path": str(tmp_path / "data" / "deskmeter.db"),
        # No units: the handlers that restart them have nothing to do.
        "deskmeter_tracker_enabled": False,
        "deskmeter_dashboard_enabled": False,
        **settings,
    }
    return subprocess.run(
        [tool("ansible-playbook"), "-i", "localhost,", str(play), "-e", json.dumps(extra)],
        cwd=ROOT,
        env=tool_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_the_host_name_reaches_config_toml_and_service_env_and_a_stale_one_is_noted(
    tmp_path: Path,
) -> None:
    run = converge(tmp_path, deskmeter_host_name="laptop")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "gives the command line the host name" not in " ".join(run.stdout.split())
    config = tmp_path / "config" / "config.toml"
    env = tmp_path / "config" / "service.env"
    assert 'host = "laptop"' in config.read_text().split("\n[")[0]  # top level, not [web]
    assert "DESKMETER_HOST=laptop\n" in env.read_text()

    # A config.toml written before the setting existed (config.toml is the user's: kept).
    config.write_text(
        "\n".join(line for line in config.read_text().splitlines() if line != 'host = "laptop"')
    )
    run = converge(tmp_path, deskmeter_host_name="laptop")
    assert run.returncode == 0, run.stdout + run.stderr
    said = " ".join(run.stdout.split())
    assert "gives the command line the host name" in said
    assert "(the machine" in said and "as it sets none)" in said
    assert 'add or change the line host = "laptop" at its top' in said
    assert 'host = "laptop"' not in config.read_text()
    assert "DESKMETER_HOST=laptop\n" in env.read_text()


def test_a_bad_host_name_stops_the_play(tmp_path: Path) -> None:
    run = converge(tmp_path, deskmeter_host_name="my laptop")
    assert run.returncode != 0
    assert "is not a host name: use letters, digits" in " ".join(run.stdout.split())
    assert not (tmp_path / "config" / "service.env").exists()
