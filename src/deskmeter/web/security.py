"""Security headers, the bearer token for the API, and CSRF tokens for forms.

Nothing writes without the configured token: the JSON API takes it as
``Authorization: Bearer``; the pages take it once on the sign-in form and keep a signed
session cookie. Its key is an HMAC of the token under a random per-installation key (a 0600
file in the data directory), so nobody can compute it from the configuration alone and
changing the token signs everyone out. A sign-in lasts ``web.session_hours``; logging out
bumps a session generation kept in the store, which ends every earlier sign-in at once (on
every worker). The sign-in form allows ``web.login_attempts_per_minute`` tries per client
address (then 429 with ``Retry-After``). Every form carries a per-session CSRF token; the
cookie is ``HttpOnly``, ``SameSite=Strict``, and ``Secure`` whenever the request came over
HTTPS (directly, or per ``X-Forwarded-Proto`` from the ``web.proxies`` trusted proxies).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import os
import secrets
import threading
import time
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, Request, Response, request, session, url_for
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from deskmeter import paths
from deskmeter.config import Settings
from deskmeter.web.context import web_context

log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

CSRF_FIELD = "csrf_token"
SESSION_SIGNED_IN = "signed_in"
SESSION_CSRF = "csrf"
SESSION_GENERATION = "gen"
SESSION_ISSUED = "issued"
#: The store ``meta`` key of the session generation (bumped by every logout).
GENERATION_KEY = "web_session_generation"


def add_security_headers(response: Response) -> Response:
    """``HEADERS`` on every answer (and ``Cache-Control: no-store`` on the API's and the
    health check's) unless the view set its own: each header at most once, the ones present
    found in one pass (``setdefault`` per header scanned the list each time)."""
    headers = response.headers
    present = {name.lower() for name, _ in headers.items()}
    for name, value in HEADERS.items():
        if name.lower() not in present:
            headers.add(name, value)
    path = request.path
    if (path.startswith("/api/") or path == "/healthz") and "cache-control" not in present:
        headers.add("Cache-Control", "no-store")
    return response


def installation_key(path: Path) -> bytes:
    """The random key in ``path``, created (0600, atomically) on first use."""
    try:
        data = path.read_bytes()
        if len(data) >= 32:
            return data
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, secrets.token_bytes(32))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # fails if another process made it first: then use theirs
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_bytes()


def session_key_file(settings: Settings) -> Path:
    return settings.web.session_key_file or paths.data_dir() / "web-session.key"


def session_secret(settings: Settings) -> bytes:
    """The cookie signing key: HMAC(installation key, token); random when there is no token."""
    token = settings.web.token
    if token is None:
        return secrets.token_bytes(32)  # nothing can sign in: no cookie needs to verify
    path = session_key_file(settings)
    try:
        key = installation_key(path)
    except OSError as exc:
        log.warning(
            "cannot keep the session key in %s (%s); using a random one for this process "
            "(sign-ins end when it restarts)",
            path,
            exc.strerror,
        )
        key = secrets.token_bytes(32)
    return hmac.new(
        key, b"deskmeter-web-session\0" + token.get_secret_value().encode(), hashlib.sha256
    ).digest()


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, ``Secure`` whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """Flask's, without building the signing serializer when there is no cookie to
        verify (most API calls): an empty session, as Flask's gives then."""
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


class LoginLimiter:
    """At most ``limit`` sign-in attempts per client address per ``window`` seconds."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._tries: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, address: str, now: float | None = None) -> int | None:
        """Seconds to wait before the next attempt, or None (and the attempt is counted)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._tries) > 10_000:  # bound memory: forget idle addresses
                for key in [
                    k for k, v in self._tries.items() if not v or v[-1] < now - self.window
                ]:
                    del self._tries[key]
            tries = self._tries.setdefault(address, deque())
            while tries and tries[0] <= now - self.window:
                tries.popleft()
            if len(tries) >= self.limit:
                return max(1, math.ceil(tries[0] + self.window - now))
            tries.append(now)
            return None


def safe_next(target: str | None) -> str:
    """A local path to go back to after a form (never another site: no open redirect)."""
    if not target:
        return url_for("pages.today")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("pages.today")
    return target


def token_matches(settings: Settings, offered: str | None) -> bool:
    token = settings.web.token
    if token is None or not offered:
        return False
    return hmac.compare_digest(offered.encode(), token.get_secret_value().encode())


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def csrf_token() -> str:
    """This session's CSRF token (created on first use)."""
    token = session.get(SESSION_CSRF)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[SESSION_CSRF] = token
    return token


def csrf_ok() -> bool:
    expected = session.get(SESSION_CSRF)
    offered = request.form.get(CSRF_FIELD, "")
    return (
        isinstance(expected, str)
        and bool(offered)
        and hmac.compare_digest(offered.encode(), expected.encode())
    )


def session_generation() -> str:
    return web_context().store.get_meta(GENERATION_KEY) or "0"


def end_all_sessions() -> None:
    """Logout: every cookie signed in before now stops working (all workers)."""
    web_context().store.set_meta(GENERATION_KEY, secrets.token_hex(8))


def start_session() -> None:
    session.clear()
    session.permanent = True
    session[SESSION_SIGNED_IN] = True
    session[SESSION_GENERATION] = session_generation()
    session[SESSION_ISSUED] = time.time()


def signed_in() -> bool:
    if session.get(SESSION_SIGNED_IN) is not True:
        return False
    issued = session.get(SESSION_ISSUED)
    hours = web_context().settings.web.session_hours
    if not isinstance(issued, int | float) or time.time() - issued > hours * 3600:
        return False
    return session.get(SESSION_GENERATION) == session_generation()
