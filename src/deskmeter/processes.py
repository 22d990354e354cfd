"""Facts about processes on this machine."""

from __future__ import annotations

import os


def process_alive(pid: int | None) -> bool:
    """Whether process ``pid`` exists here (one we may not signal counts as alive)."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
