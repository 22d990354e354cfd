"""A store proxy that adds up the time spent inside the store (a request's store share)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


class TimedStore:
    """Forwards every call to the real store; ``seconds`` adds up the time spent in them
    (by ``clock``: wall time unless told otherwise), ``calls`` counts them per method."""

    def __init__(self, inner: Any, clock: Callable[[], float] = time.perf_counter) -> None:
        self._inner = inner
        self.clock = clock
        self.seconds = 0.0
        self.calls: dict[str, int] = {}

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._inner, name)
        if not callable(found):
            return found

        def timed(*args: Any, **kwargs: Any) -> Any:
            began = self.clock()
            try:
                return found(*args, **kwargs)
            finally:
                self.seconds += self.clock() - began
                self.calls[name] = self.calls.get(name, 0) + 1

        return timed
