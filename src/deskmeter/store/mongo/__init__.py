"""The MongoDB backend (pymongo): ``MongoStore`` (store.py), how it reaches its database
(connection.py), the day totals it keeps (totals.py) and its host-less records as documents
(documents.py, for store/adopt.py)."""

from deskmeter.store.mongo.store import MongoStore

__all__ = ["MongoStore"]
