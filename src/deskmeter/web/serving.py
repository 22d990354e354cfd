"""``deskmeter web``'s server: gunicorn, in this process, on the app already built.

The production server the package ships, started quietly (no development-server warning,
warnings and errors only in the log). A port that is taken is found before anything starts
and named with the option that changes it.
"""

from __future__ import annotations

import errno
import socket
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

#: gunicorn's threads per worker (as ``gunicorn_conf``).
THREADS = 4


class PortInUseError(RuntimeError):
    """The address is taken: the message names ``--port``."""


def check_port(host: str, port: int) -> None:
    """Raise ``PortInUseError`` when ``host:port`` cannot be bound (something listens there)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                why = "is in use" if exc.errno == errno.EADDRINUSE else "is not allowed"
                raise PortInUseError(
                    f"port {port} on {host} {why}: choose another with --port N "
                    "(or web.port in the config)"
                ) from None
            raise


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def serve(app: Flask, host: str, port: int, workers: int) -> None:
    """Serve ``app`` on ``host:port`` with gunicorn until stopped (Ctrl-C, SIGTERM)."""
    check_port(host, port)
    _Server(
        app,
        {
            "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": THREADS,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "proc_name": "deskmeter-web",
            "graceful_timeout": 5,
        },
    ).run()
