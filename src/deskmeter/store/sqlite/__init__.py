"""The embedded SQLite backend, the default store: ``SQLiteStore`` and its parts by concern."""

from deskmeter.store.sqlite.store import SQLiteStore

__all__ = ["SQLiteStore"]
