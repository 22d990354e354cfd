"""The role variable tables (docs/roles/<role>.md, roles/<role>/README.md) equal the specs.

scripts/gen_role_docs.py writes them from each role's meta/argument_specs.yml; its --check mode
fails when a file differs from what it would write.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.ansible.conftest import ROOT

SCRIPT = ROOT / "scripts" / "gen_role_docs.py"
ROLES = sorted(p.parents[1].name for p in (ROOT / "roles").glob("*/meta/argument_specs.yml"))


def check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--check", "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_generated_role_docs_equal_the_argument_specs() -> None:
    result = check(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_option_has_a_row_on_its_role_page_and_in_its_readme() -> None:
    for role in ROLES:
        spec = yaml.safe_load((ROOT / "roles" / role / "meta" / "argument_specs.yml").read_text())
        page = (ROOT / "docs" / "roles" / f"{role}.md").read_text()
        readme = (ROOT / "roles" / role / "README.md").read_text()
        for name in spec["argument_specs"]["main"]["options"]:
            assert f"| `{name}` |" in page, (role, name)
            assert f"| `{name}` |" in readme, (role, name)
        assert f"[`{role}`]({role}.md)" in (ROOT / "docs" / "roles" / "index.md").read_text()


def test_a_changed_spec_makes_the_check_fail(tmp_path: Path) -> None:
    """The check can fail: a new option in a copy of a role's spec, docs not regenerated."""
    shutil.copytree(ROOT / "roles", tmp_path / "roles", ignore=shutil.ignore_patterns("molecule"))
    shutil.copytree(ROOT / "docs" / "roles", tmp_path / "docs" / "roles")
    assert check(tmp_path).returncode == 0
    path = tmp_path / "roles" / "sync_tunnel" / "meta" / "argument_specs.yml"
    spec = yaml.safe_load(path.read_text())
    spec["argument_specs"]["main"]["options"]["sync_tunnel_new"] = {
        "type": "bool",
        "default": False,
        "description": "A new option.",
    }
    path.write_text(yaml.safe_dump(spec))
    result = check(tmp_path)
    assert result.returncode == 1
    assert "docs/roles/sync_tunnel.md" in result.stdout
    assert "roles/sync_tunnel/README.md" in result.stdout
