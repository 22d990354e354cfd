"""README.md is the newcomer's page: small, names the one command that runs Deskmeter and the
one that runs the tests (the one .ci/run calls), shows a real screenshot, and every relative
link in it resolves. Nothing of the long README it replaced was dropped: each of its headings
is a heading of the README or of a page under docs/."""

from __future__ import annotations

import re
from pathlib import Path

from tests.docs.scripts import ROOT

README = ROOT / "README.md"
LIMIT = 15 * 1024

#: The headings of the README before it was split (issue 21, item 8), in its order.
OLD_HEADINGS = (
    "Deskmeter",
    "Quick start (one command, embedded SQLite, no root)",
    "Or by hand",
    "Running the tests (one command)",
    "At other dates (`make test-dates`)",
    "The real-MongoDB tiers (`make test-mongodb`)",
    "Tasks",
    "How tracking works",
    "Away time and corrections",
    "Dashboard",
    "Several workstations: each host, or all of them",
    "Sync",
    "Several hosts, one remote",
    "Crash testing (failpoints)",
    "Import",
    "GNOME extension and the `gnome` source (Wayland)",
    "Configuration",
    "Storage",
    "Security and robustness",
    "Command line",
    "Workstation provisioning (`local.yml`)",
    "Adding a second machine",
    "Deployment (remote portfolio dashboard, `remote.yml`)",
    "1. The EC2 instance",
    "2. Your machine (the controller)",
    "3. Feeding it data",
    "Operating it",
    "Repository map",
)


def headings(text: str) -> list[str]:
    """Markdown headings outside fenced code blocks."""
    found = []
    fenced = False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (match := re.match(r"^#{1,6} (.+?)\s*$", line)):
            found.append(match.group(1))
    return found


def shell_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL)


def test_readme_fits_a_newcomer() -> None:
    size = len(README.read_bytes())
    assert size <= LIMIT, f"README.md is {size} bytes; the newcomer's page stays under {LIMIT}"


def test_readme_names_the_one_run_command_and_the_one_test_command_ci_runs() -> None:
    text = README.read_text(encoding="utf-8")
    commands = [line.strip() for block in shell_blocks(text) for line in block.splitlines()]
    assert "make local" in commands
    assert "make test" in commands
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, flags=re.MULTILINE), ".ci/run no longer runs make test"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^local:", makefile, flags=re.MULTILINE)
    assert re.search(r"^test:", makefile, flags=re.MULTILINE)


def test_readme_relative_links_resolve() -> None:
    text = README.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    relative = [t for t in targets if not re.match(r"^[a-z]+:", t) and not t.startswith("#")]
    assert len(relative) > 10
    for target in relative:
        path = ROOT / target.split("#", 1)[0]
        assert path.exists(), f"README.md links to {target}, which does not exist"


def test_readme_shows_a_real_png_screenshot() -> None:
    text = README.read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", text)
    assert images, "README.md shows no screenshot"
    for image in images:
        data = (ROOT / image).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n"), image
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert width >= 800 and height >= 400, (image, width, height)


def test_every_heading_of_the_old_readme_is_kept() -> None:
    kept = set(headings(README.read_text(encoding="utf-8")))
    for page in Path(ROOT / "docs").rglob("*.md"):
        kept |= set(headings(page.read_text(encoding="utf-8")))
    missing = [h for h in OLD_HEADINGS if h not in kept]
    assert not missing, f"headings of the old README found nowhere: {missing}"
