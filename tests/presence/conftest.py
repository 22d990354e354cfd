"""The X11 harness of tests/integration (a real Xvfb + openbox, a real ``deskmeter track``)."""

from tests.integration.conftest import tracker_run, xserver

__all__ = ["tracker_run", "xserver"]
