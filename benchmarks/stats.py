"""What every benchmark shares: percentiles and where the JSON results go."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def percentile(values: list[float], pct: float) -> float:
    """The ``pct``-th percentile (0-100) of ``values``, linearly interpolated."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def write_json(name: str, data: dict[str, Any]) -> Path:
    """Write ``data`` to ``$DESKMETER_ARTIFACTS/benchmarks/NAME`` and return the path."""
    out = Path(os.environ.get("DESKMETER_ARTIFACTS", "artifacts")) / "benchmarks"
    out.mkdir(parents=True, exist_ok=True)
    target = out / name
    target.write_text(json.dumps(data, indent=2) + "\n")
    return target
