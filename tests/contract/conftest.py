"""The store contract runs against every backend.

* ``sqlite``   the real embedded backend, in a temporary file;
* ``mongomock`` the MongoDB backend's code on mongomock, an in-memory imitation of the server;
* ``mongodb``  the MongoDB backend on a real server, only when DESKMETER_TEST_MONGODB_URI names
  one (a replica set); skipped with that reason otherwise.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import mongomock
import pytest

from deskmeter.store import Store
from deskmeter.store.mongo import MongoStore
from deskmeter.store.sqlite import SQLiteStore

REAL_MONGODB_URI = os.environ.get("DESKMETER_TEST_MONGODB_URI", "")
NO_REAL_MONGODB = (
    "real-MongoDB tier: DESKMETER_TEST_MONGODB_URI is not set (no MongoDB server can be had on "
    "this machine); set it to a replica set URI to run this tier"
)


def make_store(kind: str, tmp_path: Path) -> Iterator[Store]:
    if kind == "sqlite":
        store: Store = SQLiteStore(tmp_path / "contract.db")
        yield store
        store.close()
    elif kind == "mongomock":
        yield MongoStore(
            "mongodb://mongomock.invalid/deskmeter",
            client=mongomock.MongoClient(tz_aware=True),
            database="deskmeter",
        )
    else:
        if not REAL_MONGODB_URI:
            pytest.skip(NO_REAL_MONGODB)
        name = f"deskmeter_test_{uuid.uuid4().hex[:10]}"
        mongo = MongoStore(REAL_MONGODB_URI, database=name)
        yield mongo
        mongo.client.drop_database(name)
        mongo.close()


@pytest.fixture(params=["sqlite", "mongomock", pytest.param("mongodb", marks=pytest.mark.mongodb)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    yield from make_store(request.param, tmp_path)
