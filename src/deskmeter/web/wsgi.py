"""The WSGI entry point for gunicorn: ``deskmeter.web.wsgi:app``.

The settings come from the usual places (``DESKMETER_CONFIG``, ``DESKMETER_*`` environment).
"""

from __future__ import annotations

from deskmeter.web.app import create_app

app = create_app()
