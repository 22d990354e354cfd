"""The MkDocs site builds with ``mkdocs build --strict``: no broken link or anchor, no page left
out of the nav, and a Roles section with a page for every role under roles/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.docs.scripts import ROOT

#: The pages the site must render (its home, the generated references, a role page).
PAGES = ("index.html", "reference/cli/index.html", "reference/config/index.html")


def build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def nav_entries(section: str) -> list[str]:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    for entry in config["nav"]:
        if section in entry:
            return [next(iter(item.values())) for item in entry[section]]
    raise AssertionError(f"mkdocs.yml has no {section} section in its nav")


def test_mkdocs_build_strict_succeeds(tmp_path: Path) -> None:
    done = build(ROOT / "mkdocs.yml", tmp_path / "site")
    assert done.returncode == 0, done.stderr[-4000:]
    for page in PAGES:
        assert (tmp_path / "site" / page).is_file(), page
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "images/dashboard.png" in home


def test_strict_build_fails_on_a_broken_anchor(tmp_path: Path) -> None:
    """The check the suite relies on really fails: a link to a missing heading stops it."""
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    page = tmp_path / "docs" / "tasks.md"
    page.write_text(page.read_text() + "\nSee [nowhere](sync.md#no-such-heading).\n")
    done = build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert done.returncode != 0
    assert "no-such-heading" in done.stderr


def test_roles_nav_lists_a_page_for_every_role() -> None:
    roles = sorted(p.name for p in (ROOT / "roles").iterdir() if (p / "tasks").is_dir())
    assert roles, "no roles found under roles/"
    listed = nav_entries("Roles")
    # the overview (how to use the roles and the collection) first, then one page per role
    assert listed == ["roles/index.md", *(f"roles/{role}.md" for role in roles)]
    for role in roles:
        text = (ROOT / "docs" / "roles" / f"{role}.md").read_text(encoding="utf-8")
        title = next((line for line in text.splitlines() if line.startswith("# ")), "")
        assert role in title, f"docs/roles/{role}.md has no title naming the role"
