"""Issue 22, item 9: ``/switches?page=`` past the last page is a 404, never a 500.

With more than one page (``per_page`` 2 over the 7 seeded switches: 4 pages), a page past
the last one broke the pager's template (``range object has no element 0``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hardening.support import app_on, open_store
from tests.web.conftest import seed


@pytest.mark.parametrize("kind", ["sqlite", "mongomock"])
@pytest.mark.parametrize("page", ["5", "1000000"])
def test_a_page_past_the_last_is_not_found(kind: str, page: str, tmp_path: Path) -> None:
    app = app_on(seed(open_store(kind, tmp_path)), tmp_path, per_page=2)
    client = app.test_client()
    assert client.get("/switches?page=4").status_code == 200  # the last page
    assert client.get(f"/switches?page={page}").status_code == 404
