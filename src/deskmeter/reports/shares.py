"""Whole-number percentages that add up to 100 (largest remainder), for share columns.

Rounding each share on its own can print 34 % + 33 % + 34 % = 101 %; here the rounded
shares of a whole always sum to exactly 100 (or 0 for an empty whole).
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def whole_percents(values: Sequence[float], total: float | None = None) -> list[int]:
    """``values`` as whole percentages of ``total`` (default: their sum).

    When the values make up the whole (``total`` is their sum) the result sums to 100:
    each share is rounded down, and the points left go to the largest remainders.
    """
    whole = sum(values) if total is None else total
    if whole <= 0:
        return [0 for _ in values]
    exact = [100 * v / whole for v in values]
    floors = [math.floor(x) for x in exact]
    target = round(sum(exact))
    left = target - sum(floors)
    order = sorted(range(len(values)), key=lambda i: (floors[i] - exact[i], i))
    for i in order[: max(0, left)]:
        floors[i] += 1
    return floors
