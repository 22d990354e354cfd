"""Security headers, the bearer token for the API, and CSRF tokens for forms.

Nothing writes without the configured token: the JSON API takes it as
``Authorization: Bearer``; the pages take it once on the sign-in form and keep a signed
session cookie (its key is derived from the token, so changing the token signs everyone out).
Every form carries a per-session CSRF token, and the cookie is ``SameSite=Strict``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import Response, request, session

from deskmeter.config import Settings

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


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.path.startswith("/api/") or request.path == "/healthz":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def session_secret(settings: Settings) -> bytes:
    """The cookie signing key: derived from the token, or random when there is none."""
    token = settings.web.token
    if token is None:
        return secrets.token_bytes(32)
    return hashlib.sha256(b"deskmeter-web-session\0" + token.get_secret_value().encode()).digest()


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


def signed_in() -> bool:
    return session.get(SESSION_SIGNED_IN) is True
