"""The fixture's figures once the running interval counts up to now (issue 23, item 4).

``conftest.KNOWN_DAY_TOTALS`` counts the open interval up to its last heartbeat
(14:30:00 local); the clock stands at ``NOW``, 10 s later, and the tracker is running, so
every figure that includes now counts those 10 s too.
"""

from __future__ import annotations

from datetime import date

from tests.web.conftest import KNOWN_DAY_TOTALS, NOW, STATE

#: Seconds between the last heartbeat and the clock: counted, the tracker is running.
PAST_HEARTBEAT = (NOW - STATE.heartbeat).total_seconds()
#: The day of the open interval.
RUNNING_DAY = date(2024, 3, 31)
#: ``KNOWN_DAY_TOTALS`` with the open interval counted up to ``NOW``.
COUNTED_DAY_TOTALS: dict[date, float] = {
    day: seconds + (PAST_HEARTBEAT if day == RUNNING_DAY else 0.0)
    for day, seconds in KNOWN_DAY_TOTALS.items()
}
