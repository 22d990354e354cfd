"""gunicorn settings for the dashboard: ``gunicorn -c python:deskmeter.web.gunicorn_conf``.

Each value can be overridden with the ``DESKMETER_WEB__*`` variables (``HOST``, ``PORT``,
``WORKERS``) or ``GUNICORN_*`` ones (``GUNICORN_THREADS``, ``GUNICORN_TIMEOUT``). Workers
open the store themselves after the fork (nothing is preloaded), so SQLite and MongoDB
connections are never shared between processes.
"""

from __future__ import annotations

import os

wsgi_app = "deskmeter.web.wsgi:app"
bind = (
    f"{os.environ.get('DESKMETER_WEB__HOST', '127.0.0.1')}:"
    f"{os.environ.get('DESKMETER_WEB__PORT', '8765')}"
)
workers = int(os.environ.get("DESKMETER_WEB__WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5
preload_app = False
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Trust X-Forwarded-* only from the local Nginx (the Compose gateway network is private).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "deskmeter-web"
