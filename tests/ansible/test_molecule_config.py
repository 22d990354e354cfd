"""Molecule's platforms are defined once, in the shared base (.config/molecule/config.yml).

The workstation scenarios that run on the two standard containers (Debian 12 and 13) say nothing
about platforms; only a scenario with other hosts sets its own list (Molecule replaces lists).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.ansible.conftest import ROOT

BASE = ROOT / ".config" / "molecule" / "config.yml"
SCENARIOS = sorted(
    [*ROOT.glob("roles/*/molecule/*/molecule.yml"), *ROOT.glob("molecule/*/molecule.yml")]
)
# Scenarios whose hosts differ from the base's two: gnome_extension's three shells, the
# desktops' KDE and Sway hosts, the stack's Docker-in-Docker hosts on their own network.
OWN_PLATFORMS = {
    "roles/gnome_extension/molecule/default",
    "roles/deskmeter/molecule/desktops",
    "roles/stack/molecule/default",
}


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def test_the_base_defines_the_two_debian_platforms() -> None:
    platforms = load(BASE)["platforms"]
    images = [p["image"] for p in platforms]
    assert images == [
        "${DESKMETER_TEST_IMAGE:-deskmeter-test/systemd:bookworm}",
        "${DESKMETER_TEST_IMAGE_TRIXIE:-deskmeter-test/systemd:trixie}",
    ]
    # One name per scenario (and per checkout: the prefix), Debian 12 and 13 apart.
    names = [p["name"] for p in platforms]
    assert all(
        "${MOLECULE_SCENARIO_NAME}" in n and "${DESKMETER_MOLECULE_PREFIX}" in n for n in names
    )
    assert len(set(names)) == 2
    for platform in platforms:
        assert platform["privileged"] is False
        assert platform["command"] == "/lib/systemd/systemd"


def test_scenarios_keep_only_what_differs() -> None:
    assert len(SCENARIOS) >= 6
    repeated = []
    for path in SCENARIOS:
        where = str(path.parent.relative_to(ROOT))
        has_platforms = "platforms" in (load(path) or {})
        if has_platforms != (where in OWN_PLATFORMS):
            repeated.append(f"{where}: platforms {'set' if has_platforms else 'missing'}")
    assert not repeated, "\n".join(repeated)
