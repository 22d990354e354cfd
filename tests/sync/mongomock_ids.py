"""Make mongomock find a document by ``_id`` without scanning the whole collection.

mongomock (an in-memory imitation of MongoDB used by the tests) answers ``{"_id": x}`` by
testing every document, so 33,000 upserts cost ~5·10^8 filter checks. Its store is a dict
keyed by ``_id``: for a filter with an exact ``_id`` (alone, or with other conditions such
as the sink's ``host``) this shim looks the document up directly and still runs mongomock's
own filter on it, so the answers are the same, only faster.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mongomock.collection import Collection
from mongomock.filtering import filter_applies

_original = Collection._iter_documents


def _iter_documents(self: Any, filter: Any) -> Iterator[Any]:
    if isinstance(filter, dict) and "_id" in filter and isinstance(filter["_id"], str | int):
        key = filter["_id"]
        if key in self._store:
            document = self._store[key]
            return iter([document] if filter_applies(filter, document) else [])
        return iter([])
    return _original(self, filter)  # type: ignore[no-any-return]


def install() -> None:
    if Collection._iter_documents is not _iter_documents:
        Collection._iter_documents = _iter_documents
