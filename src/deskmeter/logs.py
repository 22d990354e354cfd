"""Logging to stderr in a form journald understands.

Under systemd (``JOURNAL_STREAM`` set) each line starts with a ``<N>`` syslog priority, which
journald turns into the entry's level, and carries no timestamp (journald adds one). On a
terminal the lines carry a timestamp instead.
"""

from __future__ import annotations

import logging
import os
import sys
import threading

_PRIORITY = {
    logging.DEBUG: 7,
    logging.INFO: 6,
    logging.WARNING: 4,
    logging.ERROR: 3,
    logging.CRITICAL: 2,
}


#: Characters of a URI scheme after its first letter (RFC 3986).
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")
#: What ends a URI's user-info part (so a credential never runs past it).
_USERINFO_END = frozenset("/'\"")
#: A log line longer than this is cut (after redaction): a 60 KB request line stays cheap.
MAX_LINE = 8192
_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Never let ``value`` (a token, a password) appear in a log line or an error."""
    if value and len(value) >= 4:
        with _secrets_lock:
            _secrets.add(value)


def _without_credentials(text: str) -> str:
    """``scheme://user:password@`` in any URI (MongoDB, HTTP, ...) → ``scheme://***@``.

    One pass over ``text`` (a regular expression tried from every offset of a long run of
    letters took quadratic time): each ``://`` is looked at once, its scheme read backwards
    and its user-info forwards, and neither scan passes the next ``://``.
    """
    out: list[str] = []
    done = 0
    at = text.find("://")
    while at != -1:
        first = at
        while first > done and text[first - 1] in _SCHEME_CHARS:
            first -= 1
        while first < at and not (text[first].isascii() and text[first].isalpha()):
            first += 1  # a scheme starts with a letter
        rest = at + 3
        end = rest
        last_at = -1
        while end < len(text) and text[end] not in _USERINFO_END and not text[end].isspace():
            if text[end] == "@":
                last_at = end
            end += 1
        if first < at and last_at != -1:
            out.append(text[done:rest])
            out.append("***")
            done = last_at
            at = text.find("://", last_at)
        else:
            at = text.find("://", rest)
    out.append(text[done:])
    return "".join(out)


def redact(text: str) -> str:
    """``text`` with URI credentials and every registered secret replaced by ``***``.

    Linear in the length of ``text``.
    """
    text = _without_credentials(text)
    with _secrets_lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        text = text.replace(secret, "***")
    return text


def capped(text: str, limit: int = MAX_LINE) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


class RedactingFilter(logging.Filter):
    """Redacts each record's final message (arguments and exception text included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = capped(redact(message))
        if record.exc_info and record.exc_info[1] is not None:
            formatted = logging.Formatter().formatException(record.exc_info)
            record.exc_text = capped(redact(formatted), 4 * MAX_LINE)
            record.exc_info = None
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class JournalFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        priority = _PRIORITY.get(record.levelno, 6)
        return f"<{priority}>{record.name}: {super().format(record)}"


def setup_logging(verbose: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if os.environ.get("JOURNAL_STREAM"):
        handler.setFormatter(JournalFormatter("%(message)s"))
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S")
        )
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("watchdog").setLevel(logging.WARNING)
