"""Fixtures shared by every suite: an isolated HOME/XDG tree and the artifacts directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private HOME with XDG config/data dirs, so no test touches the real user's files."""
    home = tmp_path / "home"
    for sub in (".config", ".local/share"):
        (home / sub).mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    for name in list(os.environ):
        if name.startswith("DESKMETER_") and name not in ("DESKMETER_ARTIFACTS",):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TZ", "UTC")
    return home


@pytest.fixture(scope="session")
def artifacts() -> Iterator[Path]:
    path = Path(os.environ.get("DESKMETER_ARTIFACTS", "artifacts")).absolute()
    path.mkdir(parents=True, exist_ok=True)
    yield path


def pytest_configure(config: pytest.Config) -> None:
    from tests import mongomock_compat

    mongomock_compat.install()


def pytest_report_header(config: pytest.Config) -> str:
    from tests.support.clock import TEST_NOW

    zone = os.environ.get("TZ", "(unset)")
    return f"deskmeter: the tests' now is DESKMETER_TEST_NOW={TEST_NOW.isoformat()} (TZ={zone})"
