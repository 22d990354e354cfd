"""Loaded by every Python of a ``make test-dates`` run (scripts/test-dates.sh puts this folder
on PYTHONPATH): works around a libfaketime 0.9.10 defect.

The dated runs fake only the wall clock (``FAKETIME_DONT_FAKE_MONOTONIC=1``): a faked
monotonic clock makes every timed wait (``threading.Event.wait``, lock timeouts) wait for the
years between the two clocks. With the monotonic clock left alone, libfaketime 0.9.10 turns
the absolute ``clock_nanosleep`` that Python's ``time.sleep`` makes into EINVAL. A sleep with
``select`` waits the same relative time through a call libfaketime passes through unchanged.
"""

from __future__ import annotations

import os
import select
import time

if "faketime" in os.environ.get("LD_PRELOAD", "") and os.environ.get(
    "FAKETIME_DONT_FAKE_MONOTONIC"
):
    _monotonic = time.monotonic

    def _sleep(seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        deadline = _monotonic() + seconds
        while (left := deadline - _monotonic()) > 0:
            select.select([], [], [], left)

    time.sleep = _sleep
