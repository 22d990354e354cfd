"""How many of a batch's switch ids a store already holds (for an exact import summary).

Counting the whole collection before and after an import is wrong as soon as anything else
writes meanwhile (the tracker): the summary then said "-24 already there". Asking for the
batch's own ids just before writing it is exact whatever else is written.
"""

from __future__ import annotations

from collections.abc import Sequence

from deskmeter.store.base import Store
from deskmeter.store.sqlite_codec import encode_id

#: Ids per SQL ``IN (...)`` (well under SQLite's bound-parameter limit).
_CHUNK = 500


def count_existing(store: Store, ids: Sequence[str]) -> int:
    """How many of ``ids`` are switch ids in ``store`` now."""
    unique = list(dict.fromkeys(ids))
    if not unique:
        return 0
    db = getattr(store, "db", None)
    if store.kind == "mongodb" and db is not None:
        return int(db.switch.count_documents({"_id": {"$in": unique}}))
    query = getattr(store, "_query", None)
    if store.kind == "sqlite" and query is not None:
        found = 0
        for first in range(0, len(unique), _CHUNK):
            chunk = unique[first : first + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            sql = f"SELECT COUNT(*) FROM switch WHERE id IN ({marks})"  # noqa: S608 - only ?s
            rows = query(sql, [encode_id(i) for i in chunk])  # the store's id form
            found += int(rows[0][0])
        return found
    getter = getattr(store, "get_document", None)
    if getter is None:
        return 0
    return sum(1 for i in unique if getter("switch", i) is not None)
