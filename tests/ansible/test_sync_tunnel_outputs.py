"""The sync_tunnel role publishes the URI of the tunnel's end (and its unit) for the other roles;
local.yml hands that to the deskmeter role instead of rebuilding it in Jinja.

The role's preflight runs for real against localhost (it only reads: the user's account, then
set_fact), with a local port other than the default, as a host_vars file would set it.
"""

from __future__ import annotations

import getpass
import json
import subprocess
from pathlib import Path

import yaml

from tests.ansible.conftest import ROOT, tool, tool_env


def test_the_role_publishes_its_uri_and_unit(tmp_path: Path) -> None:
    plays = [
        {
            "name": "The tunnel's outputs",
            "hosts": "localhost",
            "gather_facts": True,
            "gather_subset": ["min"],
            "vars": {
                "sync_tunnel_remote_host": "remote.example",
                "sync_tunnel_user": getpass.getuser(),
                "sync_tunnel_local_port": 27019,
                "sync_tunnel_unit_name": "tunnel-b",
            },
            "tasks": [
                {
                    "name": "Preflight of sync_tunnel",
                    "ansible.builtin.import_role": {
                        "name": "sync_tunnel",
                        "tasks_from": "preflight",
                    },
                },
                {
                    "name": "Write the outputs",
                    "ansible.builtin.copy": {
                        "dest": str(tmp_path / "out.json"),
                        "content": "{{ {'uri': sync_tunnel_uri, 'unit': sync_tunnel_service}"
                        " | to_json }}",
                        "mode": "0600",
                    },
                },
            ],
        }
    ]
    (tmp_path / "play.yml").write_text(yaml.safe_dump(plays, sort_keys=False))
    env = tool_env()
    env["ANSIBLE_ROLES_PATH"] = str(ROOT / "roles")
    result = subprocess.run(
        [
            tool("ansible-playbook"),
            "-i",
            "localhost,",
            "-c",
            "local",
            "-e",
            f"ansible_python_interpreter={Path(tool('ansible')).parent / 'python'}",
            "play.yml",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = json.loads((tmp_path / "out.json").read_text())
    assert out == {
        "uri": "mongodb://127.0.0.1:27019/deskmeter?directConnection=true",
        "unit": "tunnel-b.service",
    }


def test_local_yml_takes_the_uri_from_the_role() -> None:
    text = (ROOT / "local.yml").read_text()
    assert "mongodb://" not in text, "local.yml rebuilds the tunnel's URI"
    plays = yaml.safe_load(text)
    deskmeter = next(
        t
        for t in plays[0]["tasks"]
        if (t.get("ansible.builtin.import_role") or {}).get("name") == "deskmeter"
        and "tasks_from" not in t["ansible.builtin.import_role"]
    )
    assert "sync_tunnel_uri" in deskmeter["vars"]["deskmeter_sync_remote"]
    assert "sync_tunnel_service" in deskmeter["vars"]["deskmeter_sync_requires"]
