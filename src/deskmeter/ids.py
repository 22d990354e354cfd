"""Record ids: time-ordered, unique, in the shape of a MongoDB ObjectId.

``new_id()`` returns 24 lowercase hex digits laid out as an ObjectId is (4 bytes of Unix
seconds, 5 random bytes fixed per process, a 3-byte counter), so ids sort by creation time,
look like the original Deskmeter's switch ids and are valid ``ObjectId`` text, without
needing pymongo.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
import time

#: 24 lowercase hex digits: an ObjectId as text.
HEX_ID = re.compile(r"[0-9a-f]{24}")


class _IdGenerator:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid = -1
        self._random = b""
        self._counter = 0

    def __call__(self, now: float | None) -> str:
        seconds = int(time.time() if now is None else now) & 0xFFFFFFFF
        with self._lock:
            if self._pid != os.getpid():  # first use, or a forked child: new random part
                self._pid = os.getpid()
                self._random = secrets.token_bytes(5)
                self._counter = secrets.randbelow(0x1000000)
            self._counter = (self._counter + 1) & 0xFFFFFF
            counter = self._counter
        return (seconds.to_bytes(4, "big") + self._random + counter.to_bytes(3, "big")).hex()


_generate = _IdGenerator()


def new_id(now: float | None = None) -> str:
    """A fresh id: 24 hex digits, the first 8 the creation time (``now``) in Unix seconds."""
    return _generate(now)


def is_hex_id(value: str) -> bool:
    """True for 24 lowercase hex digits (an ObjectId as text), which stores keep in 12 bytes."""
    return HEX_ID.fullmatch(value) is not None
