"""The deskmeter role agrees with the code: its ``deskmeter_tracker_source`` choices are the
workspace-source table's (also in tests/desktops/test_source_registry.py), every source its
desktop table picks is a row, and its ``[activitywatch]`` settings render to a config.toml that
the settings model reads, with the model's own defaults."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from deskmeter.config import ActivityWatchSettings, load_settings
from deskmeter.registry.workspace_sources import WORKSPACE_SOURCES
from tests.ansible.conftest import ROOT, tool, tool_env

ROLE = ROOT / "roles" / "deskmeter"


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def options() -> dict[str, Any]:
    spec = load(ROLE / "meta" / "argument_specs.yml")
    found: dict[str, Any] = spec["argument_specs"]["main"]["options"]
    return found


def test_the_roles_source_choices_are_the_tables_choices() -> None:
    assert options()["deskmeter_tracker_source"]["choices"] == list(WORKSPACE_SOURCES.choices())


def test_every_source_the_roles_desktop_table_picks_is_a_choice() -> None:
    desktops = load(ROLE / "vars" / "main.yml")["__deskmeter_desktops"]
    picked = {row["source"] for row in desktops.values()}
    assert picked <= set(WORKSPACE_SOURCES.choices()), picked


def test_the_roles_activitywatch_defaults_are_the_settings_defaults() -> None:
    defaults = load(ROLE / "defaults" / "main.yml")
    model = ActivityWatchSettings()
    role = {
        key: defaults[f"deskmeter_activitywatch_{key}"]
        for key in ("url", "heartbeat_seconds", "timeout_seconds", "queue_size")
    }
    assert role == {
        "url": "",  # off, as the model's None
        "heartbeat_seconds": model.heartbeat_seconds,
        "timeout_seconds": model.timeout_seconds,
        "queue_size": model.queue_size,
    }
    assert model.url is None
    assert all(options()[f"deskmeter_activitywatch_{key}"]["default"] == role[key] for key in role)


PLAYBOOK = """\
- hosts: all
  gather_facts: false
  tasks:
    - name: The role's defaults
      ansible.builtin.include_vars:
        file: {defaults}
    - name: What preflight and the inventory would give
      ansible.builtin.set_fact:
        __deskmeter_config_dir: "{{{{ out }}}}/{{{{ inventory_hostname }}}}"
        __deskmeter_store_uri: "{{{{ out }}}}/{{{{ inventory_hostname }}}}/deskmeter.db"
        deskmeter_host_name: desk
        deskmeter_activitywatch_url: "{{{{ aw_url }}}}"
        deskmeter_activitywatch_queue_size: "{{{{ aw_queue | int }}}}"
    - name: Write the starter configuration
      ansible.builtin.template:
        src: {template}
        dest: "{{{{ out }}}}/{{{{ inventory_hostname }}}}.toml"
        mode: "0600"
"""


def test_the_roles_config_template_writes_activitywatch_off_by_default_and_on_when_given(
    tmp_path: Path,
) -> None:
    playbook = tmp_path / "render.yml"
    playbook.write_text(
        PLAYBOOK.format(
            defaults=ROLE / "defaults" / "main.yml",
            template=ROLE / "templates" / "config.toml.j2",
        )
    )
    inventory = tmp_path / "hosts.ini"
    inventory.write_text(
        "off aw_url='' aw_queue=1000\n"
        "on aw_url=http://127.0.0.1:5600/ aw_queue=50\n"
        f"[all:vars]\nansible_connection=local\nansible_python_interpreter={sys.executable}\n"
        f"out={tmp_path}\n"
    )
    result = subprocess.run(
        [tool("ansible-playbook"), "-i", str(inventory), str(playbook)],
        capture_output=True, text=True, env=tool_env(), timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    off = load_settings(tmp_path / "off.toml").activitywatch
    on = load_settings(tmp_path / "on.toml").activitywatch
    assert off == ActivityWatchSettings()
    assert json.loads(on.model_dump_json()) == {
        "url": "http://127.0.0.1:5600",
        "heartbeat_seconds": 30.0,
        "timeout_seconds": 2.0,
        "queue_size": 50,
    }
