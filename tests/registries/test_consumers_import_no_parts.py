"""The readers of the tables (the CLI, the web app, the configuration) name no part: they import
no source, presence or format module, only the tables, so a new part never means editing them."""

from __future__ import annotations

import ast
from pathlib import Path

from deskmeter.dbus.service import WorkspaceReporter
from deskmeter.registry.workspace_sources import WORKSPACE_SOURCES

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "deskmeter"
READERS = [
    *sorted((PACKAGE / "cli").glob("*.py")),
    *sorted((PACKAGE / "web").rglob("*.py")),
    PACKAGE / "config.py",
]
#: The part packages, and the modules in them that are tables or shared types, not parts.
PARTS = {
    "deskmeter.tracker.sources": {"auto"},
    "deskmeter.tracker.presence": {"base"},
    "deskmeter.formats": {"base"},
}


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def part_imports(path: Path) -> list[str]:
    found = []
    for name in imported_modules(path):
        for package, shared in PARTS.items():
            rest = name.removeprefix(package + ".")
            if rest != name and rest.split(".")[0] not in shared:
                found.append(name)
    return found


def test_the_cli_web_and_config_import_no_source_presence_or_format_module() -> None:
    assert len(READERS) > 20
    offending = {str(p.relative_to(PACKAGE)): part_imports(p) for p in READERS}
    assert {k: v for k, v in offending.items() if v} == {}


def test_the_rule_sees_a_part_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from deskmeter.tracker.sources.gnome import GnomeSource\n"
        "from deskmeter.registry.workspace_sources import WORKSPACE_SOURCES\n"
        "import deskmeter.formats.ical\n"
    )
    assert sorted(part_imports(sample)) == [
        "deskmeter.formats.ical",
        "deskmeter.tracker.sources.gnome",
    ]


def test_the_tracker_serves_reports_to_the_sources_that_take_them() -> None:
    """``track`` hands the D-Bus service the source when it takes reports (no name test)."""
    takes = {
        name
        for name in ("gnome", "wmctrl", "sway", "kwin")
        if issubclass(WORKSPACE_SOURCES[name].load(), WorkspaceReporter)
    }
    assert takes == {"gnome"}
