"""Report logic that needs no web framework (issue 21 moves ``web/reports.py`` here later)."""
