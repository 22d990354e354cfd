"""The change (Δ) from the previous period, shown under a period's total.

A period that is still running (it holds today) is compared with the same stretch of the
previous one ("vs week 18 to Wed"): comparing half a week with a whole one would always
look like a drop. A finished period is compared with the whole previous one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Delta:
    #: This period's seconds minus the previous one's (negative: less).
    seconds: float
    previous: float
    #: What it is compared with: ``week 18``, ``April 2026 to the 6th``.
    against: str

    @property
    def direction(self) -> str:
        return "up" if self.seconds > 0 else "down" if self.seconds < 0 else "same"

    @property
    def percent(self) -> float | None:
        return 100 * self.seconds / self.previous if self.previous else None


def compare(
    seconds_between: Callable[[date, date], float],
    current: float,
    first: date,
    last: date,
    previous_first: date,
    previous_last: date,
    today: date,
    name: str,
    until: Callable[[date], str],
) -> Delta:
    """``current`` (the seconds of ``first``–``last``) against the previous period.

    ``seconds_between(a, b)`` counts the local days ``a``…``b``; ``name`` names the previous
    period; ``until(day)`` words a cut-off day ("Wed", "the 6th").
    """
    against = name
    end = previous_last
    if first <= today <= last:
        offset = (today - first).days
        cut = min(previous_last, date.fromordinal(previous_first.toordinal() + offset))
        if cut < previous_last:
            end = cut
            against = f"{name} to {until(cut)}"
    previous = seconds_between(previous_first, end)
    return Delta(round(current - previous, 3), round(previous, 3), against)


def ordinal_day(day: date) -> str:
    """``the 6th``."""
    n = day.day
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"the {n}{suffix}"
