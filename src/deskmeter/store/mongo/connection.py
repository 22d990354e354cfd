"""Reaching a MongoDB database: the client, the database a URI names, the indexes, a URI fit
for logs."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING, MongoClient
from pymongo.database import Database
from pymongo.errors import ConfigurationError
from pymongo.uri_parser import parse_uri

from deskmeter.store.base import StoreError
from deskmeter.store.documents import Document

DEFAULT_DATABASE = "deskmeter"

#: The indexes the queries need, per collection.
INDEXES: dict[str, list[list[tuple[str, int]]]] = {
    "switch": [[("date", ASCENDING), ("_id", ASCENDING)], [("delta", DESCENDING)]],
    "task": [[("path", ASCENDING)], [("host", ASCENDING)]],
    "task_history": [[("task_id", ASCENDING), ("since", ASCENDING)], [("host", ASCENDING)]],
    "state": [[("host", ASCENDING)]],
    "edit": [[("at", DESCENDING), ("_id", DESCENDING)]],
}


def redact(uri: str) -> str:
    """The URI without its password, for logs."""
    if "@" not in uri:
        return uri
    scheme, rest = uri.split("://", 1)
    return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"


def connect(
    uri: str,
    *,
    client: MongoClient[Document] | None = None,
    database: str | None = None,
    timeout_ms: int = 5000,
) -> tuple[MongoClient[Document], Database[Document]]:
    """The client (``client``, else one for ``uri``, connecting lazily) and the database:
    ``database``, else the one the URI names, else ``DEFAULT_DATABASE``."""
    if client is None:
        try:
            parsed = parse_uri(uri)
            client = MongoClient(
                uri, tz_aware=True, serverSelectionTimeoutMS=timeout_ms, connect=False
            )
        except (ConfigurationError, ValueError) as exc:
            raise StoreError(f"bad MongoDB URI {redact(uri)}: {exc}") from exc
        database = database or parsed.get("database") or DEFAULT_DATABASE
    return client, client[database or DEFAULT_DATABASE]


def ensure_indexes(db: Database[Document]) -> None:
    """Create the indexes the store's queries need (idempotent)."""
    for name, indexes in INDEXES.items():
        for keys in indexes:
            db[name].create_index(keys)
