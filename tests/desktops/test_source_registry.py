"""The table of workspace sources is what the config, the CLI help and make_source read."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from deskmeter.config import Settings
from deskmeter.registry.workspace_sources import WORKSPACE_SOURCES
from deskmeter.tracker.sources import SourceError, make_source


def test_every_row_but_wayland_names_a_class_that_exists_with_its_name() -> None:
    for name, spec in WORKSPACE_SOURCES.items():
        if name == "wayland":  # written by the ext-workspace-v1 work; may not be here yet
            continue
        assert spec.load().name == name


def test_the_config_accepts_every_row_and_refuses_anything_else_naming_the_choices() -> None:
    for name in WORKSPACE_SOURCES.choices():
        assert Settings(tracker={"source": name}).tracker.source == name
    with pytest.raises(ValidationError, match=r"unknown workspace source 'kde'.*kwin, sway"):
        Settings(tracker={"source": "kde"})


def test_track_help_lists_every_source_from_the_table() -> None:
    from deskmeter.cli.main import app

    result = CliRunner().invoke(app, ["track", "--help"], env={"COLUMNS": "300"})
    assert result.exit_code == 0
    for name in WORKSPACE_SOURCES:
        assert name in result.output


def test_make_source_builds_the_new_sources_with_the_configured_retry() -> None:
    sway = make_source("sway", retry_seconds=2.5)
    kwin = make_source("kwin", retry_seconds=2.5)
    assert (sway.name, sway.retry_seconds) == ("sway", 2.5)  # type: ignore[attr-defined]
    assert (kwin.name, kwin.retry_seconds) == ("kwin", 2.5)  # type: ignore[attr-defined]
    with pytest.raises(SourceError, match="unknown workspace source 'nope'"):
        make_source("nope")


def test_make_source_hyprland_outside_hyprland_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("HYPRLAND_INSTANCE_SIGNATURE", raising=False)
    with pytest.raises(SourceError, match="needs HYPRLAND_INSTANCE_SIGNATURE"):
        make_source("hyprland")


def test_the_roles_source_choices_are_the_tables() -> None:
    from pathlib import Path

    import yaml

    spec = yaml.safe_load(
        (Path(__file__).parents[2] / "roles/deskmeter/meta/argument_specs.yml").read_text()
    )
    options = spec["argument_specs"]["main"]["options"]
    assert tuple(options["deskmeter_tracker_source"]["choices"]) == WORKSPACE_SOURCES.choices()


def test_docs_desktops_lists_every_source_of_the_table() -> None:
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs/desktops.md").read_text()
    for name in WORKSPACE_SOURCES:
        assert f"| `{name}`" in text, name
