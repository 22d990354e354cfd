"""Progress for long steps: a tqdm bar on a terminal, a log line every few seconds otherwise."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any, TextIO

from tqdm import tqdm


class Progress:
    """Count ``unit`` done towards ``total`` (None: unknown) under ``label``."""

    def __init__(
        self,
        label: str,
        total: int | None,
        *,
        unit: str = "docs",
        stream: TextIO | None = None,
        interval: float = 5.0,
        logger: logging.Logger | None = None,
    ) -> None:
        self.label, self.total, self.unit = label, total, unit
        self.done = 0
        self.started = time.monotonic()
        self._interval = interval
        self._last_line = self.started
        self._log = logger or logging.getLogger("deskmeter.progress")
        out = stream if stream is not None else sys.stderr
        self._bar: Any = None
        if out.isatty():
            self._bar = tqdm(total=total, desc=label, unit=f" {unit}", file=out, leave=False)

    def update(self, count: int) -> None:
        self.done += count
        if self._bar is not None:
            self._bar.update(count)
            return
        now = time.monotonic()
        if now - self._last_line >= self._interval:
            self._last_line = now
            self._log.info("%s: %s", self.label, self.line())

    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        share = f" ({100 * self.done / self.total:.0f}%)" if self.total else ""
        of = f"/{self.total}" if self.total is not None else ""
        return f"{self.done}{of} {self.unit}{share}, {self.rate():.0f} {self.unit}/s"

    def close(self) -> float:
        """End the bar; return the elapsed seconds."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        return time.monotonic() - self.started
