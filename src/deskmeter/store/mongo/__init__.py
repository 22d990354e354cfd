"""The MongoDB backend (pymongo): ``MongoStore`` and its parts by concern."""

from deskmeter.store.mongo.store import DEFAULT_DATABASE, MongoStore, redact

__all__ = ["DEFAULT_DATABASE", "MongoStore", "redact"]
