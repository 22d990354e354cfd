"""The deskmeter role's desktop choice (tasks/desktop.yml), run by ansible-playbook on this
machine (a local connection, one inventory host per case, all in one run).

Each case gives the session's ``XDG_CURRENT_DESKTOP`` (as ``gather_facts`` would find it) or an
explicit ``deskmeter_desktop``; the play prints what the role chose. Only cases that the session
decides are here: the session-file fallback reads this machine's /usr/share/*-sessions, which the
Molecule scenario ``desktops`` covers in containers of known content.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.ansible.conftest import ROOT, tool, tool_env

PLAYBOOK = """\
- hosts: all
  gather_facts: false
  tasks:
    - name: Choose the desktop
      ansible.builtin.include_role:
        name: deskmeter
        tasks_from: desktop
      vars:
        ansible_facts: {env: {XDG_CURRENT_DESKTOP: "{{ session }}"}}
        deskmeter_desktop: "{{ given }}"
        deskmeter_indicators: "{{ indicators }}"
    - name: Write what was chosen
      ansible.builtin.copy:
        dest: "{{ out }}/{{ inventory_hostname }}.json"
        mode: "0644"
        content: "{{ [deskmeter_desktop_resolved, __deskmeter_workspace_source,
          __deskmeter_indicators] | to_json }}"
"""

# host: (XDG_CURRENT_DESKTOP, deskmeter_desktop, deskmeter_indicators)
#       -> (desktop, tracker unit's source, indicators)
CASES = {
    "plasma": (("KDE", "auto", []), ("kde", "kwin", ["tray"])),
    "ubuntu": (("ubuntu:GNOME", "auto", []), ("gnome", "auto", [])),
    "budgie": (("Budgie:GNOME", "auto", []), ("x11", "x11", ["tray"])),
    "cinnamon": (("X-Cinnamon", "auto", []), ("x11", "x11", ["tray"])),
    "sway": (("sway", "auto", []), ("sway", "sway", ["tray", "waybar"])),
    "hyprland": (("Hyprland", "auto", []), ("hyprland", "hyprland", ["tray", "waybar"])),
    "i3": (("i3", "auto", []), ("i3", "sway", ["i3blocks"])),
    "told_i3_in_kde": (("KDE", "i3", []), ("i3", "sway", ["i3blocks"])),
    "sway_without_tray": (("sway", "auto", ["waybar"]), ("sway", "sway", ["waybar"])),
}


def test_the_session_decides_the_desktop_its_source_and_its_indicators(tmp_path: Path) -> None:
    playbook = tmp_path / "choose.yml"
    playbook.write_text(PLAYBOOK)
    inventory = tmp_path / "hosts.ini"
    inventory.write_text(
        "".join(
            f"{host} session={session!r} given={given} indicators={json.dumps(indicators)!r}\n"
            for host, ((session, given, indicators), _) in CASES.items()
        )
        + f"[all:vars]\nansible_connection=local\nansible_python_interpreter={sys.executable}\n"
        + f"out={tmp_path}\n"
    )
    env = tool_env()
    env["ANSIBLE_ROLES_PATH"] = str(ROOT / "roles")
    result = subprocess.run(
        [tool("ansible-playbook"), "-i", str(inventory), str(playbook)],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    chosen = {host: tuple(json.loads((tmp_path / f"{host}.json").read_text())) for host in CASES}
    assert chosen == {host: expected for host, (_, expected) in CASES.items()}
