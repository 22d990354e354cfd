"""The figures: what was worked on, when, and for how long, read from a store.

``service.Reports`` answers every question the dashboard, its API, ``deskmeter report`` and
``deskmeter status`` ask (a month's calendar, a day's timeline, a week, a year, totals per
task, area or workspace, time away), each counted in the configured time zone and start of
day, the intervals running now included (``running.py``). What it returns is in
``shapes.py``; ``timesheet.py`` and ``goals.py`` build on it; ``formatting.py`` words the
durations; ``privacy.py`` says what a public (portfolio) dashboard may show.

Nothing here knows the web framework or the command line: both import this package, never
the other way round (``tests/test_import_rules.py``).
"""
