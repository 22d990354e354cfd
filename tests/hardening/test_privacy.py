"""Issue 12, case 4: portfolio coarsening shows only the top level, for every path shape,
on every page, API endpoint and export (property-based)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskmeter.models import State, Switch, Task
from tests.hardening.support import app_on, fetch_all, open_store
from tests.web.conftest import NOW

TOP = st.text(alphabet="abcüé漢-_.", min_size=1, max_size=6).map(lambda t: "top" + t)


@st.composite
def paths(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A task path of any shape and the markers of its hidden (non-top) levels."""
    top = draw(TOP)
    n = draw(st.integers(0, 4))
    hidden = [f"zqsec{draw(st.integers(0, 10**6))}x{i}" for i in range(n)]
    if draw(st.booleans()) and hidden:
        hidden[-1] = hidden[-1] + "L" * draw(st.sampled_from([1, 150, 400]))  # very long
    seps = [draw(st.sampled_from(["/", "//", "///"])) for _ in hidden]
    body = top + "".join(sep + part for sep, part in zip(seps, hidden, strict=True))
    lead = draw(st.sampled_from(["", "/", "//"]))
    trail = draw(st.sampled_from(["", "/", "//"]))
    return (lead + body + trail)[:500], hidden


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
def test_coarsening_hides_every_lower_level_everywhere(kind: str, tmp_path: Path) -> None:
    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(found=st.lists(paths(), min_size=1, max_size=4))
    def check(found: list[tuple[str, list[str]]]) -> None:
        store = open_store(kind, tmp_path / f"{kind}{abs(hash(repr(found)))}")
        try:
            start = NOW - timedelta(hours=6)
            for number, (path, _) in enumerate(found):
                store.upsert_tasks([Task(id=path, path=path, updated=start)])
                store.add_switch(
                    Switch(
                        f"s{number}",
                        start + timedelta(minutes=30 * number),
                        600.0,
                        number,
                        "ws",
                        task_id=path,
                        task=path,
                        host="h",
                    )
                )
            path = found[0][0]
            store.put_state(
                State(0, "ws", NOW - timedelta(minutes=5), NOW, "open", path, path, "h")
            )
            app = app_on(store, tmp_path, mode="portfolio", coarsen_tasks=True)
            markers = [m for _, hidden in found for m in hidden]
            for url, status, body in fetch_all(app):
                assert status < 500, url
                for marker in markers:
                    assert marker[:12] not in body, f"{url} shows {marker[:12]}…"
                for raw, _ in found:
                    if raw.strip("/") != raw.strip("/").split("/")[0]:
                        assert raw not in body, f"{url} shows the full path {raw!r}"
            shown = app.test_client().get("/api/v1/tasks").get_json()
            tops = {p.strip("/").split("/")[0] for p, _ in found}
            assert {t["path"] for t in shown["tasks"]} == tops
        finally:
            store.close()

    check()
