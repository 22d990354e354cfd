"""Let mongomock 4.3 accept the bulk operations of current pymongo.

pymongo 4.11 added a ``sort`` option to ``ReplaceOne``/``UpdateOne`` and always passes it to
the bulk builder; mongomock 4.3 (its newest release) does not know the keyword. We never use
``sort``, so the shim accepts it when it is None and refuses anything else.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from mongomock.collection import BulkOperationBuilder


def _accept_sort(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, sort: Any = None, **kwargs: Any) -> Any:
        if sort is not None:
            raise NotImplementedError("mongomock does not implement sort in bulk writes")
        return method(self, *args, **kwargs)

    wrapper.__deskmeter_compat__ = True  # type: ignore[attr-defined]
    return wrapper


def install() -> None:
    for name in ("add_replace", "add_update"):
        method = getattr(BulkOperationBuilder, name)
        if not getattr(method, "__deskmeter_compat__", False):
            setattr(BulkOperationBuilder, name, _accept_sort(method))
