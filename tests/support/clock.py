"""The one instant the date-sensitive tests call "now".

``TEST_NOW`` is ``$DESKMETER_TEST_NOW`` (an ISO 8601 instant with an offset) when it is set,
else the machine's clock when the test session started, cut to the second. It is read once
and never moves: the dashboard's and the CLI's injected clocks return it, and the fixtures
build their history from it, so a page's "today", "this week" and running interval agree
with what the test expects at any date. ``make test-dates`` runs these tiers with the
machine's clock moved by libfaketime to the awkward dates (month ends, 29 February, the DST
nights, far time zones); a failure there is replayed with ``DESKMETER_TEST_NOW=<instant>``,
which the session header prints.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime


def _session_now() -> datetime:
    given = os.environ.get("DESKMETER_TEST_NOW", "").strip()
    if given:
        instant = datetime.fromisoformat(given)
        if instant.tzinfo is None:
            raise ValueError(f"DESKMETER_TEST_NOW={given!r} needs an offset, e.g. +00:00")
        return instant.astimezone(UTC)
    return datetime.now(UTC).replace(microsecond=0)


TEST_NOW = _session_now()


def test_clock() -> datetime:
    """A clock that always answers ``TEST_NOW`` (for ``create_app(clock=...)`` and the CLI)."""
    return TEST_NOW


test_clock.__test__ = False  # type: ignore[attr-defined]  # not a test, despite its name
