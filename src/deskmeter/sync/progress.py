"""Kept for imports from before ``Progress`` moved to ``deskmeter.progress`` (import, sync)."""

from deskmeter.progress import Progress

__all__ = ["Progress"]
