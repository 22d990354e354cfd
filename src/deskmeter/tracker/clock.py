"""Clocks, injectable so tests can jump time (a suspend) without sleeping."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Wall-clock time, aware UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that stops while the machine is suspended."""
        ...


class SystemClock:
    """The real clocks. ``time.monotonic`` (CLOCK_MONOTONIC) does not advance in suspend."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()


class FakeClock:
    """A clock for tests: ``advance`` moves both clocks, ``suspend`` only the wall clock."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._mono = 1000.0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)
        self._mono += seconds

    def suspend(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)
