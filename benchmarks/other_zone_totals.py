"""Totals of a read-only SQLite store asked in another time zone: the rare case without kept rows.

A writable store keeps its day totals for one zone (rebuilt when asked in another); a
read-only one cannot rebuild them, so a question in another zone is answered from the
switches (the reference path, ``Store.totals`` over ``counted_switches``). This times that
case on a year of synthetic switches (``benchmarks/synthetic.py``, ~33,000), beside the kept
rows' answer in the zone they were built for:

* ``day_totals`` of the whole year (the year page's calendar), and of one month;
* the same questions in the kept zone, for scale.

    python -m benchmarks.other_zone_totals

Prints the median of ``--repeat`` runs (milliseconds) and writes JSON to
$DESKMETER_ARTIFACTS/benchmarks/other_zone_totals.json.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from benchmarks.stats import write_json
from benchmarks.synthetic import populate
from deskmeter.store.sqlite import SQLiteStore

KEPT_ZONE = "Europe/Madrid"
OTHER_ZONE = ZoneInfo("America/New_York")
FIRST_DAY = date(2025, 1, 1)
DAYS = 365


def _median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    return round(statistics.median(times), 2)


def measure(folder: Path, repeat: int) -> dict[str, Any]:
    path = folder / "year.sqlite"
    previous = os.environ.get("TZ")
    os.environ["TZ"] = KEPT_ZONE  # the zone the writable store keeps its day totals for
    try:
        with SQLiteStore(path) as store:
            switches = populate(store, FIRST_DAY, DAYS, ZoneInfo(KEPT_ZONE))
    finally:
        if previous is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = previous
    results: dict[str, Any] = {"switches": switches, "repeat": repeat}
    with SQLiteStore(path, read_only=True) as store:
        for label, tz in (("kept_zone", ZoneInfo(KEPT_ZONE)), ("other_zone", OTHER_ZONE)):
            year = (
                datetime.combine(FIRST_DAY, clock_time(), tz),
                datetime.combine(FIRST_DAY + timedelta(days=DAYS), clock_time(), tz),
            )
            month = (year[0], datetime.combine(date(2025, 2, 1), clock_time(), tz))
            for span, (lo, hi) in (("year", year), ("month", month)):
                results[f"{label}_{span}_day_totals_ms"] = _median_ms(
                    lambda lo=lo, hi=hi, tz=tz: store.day_totals(lo, hi, tz), repeat
                )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        results = measure(Path(folder), args.repeat)
    for key, value in results.items():
        print(f"{key:36} {value}")
    write_json("other_zone_totals.json", results)


if __name__ == "__main__":
    main()
