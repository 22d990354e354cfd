"""The one error an edit raises: a clear one-line message, nothing changed."""

from __future__ import annotations


class EditError(ValueError):
    """The edit cannot be made as asked; ``str()`` says why and what to do instead."""
