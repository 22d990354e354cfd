"""The one error an edit raises: a clear one-line message, nothing changed."""

from __future__ import annotations


class EditError(ValueError):
    """The edit cannot be made as asked; ``str()`` says why and what to do instead."""


class NothingToDoError(EditError):
    """The store's present state leaves nothing for this to act on (no away stretch is
    waiting for a decision, no edit to undo): the request is well formed but comes at the
    wrong time (the web answers 409, not 400)."""
