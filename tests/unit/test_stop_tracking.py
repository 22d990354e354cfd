"""SIGTERM's StopTracking reaches the tracker's loop wherever the signal lands."""

from __future__ import annotations

import io
import logging

import pytest

from deskmeter.tracker.daemon import StopTracking


class SignalDuringEmit(logging.StreamHandler):  # type: ignore[type-arg]
    """The tracker's log handler, interrupted by SIGTERM while it formats a record inside
    ``emit`` (the signal handler raises there, as it does wherever the signal lands)."""

    def format(self, record: logging.LogRecord) -> str:
        raise StopTracking("SIGTERM")


def test_a_stop_raised_inside_a_log_call_is_not_swallowed_by_logging() -> None:
    """Regression: StopTracking was an Exception; logging's emit caught it ("--- Logging
    error ---") and the tracker went on running after SIGTERM (seen in CI: the process did
    not stop within 15 s)."""
    log = logging.getLogger("deskmeter.test.stop")
    handler = SignalDuringEmit(io.StringIO())
    log.addHandler(handler)
    log.propagate = False
    try:
        with pytest.raises(StopTracking):
            log.warning("lost the workspace source (%s)", "gone")
    finally:
        log.removeHandler(handler)


def test_code_that_catches_exception_lets_the_stop_through() -> None:
    with pytest.raises(StopTracking):
        try:
            raise StopTracking("SIGTERM")
        except Exception:
            pytest.fail("a stop was caught as an ordinary error")
