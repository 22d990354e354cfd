"""The collection's changelog, kept with antsibull-changelog fragments (changelogs/)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.ansible.conftest import ROOT, tool, tool_env


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool("antsibull-changelog"), "lint"],
        cwd=root,
        capture_output=True,
        text=True,
        env=tool_env(),
        check=False,
    )


def test_the_fragments_and_the_changelog_pass_antsibull_changelog_lint() -> None:
    result = lint(ROOT)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
    yaml_lint = subprocess.run(
        [tool("antsibull-changelog"), "lint-changelog-yaml", "changelogs/changelog.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=tool_env(),
        check=False,
    )
    assert yaml_lint.returncode == 0, yaml_lint.stdout + yaml_lint.stderr


def test_lint_refuses_a_fragment_with_an_unknown_section(tmp_path: Path) -> None:
    """The check above can fail: a fragment in a section the config does not know."""
    copy = tmp_path / "repo"
    copy.mkdir()
    shutil.copy(ROOT / "galaxy.yml", copy / "galaxy.yml")
    shutil.copytree(ROOT / "changelogs", copy / "changelogs")
    (copy / "changelogs" / "fragments" / "bad.yml").write_text("new_things:\n  - Something.\n")
    result = lint(copy)
    assert "bad.yml" in result.stdout + result.stderr, result.stdout + result.stderr


def test_there_is_a_fragment_for_the_unreleased_changes() -> None:
    fragments = [p for p in (ROOT / "changelogs" / "fragments").glob("*.yml")]
    assert fragments, "changelogs/fragments/ is empty"
