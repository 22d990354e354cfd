"""Storage: the ``Store`` port and its SQLite and MongoDB backends.

``open_store(spec)`` picks the backend from one setting: a ``mongodb://`` (or
``mongodb+srv://``) URI selects MongoDB, anything else is a SQLite file path
(``sqlite:///abs/path`` is accepted too).
"""

from __future__ import annotations

from pathlib import Path

from deskmeter.store.base import COLLECTIONS, Change, Store, StoreError

__all__ = ["COLLECTIONS", "Change", "Store", "StoreError", "is_mongodb_uri", "open_store"]


def is_mongodb_uri(spec: str) -> bool:
    return spec.startswith(("mongodb://", "mongodb+srv://"))


def open_store(spec: str | Path) -> Store:
    """Open the store named by ``spec`` (a SQLite path or a MongoDB URI)."""
    text = str(spec)
    if is_mongodb_uri(text):
        from deskmeter.store.mongo import MongoStore  # pymongo only when asked

        return MongoStore(text)
    if text.startswith("sqlite://"):
        text = text.removeprefix("sqlite://")
    if not text:
        raise StoreError("empty store setting: give a SQLite path or a mongodb:// URI")
    from deskmeter.store.sqlite import SQLiteStore

    return SQLiteStore(Path(text))
