"""Issue 22, item 7: log redaction costs linear time, and long lines are capped.

A request line of 60 KB of letters took seconds (the credential pattern was retried from
every offset). The check compares the time of a 64,000-character line with a 4,000-character
one: linear work grows ~16x, the old quadratic work ~256x. Redaction still hides what it hid.
"""

from __future__ import annotations

import logging
import time

from deskmeter import logs
from deskmeter.logs import RedactingFilter, redact, register_secret


def _cost(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        redact(text)
        best = min(best, time.perf_counter() - began)
    return best


def test_redaction_of_a_long_request_line_grows_linearly() -> None:
    small = _cost("GET /api/v1/state?q=" + "a" * 4_000 + " HTTP/1.1")
    big = _cost("GET /api/v1/state?q=" + "a" * 64_000 + " HTTP/1.1")
    assert big < 0.05, f"64,000 characters took {big:.3f} s"
    assert big < max(small, 1e-4) * 64, (small, big)


def test_redaction_still_hides_uri_credentials_and_secrets() -> None:
    register_secret("s3cret-token-value")
    text = "mongodb://user:pw@db/x http://a@b@c/d q=s3cret-token-value 1abc://x@y"
    assert redact(text) == "mongodb://***@db/x http://***@c/d q=*** 1abc://***@y"


def test_the_log_filter_caps_a_long_line_after_redacting_it() -> None:
    record = logging.LogRecord(
        "werkzeug", logging.INFO, __file__, 1, "GET /?q=%s mongodb://u:p@h", ("a" * 100_000,), None
    )
    RedactingFilter().filter(record)
    message = record.getMessage()
    assert len(message) < getattr(logs, "MAX_LINE", 0) + 100
    assert "more characters" in message
    assert "u:p" not in message
