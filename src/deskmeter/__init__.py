"""Deskmeter: measure how long each workspace and task is active on a Linux desktop."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("deskmeter")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
