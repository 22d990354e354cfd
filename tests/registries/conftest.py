"""Fixtures that add one stand-in row to a registry for the length of a test."""

from __future__ import annotations

import pytest

from deskmeter import formats
from deskmeter.registry import presence_sources as presence
from deskmeter.registry import workspace_sources as registry
from tests.registries.parts import EXPORT_ROW, IMPORT_ROW, PRESENCE_ROW, SOURCE_ROW


@pytest.fixture
def added_source(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(registry.WORKSPACE_SOURCES, SOURCE_ROW.name, SOURCE_ROW)
    return SOURCE_ROW.name


@pytest.fixture
def added_presence(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(presence.PRESENCE_SOURCES, PRESENCE_ROW.name, PRESENCE_ROW)
    return PRESENCE_ROW.name


@pytest.fixture
def added_export(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(formats.EXPORTS, EXPORT_ROW.name, EXPORT_ROW)
    return EXPORT_ROW.name


@pytest.fixture
def added_import(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(formats.IMPORTS, IMPORT_ROW.name, IMPORT_ROW)
    return IMPORT_ROW.name
