"""docs/reference/cli.md and docs/reference/config.md are what their scripts generate from the
code now (so the docs cannot drift), and they cover every command, key and registry row."""

from __future__ import annotations

import os
import re
from typing import Any, get_args, get_origin

import pytest
import typer
from pydantic import BaseModel
from pydantic_settings import EnvSettingsSource

from deskmeter.cli.main import app
from deskmeter.config import Settings
from deskmeter.formats import EXPORTS, IMPORTS
from deskmeter.registry.presence_sources import PRESENCE_SOURCES
from deskmeter.registry.workspace_sources import WORKSPACE_SOURCES
from tests.docs.scripts import ROOT, load

CLI = ROOT / "docs" / "reference" / "cli.md"
CONFIG = ROOT / "docs" / "reference" / "config.md"


@pytest.mark.parametrize(
    ("script", "output"),
    [("gen_cli_docs", CLI), ("gen_config_docs", CONFIG)],
    ids=["cli", "config"],
)
def test_committed_reference_equals_a_fresh_generation(script: str, output: Any) -> None:
    fresh = load(script).render()
    committed = output.read_text(encoding="utf-8")
    assert committed == fresh, (
        f"{output.relative_to(ROOT)} is out of date: run `python scripts/{script}.py` "
        "and commit the result"
    )


def commands(command: Any, path: tuple[str, ...]) -> list[tuple[str, ...]]:
    found = [path]
    if hasattr(command, "list_commands"):
        ctx = typer.Context(command, info_name=path[-1])
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                found += commands(sub, (*path, name))
    return found


def test_cli_reference_has_every_command_and_option() -> None:
    text = CLI.read_text(encoding="utf-8")
    root: Any = typer.main.get_command(app)
    every = commands(root, ("deskmeter",))
    assert len(every) > 10
    for path in every:
        assert f"# `{' '.join(path)}`" in text, path
    report = root.get_command(typer.Context(root, info_name="deskmeter"), "report")
    assert report is not None
    for param in report.params:
        for opt in getattr(param, "opts", []):
            assert f"`{opt}" in text or f", {opt}" in text, opt


def test_cli_reference_lists_every_registered_format() -> None:
    text = CLI.read_text(encoding="utf-8")
    for name in (*IMPORTS.names(), *EXPORTS.names()):
        assert f"| `{name}` |" in text, name


def leaf_keys(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    keys = []
    for name, field in model.model_fields.items():
        key = field.alias or name
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys += leaf_keys(annotation, (*prefix, key))
        elif get_origin(annotation) is list and issubclass(
            item := get_args(annotation)[0], BaseModel
        ):
            keys += leaf_keys(item, (*prefix, key))
        else:
            keys.append((*prefix, key))
    return keys


def rows() -> dict[str, dict[str, list[str]]]:
    """Each documented key's cells (type, default, environment, description), by section."""
    found: dict[str, dict[str, list[str]]] = {}
    section = ""
    for line in CONFIG.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip("`[] ")
            continue
        if section.startswith(("Workspace", "Presence")) or not line.startswith("| `"):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        found.setdefault(section, {})[cells[0].strip("`")] = cells[1:]
    return found


def test_config_reference_documents_every_key_with_a_description() -> None:
    documented = rows()
    keys = leaf_keys(Settings)
    assert len(keys) > 40
    for key in keys:
        section = ".".join(key[:-1]) or "Top level"
        row = documented.get(section, {}).get(key[-1])
        assert row is not None, f"{'.'.join(key)} is not in {CONFIG.name}"
        assert len(row) == 4 and row[3], f"{'.'.join(key)} has no description"


def test_documented_environment_variables_are_the_ones_settings_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each key's ``DESKMETER_…`` name, set alone, reaches that key through pydantic-settings."""
    checked = 0
    for section, keys in rows().items():
        for key, (kind, _default, environment, _description) in keys.items():
            match = re.match(r"^`(DESKMETER_[A-Z_]+)`", environment)
            if match is None:
                assert environment == "(in the list)", (section, key, environment)
                continue
            name = match.group(1)
            value = "[]" if kind.startswith("list") else "{}" if kind.startswith("table") else "7"
            for other in [v for v in os.environ if v.startswith("DESKMETER_")]:
                monkeypatch.delenv(other)
            monkeypatch.setenv(name, value)
            read: Any = EnvSettingsSource(
                Settings, env_prefix="DESKMETER_", env_nested_delimiter="__"
            )()
            path = [] if section == "Top level" else section.split(".")
            for part in path:
                field = "imports" if part == "import" else part  # the TOML key is an alias
                assert field in read, f"{name} does not reach [{section}] {key}"
                read = read[field]
            assert key in read, f"{name} does not reach [{section}] {key}"
            checked += 1
    assert checked > 40


def test_config_reference_lists_every_source_of_the_registries() -> None:
    text = CONFIG.read_text(encoding="utf-8")
    for name in (*WORKSPACE_SOURCES, *PRESENCE_SOURCES):
        assert f"| `{name}` |" in text, name
