"""The dashboard: a Flask app that shows the figures as pages and a JSON API, and (local
mode, with a token) lets its owner switch tasks and correct history.

``create_app(settings_or_config)`` builds it; ``deskmeter web`` serves it, and gunicorn runs
``deskmeter.web.wsgi:app`` with the config in ``deskmeter.web.gunicorn_conf``. The numbers come
from ``deskmeter.reports``; here are the routes (``blueprints/``), the page models beside
their templates (``calendar_grid``, ``timeline``, ``charts``, ``colors``), the request's
context and host, the one error shape (``errors.py``) and who may write (``auth.py``).

(The design notes call this part "dmweb".)
"""

from __future__ import annotations

from deskmeter.web.app import create_app

__all__ = ["create_app"]
