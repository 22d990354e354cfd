"""``deskmeter doctor``: the whole chain checked, one line each, with what to fix."""
