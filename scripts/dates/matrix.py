"""The dates ``make test-dates`` runs the date-sensitive tiers at (issue #20's matrix).

Each entry is a local wall time in a zone; it is turned into one UTC instant, which the run
gives both to libfaketime (the machine's clock) and to the tests (``DESKMETER_TEST_NOW``).
Every instant runs three times: with the machine's zone UTC, Pacific/Kiritimati (UTC+14)
and Pacific/Pago_Pago (UTC-11).

    python3 scripts/dates/matrix.py            all runs, one a line: NAME INSTANT TZ
    python3 scripts/dates/matrix.py --pick N   the one run that seed N picks
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

MADRID = ZoneInfo("Europe/Madrid")
NEW_YORK = ZoneInfo("America/New_York")

#: name → the local moment (fold=0: the first of an hour that happens twice)
DATES: dict[str, datetime] = {
    "sunday-late-evening": datetime(2027, 3, 14, 23, 40, tzinfo=MADRID),
    "monday-after-midnight": datetime(2027, 3, 15, 0, 10, tzinfo=MADRID),
    "first-of-month": datetime(2027, 5, 1, 8, 30, tzinfo=MADRID),
    "last-of-month": datetime(2027, 4, 30, 22, 15, tzinfo=MADRID),
    "leap-day-2028": datetime(2028, 2, 29, 12, 0, tzinfo=MADRID),
    "new-years-eve-2350": datetime(2027, 12, 31, 23, 50, tzinfo=MADRID),
    "new-year-0010": datetime(2028, 1, 1, 0, 10, tzinfo=MADRID),
    "madrid-spring-forward": datetime(2027, 3, 28, 3, 20, tzinfo=MADRID),
    "madrid-fall-back": datetime(2027, 10, 31, 2, 30, tzinfo=MADRID),
    "new-york-spring-forward": datetime(2027, 3, 14, 3, 20, tzinfo=NEW_YORK),
    "new-york-fall-back": datetime(2027, 11, 7, 1, 30, tzinfo=NEW_YORK),
}
ZONES = ("UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago")


def runs() -> list[tuple[str, str, str]]:
    return [
        (name, moment.astimezone(UTC).isoformat(), zone)
        for name, moment in DATES.items()
        for zone in ZONES
    ]


def main(argv: list[str]) -> int:
    found = runs()
    if argv[:1] == ["--pick"] and len(argv) == 2:
        found = [found[int(argv[1]) % len(found)]]
    elif argv:
        print(__doc__, file=sys.stderr)
        return 2
    for row in found:
        print(*row)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
