"""The trust tests' fixtures: each test runs on SQLite and on MongoDB (mongomock, a stand-in
for the server, labelled in the test ids)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from deskmeter.store import Store
from tests.trust.world import open_backend


@pytest.fixture(params=["sqlite", "mongomock"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    store = open_backend(request.param, tmp_path)
    yield store
    store.close()
