"""The layout's static file addresses, each built once per script root.

``url_for("static", ...)`` walks Werkzeug's URL builder every time (~4 µs); the layout asks
for seven on every page. A file's address only depends on the app's static route and the
prefix the app is served under (``SCRIPT_NAME``, which a proxy may set per request through
``X-Forwarded-Prefix``), so it is kept per (prefix, file name): a request under another
prefix gets its own addresses. Only addresses are kept, never a page's data.
"""

from __future__ import annotations

from flask import request, url_for

#: More prefixes than a deployment has: past this the memo starts again (a proxy sending
#: many different prefixes cannot make it grow without bound).
MAX_ENTRIES = 256


class StaticUrls:
    """``static_url(filename)``: ``url_for("static", filename=filename)``, remembered."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str], str] = {}

    def __call__(self, filename: str) -> str:
        key = (request.script_root, filename)
        url = self._known.get(key)
        if url is None:
            if len(self._known) >= MAX_ENTRIES:
                self._known.clear()
            url = self._known[key] = url_for("static", filename=filename)
        return url
