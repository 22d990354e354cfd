"""The dashboard (the seed's dmweb): a Flask app with pages, a JSON API and health checks.

``create_app(settings_or_config)`` builds it; ``deskmeter web`` serves it, and gunicorn runs
``deskmeter.web.wsgi:app`` with the config in ``deskmeter.web.gunicorn_conf``.
"""

from __future__ import annotations

from deskmeter.web.app import create_app

__all__ = ["create_app"]
