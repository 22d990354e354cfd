"""The dashboard's routes, one blueprint each: the pages (``pages``, ``drill``), the read-only
JSON API (``api``), switching the task and signing in (``control``, local mode only),
corrections of history (``edits``, local mode only), the health check and Prometheus metrics.
"""
