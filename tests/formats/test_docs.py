"""docs/formats.md lists every registered format (its tables are generated from the registry)
and its Grafana dashboard is valid JSON that queries only series /metrics serves."""

from __future__ import annotations

import json
import re
from pathlib import Path

from deskmeter.formats import EXPORTS, IMPORTS
from deskmeter.formats.docs import markdown_tables, replace_tables
from tests.formats.conftest import Deskmeter

DOC = Path(__file__).resolve().parents[2] / "docs" / "formats.md"
METRICS = Path(__file__).resolve().parents[2] / "src/deskmeter/web/blueprints/metrics.py"


def test_the_format_tables_in_the_docs_are_the_registrys() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert markdown_tables() in text, "run deskmeter.formats.docs.replace_tables on the doc"
    assert replace_tables(text) == text
    for fmt in (*IMPORTS.values(), *EXPORTS.values()):
        assert f"| `{fmt.name}` |" in text


def test_the_grafana_dashboard_parses_and_queries_served_series() -> None:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("```json\n", 1)[1].split("```", 1)[0]
    dashboard = json.loads(block)
    served = set(re.findall(r'"(deskmeter_[a-z_]+)"', METRICS.read_text(encoding="utf-8")))
    queried = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"deskmeter_[a-z_]+", target["expr"])
    }
    assert queried and queried <= served
    documented = set(re.findall(r"^\| `(deskmeter_[a-z_]+)`", text, flags=re.MULTILINE))
    assert documented == served


def test_cli_help_names_every_registered_format(deskmeter: Deskmeter) -> None:
    imports = " ".join(deskmeter.cli("import", "--help").stdout.split())
    exports = " ".join(deskmeter.cli("export", "--help").stdout.split())
    assert all(f"{f.name} ({f.title})" in imports for f in IMPORTS.values())
    assert all(f"{f.name} ({f.title})" in exports for f in EXPORTS.values())
