"""The extension's JavaScript: gjs unit tests, both packed builds, ESLint."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from deskmeter.dbus import INTROSPECTION_FILE, INTROSPECTION_XML
from tests.gnome.shell import EXTENSION_DIR, HELPER_UUID, ROOT, UUID

needs_gjs = pytest.mark.skipif(shutil.which("gjs") is None, reason="gjs is not installed")


def gjs(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["gjs", *args], capture_output=True, text=True, check=False, timeout=60, cwd=ROOT
    )


@needs_gjs
def test_gjs_unit_tests_of_the_shell_free_logic_pass() -> None:
    result = gjs("-m", str(EXTENSION_DIR / "tests" / "test_logic.js"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "not ok" not in result.stdout
    assert re.search(r"# (\d+) passed, 0 failed", result.stdout), result.stdout
    assert int(re.findall(r"# (\d+) passed", result.stdout)[0]) >= 15


@needs_gjs
def test_the_legacy_build_loads_as_legacy_gjs_modules(built: dict[str, Path]) -> None:
    result = gjs(str(EXTENSION_DIR / "tests" / "test_legacy_build.js"), str(built["legacy"]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "not ok" not in result.stdout
    assert result.stdout.count("\nok ") + result.stdout.startswith("ok ") >= 8


def test_pack_makes_two_installable_zips_for_42_to_44_and_45_on(built: dict[str, Path]) -> None:
    expected = {
        "legacy-zip": ["42", "43", "44"],
        "esm-zip": ["45", "46", "47", "48", "49", "50", "51"],
    }
    for key, versions in expected.items():
        with zipfile.ZipFile(built[key]) as archive:
            names = set(archive.namelist())
            assert {
                "extension.js",
                "metadata.json",
                "lib/logic.js",
                "lib/indicator.js",
                "lib/iface.js",
            } <= names
            assert not any("test" in name for name in names), names  # no helper, no tests
            metadata = json.loads(archive.read("metadata.json"))
            assert metadata["uuid"] == UUID
            assert metadata["shell-version"] == versions
            extension = archive.read("extension.js").decode()
            indicator = archive.read("lib/indicator.js").decode()
        if key == "legacy-zip":
            assert "function init(" in extension
            assert not re.search(r"^(export|import)\b", indicator, re.MULTILINE)
        else:
            assert "export default class" in extension
            assert "import {" in indicator
    assert HELPER_UUID not in built["legacy-zip"].read_bytes().decode("latin-1")


def test_the_interface_xml_has_one_home_that_both_builds_embed(built: dict[str, Path]) -> None:
    """src/deskmeter/dbus/dev.deskmeter.Tracker1.xml is the only definition of the interface."""
    xml_file = ROOT / "src" / "deskmeter" / "dbus" / INTROSPECTION_FILE
    assert xml_file.read_text() == INTROSPECTION_XML  # what the Python side uses
    node = INTROSPECTION_XML[INTROSPECTION_XML.index("<node>") :].rstrip() + "\n"
    for flavour in ("legacy", "esm"):
        module = (built[flavour] / "lib" / "iface.js").read_text()
        match = re.search(r"TRACKER_IFACE_XML = `(<node>.*?</node>\n)`;", module, re.DOTALL)
        assert match, f"{flavour}/lib/iface.js embeds no interface XML"
        assert match.group(1) == node, flavour
    # ... and no source file of the extension or the package writes it out again
    copies = [
        path
        for path in [*EXTENSION_DIR.rglob("*.js"), *(ROOT / "src").rglob("*.py")]
        if "<node>" in path.read_text()
    ]
    assert copies == []


def test_eslint_finds_nothing_in_the_extension() -> None:
    if shutil.which("node") is None:
        pytest.skip("node is not installed (scripts/setup.d/30-node.sh installs ESLint)")
    eslint = ROOT / "node_modules" / ".bin" / "eslint"
    assert eslint.exists(), "ESLint is not installed: run `npm ci` at the repo root"
    result = subprocess.run(
        [str(eslint), "--max-warnings=0", "files/gnome-extension", "eslint.config.js"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


BLOCKING_JS = """export function f(proxy) {
    return proxy.call_sync('X', null, 0, -1, null);
}
"""


def test_eslint_rejects_a_blocking_dbus_call(tmp_path: Path) -> None:
    """The lint rule that keeps the extension from blocking the shell really fires."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    eslint = ROOT / "node_modules" / ".bin" / "eslint"
    assert eslint.exists(), "ESLint is not installed: run `npm ci` at the repo root"
    result = subprocess.run(
        [
            str(eslint),
            "--stdin",
            "--stdin-filename",
            "files/gnome-extension/lib/blocking.js",
        ],
        input=BLOCKING_JS,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Synchronous D-Bus calls block GNOME Shell" in result.stdout
