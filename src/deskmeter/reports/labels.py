"""Labels along an axis that never print on top of each other (the day timeline's away gaps).

Labels are placed left to right, each centred on its spot; one that would overlap the last
placed label (or run off the plot) is left out: its mark keeps the full text as a tooltip.
"""

from __future__ import annotations

from collections.abc import Sequence

#: The width of one character of an 11 px label, in the SVG's units (a generous estimate).
CHAR_WIDTH = 6.6
#: Space kept between two labels.
LABEL_GAP = 6.0


def label_width(text: str) -> float:
    return CHAR_WIDTH * len(text)


def place_labels(spots: Sequence[tuple[float, str]], left: float, right: float) -> list[str]:
    """For each ``(centre x, text)`` (in any order), the text to print there, or ``""``
    when it would overlap a label already placed or leave ``[left, right]``."""
    order = sorted(range(len(spots)), key=lambda i: spots[i][0])
    shown = [""] * len(spots)
    last_end = float("-inf")
    for i in order:
        centre, text = spots[i]
        half = label_width(text) / 2
        lo, hi = centre - half, centre + half
        if lo < left or hi > right or lo < last_end + LABEL_GAP:
            continue
        shown[i] = text
        last_end = hi
    return shown
