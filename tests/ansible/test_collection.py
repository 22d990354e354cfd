"""The repository is also the Ansible collection deskmeter.deskmeter (galaxy.yml, meta/runtime.yml).

Built with `ansible-galaxy collection build` into a temporary directory, installed from that
tarball into a temporary collections path, then used from a playbook in a directory outside the
repository (no ansible.cfg, no roles path): a role by its fully qualified name, for real against
localhost (the deskmeter role's desktop detection, which only reads), and every role in a
syntax check. One version for the Python package and the collection.
"""

from __future__ import annotations

import json
import subprocess
import tarfile
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.ansible.conftest import ROOT, tool, tool_env

GALAXY = yaml.safe_load((ROOT / "galaxy.yml").read_text())
FQCN = f"{GALAXY['namespace']}.{GALAXY['name']}"
ROLES = sorted(p.parents[1].name for p in (ROOT / "roles").glob("*/meta/main.yml"))


def run(command: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = tool_env()
    # Nothing of the repository's configuration: only what the installed collection brings.
    for name in ("ANSIBLE_CONFIG", "ANSIBLE_ROLES_PATH", "ANSIBLE_COLLECTIONS_PATH"):
        environment.pop(name, None)
    environment.update(env)
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, env=environment, check=False
    )


@pytest.fixture(scope="module")
def tarball(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("collection-build")
    result = run(
        [tool("ansible-galaxy"), "collection", "build", "--output-path", str(out), str(ROOT)],
        cwd=out,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    built = sorted(out.glob("*.tar.gz"))
    assert [p.name for p in built] == [
        f"{GALAXY['namespace']}-{GALAXY['name']}-{GALAXY['version']}.tar.gz"
    ]
    return built[0]


@pytest.fixture(scope="module")
def collections(tarball: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("collections")
    # --no-deps: ansible.posix and community.docker come with the `ansible` package (no Galaxy).
    result = run(
        [
            tool("ansible-galaxy"),
            "collection",
            "install",
            "--no-deps",
            "--force",
            "-p",
            str(path),
            str(tarball),
        ],
        cwd=path,
        # Only this path: a copy installed elsewhere (~/.ansible/collections) must not count.
        ANSIBLE_COLLECTIONS_PATH=str(path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (path / "ansible_collections" / "deskmeter" / "deskmeter" / "MANIFEST.json").exists()
    return path


def test_the_tarball_holds_the_roles_and_nothing_of_the_rest(tarball: Path) -> None:
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    for role in ROLES:
        assert f"roles/{role}/tasks/main.yml" in names
        assert f"roles/{role}/meta/argument_specs.yml" in names
    assert {"MANIFEST.json", "FILES.json", "meta/runtime.yml", "README.md"} <= set(names)
    unwanted = (".venv", "artifacts", "node_modules", "src", "tests", ".git", ".pytest_cache")
    leaked = [n for n in names if n.split("/")[0] in unwanted or "/molecule/" in f"/{n}/"]
    assert not leaked, leaked[:20]
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_a_playbook_outside_the_repository_runs_a_role_by_its_fqcn(
    collections: Path, tmp_path: Path
) -> None:
    assert not tmp_path.resolve().is_relative_to(ROOT.resolve())
    (tmp_path / "desktop.yml").write_text(
        yaml.safe_dump(
            [
                {
                    "name": "Use the installed collection",
                    "hosts": "localhost",
                    "gather_facts": True,
                    "gather_subset": ["min"],
                    "tasks": [
                        {
                            "name": "Find the desktop (reads only)",
                            "ansible.builtin.import_role": {
                                "name": f"{FQCN}.deskmeter",
                                "tasks_from": "desktop",
                            },
                            "vars": {"deskmeter_desktop": "sway"},
                        },
                        {
                            "name": "Show what the role found",
                            "ansible.builtin.debug": {
                                "msg": "RESOLVED={{ deskmeter_desktop_resolved }}"
                                " SOURCE={{ __deskmeter_workspace_source }}"
                            },
                        },
                    ],
                }
            ],
            sort_keys=False,
        )
    )
    result = run(
        [
            tool("ansible-playbook"),
            "-i",
            "localhost,",
            "-c",
            "local",
            "-e",
            f"ansible_python_interpreter={Path(tool('ansible')).parent / 'python'}",
            "desktop.yml",
        ],
        cwd=tmp_path,
        ANSIBLE_COLLECTIONS_PATH=str(collections),
        ANSIBLE_ROLES_PATH=str(tmp_path / "no-roles"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The role's vars/main.yml came along: sway's workspace source is sway.
    assert "RESOLVED=sway SOURCE=sway" in result.stdout, result.stdout
    assert "deskmeter.deskmeter.deskmeter : Choose the desktop" in result.stdout or (
        "deskmeter : Choose the desktop" in result.stdout
    )


def test_every_role_of_the_installed_collection_passes_a_syntax_check(
    collections: Path, tmp_path: Path
) -> None:
    plays = [
        {
            "name": "Every role by its FQCN",
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [
                {"name": role, "ansible.builtin.import_role": {"name": f"{FQCN}.{role}"}}
                for role in ROLES
            ],
        }
    ]
    (tmp_path / "every.yml").write_text(yaml.safe_dump(plays, sort_keys=False))
    result = run(
        [tool("ansible-playbook"), "-i", "localhost,", "--syntax-check", "every.yml"],
        cwd=tmp_path,
        ANSIBLE_COLLECTIONS_PATH=str(collections),
        ANSIBLE_ROLES_PATH=str(tmp_path / "no-roles"),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ansible_doc_reads_the_roles_argument_specs(collections: Path, tmp_path: Path) -> None:
    result = run(
        [tool("ansible-doc"), "-t", "role", "--json", f"{FQCN}.sync_tunnel"],
        cwd=tmp_path,
        ANSIBLE_COLLECTIONS_PATH=str(collections),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    doc = json.loads(result.stdout)[f"{FQCN}.sync_tunnel"]
    options = doc["entry_points"]["main"]["options"]
    assert options["sync_tunnel_remote_host"]["required"] is True


def test_the_package_and_the_collection_share_one_version() -> None:
    with (ROOT / "pyproject.toml").open("rb") as stream:
        package = tomllib.load(stream)["project"]["version"]
    assert GALAXY["version"] == package
    # The changelog's newest release is not ahead of it.
    releases = yaml.safe_load((ROOT / "changelogs" / "changelog.yaml").read_text())["releases"]
    newest = max(releases, key=lambda v: tuple(int(p) for p in str(v).split(".")))
    assert tuple(map(int, str(newest).split("."))) <= tuple(map(int, package.split(".")))


def test_runtime_metadata_names_the_ansible_it_needs() -> None:
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())
    assert runtime["requires_ansible"].startswith(">=")
