"""Small SVG pieces the templates repeat many times a page, built in Python.

A Jinja macro call costs tens of microseconds; a page like the calendar or the Tasks tree
draws a hundred dots and bars. These return the same markup the macros did, escaped, and
``dot`` is kept per process (there are only as many colours as tasks).
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup, escape


@lru_cache(maxsize=4096)
def dot(colour: str) -> Markup:
    """A small round colour swatch (legends, task names)."""
    return Markup(  # noqa: S704 - the colour is escaped
        '<svg class="dot" viewBox="0 0 10 10" aria-hidden="true">'
        f'<circle cx="5" cy="5" r="5" fill="{escape(colour)}"/></svg>'
    )


def bar(value: float, maximum: float, colour: str) -> Markup:
    """A horizontal bar of ``value`` out of ``maximum`` (0 when ``maximum`` is 0)."""
    width = (100 * value / maximum) if maximum else 0
    return Markup(  # noqa: S704 - the colour is escaped, the width a number
        '<svg class="bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">'
        '<rect class="track" width="100" height="8" rx="2"/>'
        f'<rect fill="{escape(colour)}" width="{width}" height="8" rx="2"/></svg>'
    )
