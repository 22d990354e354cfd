"""Issue 23, item 9: distinct colours per task within an area, no area in the heat map's
blue or in red (which means "over"), one meaning per colour, a legend on every chart."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from deskmeter.store import Store
from deskmeter.web.colors import RESERVED_HUES, TaskColours, _hls
from tests.trust.world import NOW, TODAY_SWITCHES, app_on, local, seed, switch

WORK = [
    "work/deskmeter/sync",
    "work/deskmeter/web",
    "work/deskmeter/docs",
    "work/client-a/api",
    "work/client-a/ui",
    "work/client-b/ops",
    "work/admin/email",
    "work/admin/review",
]


def distance(a: str, b: str) -> float:
    """A plain RGB distance (0–441)."""
    ra, ga, ba = (int(a[i : i + 2], 16) for i in (1, 3, 5))
    rb, gb, bb = (int(b[i : i + 2], 16) for i in (1, 3, 5))
    return float(((ra - rb) ** 2 + (ga - gb) ** 2 + (ba - bb) ** 2) ** 0.5)


def test_the_tasks_of_an_area_get_distinct_colours() -> None:
    colours = TaskColours(known=WORK)
    found = [colours(p) for p in WORK]
    assert len(set(found)) == len(WORK)
    closest = min(distance(a, b) for a, b in itertools.combinations(found, 2))
    assert closest >= 20, closest  # not shades of one colour


def test_no_area_takes_red_or_the_heat_maps_blue() -> None:
    colours = TaskColours()
    for index in range(300):
        hue = _hls(colours(f"area{index}/task{index % 7}"))[0]
        for low, high in RESERVED_HUES:
            assert not low <= hue <= high, (index, hue)


def test_colours_depend_only_on_the_task_set() -> None:
    one = TaskColours(known=WORK)
    other = TaskColours(known=list(reversed(WORK)))
    assert [one(p) for p in WORK] == [other(p) for p in WORK]


def test_every_chart_has_a_legend(backend: Store, tmp_path: Path) -> None:
    history = [*TODAY_SWITCHES, switch("y1", local(1, "09:00"), 60, "admin/mail")]
    client = app_on(seed(backend, history), tmp_path).test_client()
    for url in (
        f"/week/{NOW.date()}",
        f"/calendar/{NOW.year}/{NOW.month}",
        f"/year/{NOW.year}",
        "/summary",
    ):
        html = client.get(url).get_data(as_text=True)
        legend = re.search(r'<ul class="legend-keys chart-legend[^"]*"[^>]*>(.*?)</ul>', html, re.S)
        assert legend is not None, url
        assert "work" in legend.group(1) and "admin" in legend.group(1), url


def test_red_means_only_over_or_missed(backend: Store, tmp_path: Path) -> None:
    client = app_on(seed(backend, TODAY_SWITCHES), tmp_path).test_client()
    css = client.get("/static/trust.css").get_data(as_text=True)
    assert ".calendar td.today .day-link { outline: 2px solid var(--ink); }" in css
    assert ".timeline .now-line { stroke: var(--ink);" in css
