"""Stable indexes for named and dynamic workspaces (Sway, i3, Hyprland).

A switch records a workspace's name and an index. Where the desktop numbers its workspaces
(Sway and i3's ``num``, Hyprland's id), the index is that number minus one, so that
"workspace 3" is index 2 as on X11 ("desktop 3" = ``_NET_CURRENT_DESKTOP`` 2) and the task
file's ``[3]`` means the same on every desktop. A workspace with no number (Sway's ``num`` -1,
Hyprland's named and special workspaces) gets an index in ``NAMED_BASE`` … 1023 from a hash of
its name: the same name gets the same index in every run. A rename keeps the index (the
tracker sees the same index with a new name: a rename, not a switch).
"""

from __future__ import annotations

import zlib

#: Numbered workspaces 1 … NAMED_BASE map to indexes 0 … NAMED_BASE - 1.
NAMED_BASE = 512
#: The store keeps indexes up to 1023.
NAMED_SPAN = 1024 - NAMED_BASE


def named_index(name: str) -> int:
    """The index a workspace without a number gets: stable across runs (CRC-32 of the name)."""
    return NAMED_BASE + zlib.crc32(name.encode("utf-8")) % NAMED_SPAN


class IndexBook:
    """Which index each workspace name has in this run (renames carry the index along)."""

    def __init__(self) -> None:
        self._named: dict[str, int] = {}

    def index(self, name: str, number: int | None) -> int:
        if number is not None and 1 <= number <= NAMED_BASE:
            return number - 1
        known = self._named.get(name)
        if known is not None:
            return known
        taken = set(self._named.values())
        index = named_index(name)
        while index in taken:  # a hash collision with another live name: the next free one
            index = NAMED_BASE + (index - NAMED_BASE + 1) % NAMED_SPAN
        self._named[name] = index
        return index

    def rename(self, old: str, new: str, number: int | None) -> int:
        """``old`` is now called ``new``: keep its index unless the new name has a number."""
        if old in self._named and not (number is not None and 1 <= number <= NAMED_BASE):
            self._named[new] = self._named.pop(old)
        return self.index(new, number)

    def forget(self, name: str) -> None:
        self._named.pop(name, None)
