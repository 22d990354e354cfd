"""Phase tags (install / configure / service) on every role task, read from Ansible's own listing.

`ansible-playbook --list-tasks` shows each task with the tags it would be selected by. The roles
are imported statically (local.yml, remote.yml, the roles' own main.yml), so the listing holds
every task; the one dynamic include left (deskmeter's services-remove.yml, in a loop) hands its
tags on with `apply`, which is checked from the file.

Also here: XDG_RUNTIME_DIR is set once per role (not on every task that talks to systemd).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml

from tests.ansible.conftest import ROOT, tool, tool_env

PHASES = {"install", "configure", "service"}
ROLES = sorted(p.parents[1].name for p in (ROOT / "roles").glob("*/meta/main.yml"))
LINE = re.compile(r"^\s+(?:(?P<role>[\w.]+) : )?(?P<name>.*?)\tTAGS: \[(?P<tags>[^\]]*)\]$")


class Listed(NamedTuple):
    role: str
    name: str
    tags: frozenset[str]


def list_tasks(playbook: Path, *args: str, cwd: Path = ROOT) -> list[Listed]:
    result = subprocess.run(
        [tool("ansible-playbook"), "--list-tasks", str(playbook), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=tool_env(),
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    found = []
    for line in result.stdout.splitlines():
        match = LINE.match(line)
        if match and not line.lstrip().startswith("play #"):
            tags = frozenset(t.strip() for t in match["tags"].split(",") if t.strip())
            found.append(Listed(match["role"] or "", match["name"], tags))
    assert found, f"no task in the listing of {playbook}:\n{result.stdout}"
    return found


def role_tasks(listing: list[Listed]) -> list[Listed]:
    """The roles' own tasks (not the argument-spec check Ansible adds, tagged `always`)."""
    return [t for t in listing if t.role and not t.name.startswith("Validating arguments")]


@pytest.fixture(scope="module")
def every_role(tmp_path_factory: pytest.TempPathFactory) -> list[Listed]:
    """The listing of a playbook outside the repository that imports every role."""
    folder = tmp_path_factory.mktemp("phases")
    plays = [
        {
            "name": "Every role",
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [
                {"name": role, "ansible.builtin.import_role": {"name": role}} for role in ROLES
            ],
        }
    ]
    (folder / "every-role.yml").write_text(yaml.safe_dump(plays, sort_keys=False))
    (folder / "ansible.cfg").write_text(f"[defaults]\nroles_path = {ROOT / 'roles'}\n")
    return role_tasks(list_tasks(folder / "every-role.yml", "-i", "localhost,", cwd=folder))


def test_every_task_of_every_role_carries_a_phase_tag(every_role: list[Listed]) -> None:
    tasks = every_role
    assert {t.role for t in tasks} == set(ROLES)
    untagged = [f"{t.role} : {t.name} {sorted(t.tags)}" for t in tasks if not t.tags & PHASES]
    assert not untagged, "tasks without install/configure/service:\n" + "\n".join(untagged)


def test_every_task_file_is_in_the_listing(every_role: list[Listed]) -> None:
    """Every task written in roles/*/tasks is imported (so listed and tagged), or is the include
    of a file whose tasks get the include's phase tags through `apply`."""
    listed = {(t.role, t.name) for t in every_role}
    missing = []
    for role in ROLES:
        for path in sorted((ROOT / "roles" / role / "tasks").glob("*.yml")):
            for task in yaml.safe_load(path.read_text()) or []:
                name = task.get("name", "")
                imports = any(k.endswith(("import_tasks", "import_role")) for k in task)
                if "block" in task or imports or (role, name) in listed:
                    continue
                if path.name in dynamically_included(role):
                    continue
                missing.append(f"{path.relative_to(ROOT)}: {name}")
    assert not missing, "tasks --list-tasks does not show (not imported?):\n" + "\n".join(missing)


def dynamically_included(role: str) -> set[str]:
    """Files a role includes with include_tasks; each include must pass a phase tag on (apply)."""
    files = set()
    for path in (ROOT / "roles" / role / "tasks").glob("*.yml"):
        for task in yaml.safe_load(path.read_text()) or []:
            spec = task.get("ansible.builtin.include_tasks")
            if spec is None:
                continue
            assert isinstance(spec, dict), f"{path}: include_tasks without apply: tags"
            applied = set((spec.get("apply") or {}).get("tags") or [])
            assert applied & PHASES, f"{path}: {task.get('name')} applies no phase tag"
            assert applied == set(task.get("tags") or []), f"{path}: the include's tags != apply's"
            files.add(spec["file"])
    return files


def test_configure_runs_no_install_task() -> None:
    """`local.yml --tags configure` rewrites the configuration and installs nothing."""
    tasks = role_tasks(list_tasks(ROOT / "local.yml", "--tags", "configure"))
    install_only = [f"{t.role} : {t.name}" for t in tasks if t.tags & PHASES <= {"install"}]
    assert not install_only, "install tasks under --tags configure:\n" + "\n".join(install_only)
    names = {t.name for t in tasks}
    assert "Write the services' environment" in names
    assert "Install the user units" in names
    assert "Install deskmeter and its dependencies" not in names
    assert "Create the virtualenv" not in names
    assert "Install MongoDB" not in names


def test_install_tag_installs_the_package() -> None:
    """The other side: the install tasks are there, under --tags install."""
    names = {t.name for t in role_tasks(list_tasks(ROOT / "local.yml", "--tags", "install"))}
    assert {"Create the virtualenv", "Install deskmeter and its dependencies"} <= names
    assert "Write the services' environment" not in names


def test_the_remote_playbook_keeps_its_phases_too() -> None:
    tasks = role_tasks(list_tasks(ROOT / "remote.yml", "--tags", "configure"))
    names = {t.name for t in tasks}
    assert "Write the Compose file" in names and "Write /etc/docker/daemon.json" in names
    assert not [t for t in tasks if t.tags & PHASES <= {"install"}]
    # The image's reference is worked out in every phase: the stack's render needs it.
    assert "Export the image reference for the deploy play" in names


def test_xdg_runtime_dir_is_set_once_per_role() -> None:
    counts = {}
    for role in ROLES:
        files = [
            p
            for folder in ("tasks", "handlers", "vars", "defaults")
            for p in (ROOT / "roles" / role / folder).glob("*.yml")
        ]
        counts[role] = sum(p.read_text().count("XDG_RUNTIME_DIR:") for p in files)
    assert all(n <= 1 for n in counts.values()), counts
    # The roles that talk to the user's systemd instance do set it (once).
    assert counts["deskmeter"] == counts["sync_tunnel"] == counts["gnome_extension"] == 1


def test_a_check_mode_run_of_configure_reaches_no_install_task() -> None:
    """local.yml --tags configure, run for real against this machine in check mode (changes
    nothing): the configuration tasks and their handlers run, no install task does."""
    result = subprocess.run(
        [tool("ansible-playbook"), "local.yml", "--check", "--tags", "configure"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=tool_env(),
        check=False,
    )
    assert result.returncode == 0, result.stdout[-10000:] + result.stderr[-3000:]
    ran = set(
        re.findall(r"^(?:TASK|RUNNING HANDLER) \[(?:[\w.]+ : )?(.*?)\] \*+$", result.stdout, re.M)
    )
    assert {"Write the services' environment", "Install the user units"} <= ran, sorted(ran)
    assert "Restart the deskmeter units" in ran  # the handler a changed file notifies
    installs = {
        "Create the virtualenv",
        "Install deskmeter and its dependencies",
        "Pack the checkout's source",
    }
    assert not ran & installs, sorted(ran & installs)
    assert "Enable and start the units" not in ran  # service, not configure
    # local.yml runs the desktop steps on their own, then the role again: the user reads once
    # which desktop was found (it printed twice before).
    said = re.findall(r"""msg:? ['"]?Desktop \S+""", result.stdout)
    assert len(said) == 1, result.stdout[-6000:]
