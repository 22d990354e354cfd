"""The ``deskmeter`` command line."""
