"""The test tooling's own promises: the Debian mirror comes from apt's sources, no registry host
is written into the repository's test tooling or lock file, and `make test-mongodb` stops at once
(one line, exit 3) where no MongoDB server can be had."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from tests.ansible.conftest import ROOT

BUILD = ROOT / "scripts" / "build-test-image.sh"
# Files of the test tooling that must name no registry or mirror host.
TOOLING = [
    BUILD,
    ROOT / "scripts" / "test-mongodb.sh",
    ROOT / "scripts" / "setup.d" / "20-docker.sh",
    ROOT / "scripts" / "setup.d" / "30-node.sh",
    ROOT / "Makefile",
    ROOT / "package-lock.json",
    ROOT / ".npmrc",
    *sorted((ROOT / "molecule").rglob("*")),
    *sorted((ROOT / ".config" / "molecule").rglob("*")),
    *sorted(
        p
        for r in ("deskmeter", "gnome_extension", "sync_tunnel")
        for p in (ROOT / "roles" / r).rglob("*")
    ),
]
REGISTRY_HOSTS = re.compile(
    r"deb\.debian\.org|security\.debian\.org|ftp\.[a-z.]*debian\.org|archive\.ubuntu\.com"
    r"|registry\.npmjs\.org|registry\.yarnpkg\.com|pypi\.org|pythonhosted\.org"
)


def mirror_from(
    tmp_path: Path, codename: str, sources: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    etc = tmp_path / "apt"
    (etc / "sources.list.d").mkdir(parents=True)
    for name, text in sources.items():
        (etc / name).write_text(text)
    release = tmp_path / "os-release"
    release.write_text(f"ID=debian\nVERSION_CODENAME={codename}\n")
    env = dict(os.environ, DESKMETER_APT_ETC=str(etc), DESKMETER_OS_RELEASE=str(release))
    return subprocess.run(
        ["bash", str(BUILD), "--print-mirror"], capture_output=True, text=True, env=env, check=False
    )


DEB822_THIRD_PARTY = """Types: deb
URIs: https://third-party.example/node
Suites: nodistro
Components: main
"""
DEB822_DEBIAN = """Types: deb-src
URIs: http://source-only.example/debian
Suites: bookworm
Components: main

Types: deb
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
"""


def test_mirror_from_deb822_sources_skips_other_repositories(tmp_path: Path) -> None:
    result = mirror_from(
        tmp_path,
        "bookworm",
        {
            "sources.list.d/a-nodesource.sources": DEB822_THIRD_PARTY,
            "sources.list.d/debian.sources": DEB822_DEBIAN,
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://mirror.example/debian"


def test_mirror_from_a_one_line_sources_list(tmp_path: Path) -> None:
    sources = (
        "# a comment\n"
        "deb http://mirror.example/debian-security trixie-security main\n"
        "deb-src http://src.example/debian trixie main\n"
        "deb [arch=amd64 signed-by=/k.gpg] http://one-line.example/debian trixie main contrib\n"
    )
    result = mirror_from(tmp_path, "trixie", {"sources.list": sources})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://one-line.example/debian"


def test_no_mirror_is_a_clear_error(tmp_path: Path) -> None:
    result = mirror_from(tmp_path, "bookworm", {"sources.list.d/x.sources": DEB822_THIRD_PARTY})
    assert result.returncode == 1
    assert "no Debian mirror" in result.stderr


def test_this_machines_mirror_is_one_of_its_apt_sources() -> None:
    result = subprocess.run(
        ["bash", str(BUILD), "--print-mirror"], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        pytest.skip(f"this machine's apt sources name no Debian archive: {result.stderr.strip()}")
    mirror = result.stdout.strip()
    configured = [Path("/etc/apt/sources.list"), *Path("/etc/apt/sources.list.d").glob("*")]
    assert any(p.is_file() and mirror in p.read_text() for p in configured), mirror


def test_no_registry_host_is_written_into_the_test_tooling() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in TOOLING
        if path.is_file() and "__pycache__" not in path.parts
        for match in [REGISTRY_HOSTS.search(path.read_text(errors="replace"))]
        if match
    ]
    assert not found, found


def test_package_lock_keeps_no_registry_urls() -> None:
    assert "omit-lockfile-registry-resolved=true" in (ROOT / ".npmrc").read_text()
    lock = (ROOT / "package-lock.json").read_text()
    assert '"resolved"' not in lock
    assert '"integrity"' in lock  # still pinned, by hash


@pytest.mark.docker
def test_make_test_mongodb_stops_at_once_without_a_server() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DESKMETER_TEST_MONGODB_URI"}
    # An image nobody has: not present locally and never pullable, here or anywhere.
    env["DESKMETER_TEST_MONGODB_IMAGE"] = "deskmeter-test/no-such-mongo:7"
    env["DESKMETER_TEST_MONGODB_PULL_TIMEOUT"] = "60"
    start = time.monotonic()
    result = subprocess.run(
        [str(ROOT / "scripts" / "test-mongodb.sh")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    elapsed = time.monotonic() - start
    assert result.returncode == 3, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("make test-mongodb: no MongoDB server here: "), lines
    assert "DESKMETER_TEST_MONGODB_URI" in lines[0]
    assert result.stdout == ""  # no test ran
    assert elapsed < 60, f"took {elapsed:.0f} s: the pull must fail (or time out) fast"
