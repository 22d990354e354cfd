"""Storage: the ``Store`` port and its SQLite and MongoDB backends.

``open_store(spec)`` picks the backend from one setting: a ``mongodb://`` (or
``mongodb+srv://``) URI selects MongoDB, anything else is a SQLite file path
(``sqlite:///abs/path`` is accepted too).

What both backends share sits here: the port (base.py), the records' document shape
(documents.py, edit_record.py), instants as microseconds (instants.py), cutting switches
into totals (totals.py, day_grid.py, overlap.py: the reference path) and moving single-host
data to per-host keys (adopt.py). Each backend is a package of its own, split by concern:
``sqlite/`` (the default) and ``mongo/``; neither imports the other.
"""

from __future__ import annotations

from pathlib import Path

from deskmeter.store.base import COLLECTIONS, Change, Store, StoreError, StoreNotFoundError

__all__ = [
    "COLLECTIONS",
    "Change",
    "Store",
    "StoreError",
    "StoreNotFoundError",
    "is_mongodb_uri",
    "open_store",
]


def is_mongodb_uri(spec: str) -> bool:
    return spec.startswith(("mongodb://", "mongodb+srv://"))


def open_store(spec: str | Path, *, read_only: bool = False) -> Store:
    """Open the store named by ``spec`` (a SQLite path or a MongoDB URI).

    ``read_only`` (the commands that only read): a SQLite file that does not exist is an
    error (``StoreNotFoundError``), never created empty.
    """
    text = str(spec)
    if is_mongodb_uri(text):
        from deskmeter.store.mongo import MongoStore  # pymongo only when asked

        return MongoStore(text)
    if text.startswith("sqlite://"):
        text = text.removeprefix("sqlite://")
    if not text:
        raise StoreError("empty store setting: give a SQLite path or a mongodb:// URI")
    from deskmeter.store.sqlite import SQLiteStore

    if read_only:
        path = Path(text).expanduser()
        if not path.is_file():
            raise StoreNotFoundError(
                f"no store at {path} (check --store or DESKMETER_STORE; nothing was created)"
            )
        return SQLiteStore(path, read_only=True)
    return SQLiteStore(Path(text))
