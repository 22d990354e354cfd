"""The ``deskmeter`` command line: one typer app (``main.py``) with a module per command.

``track`` runs the tracker, ``status`` and ``report`` print the figures (from
``deskmeter.reports``), ``edit`` corrects history, ``task`` manages the task file,
``import``/``export`` move data in and out, ``sync`` pushes to a remote MongoDB, ``web``
serves the dashboard, ``tray`` and ``doctor`` help on the desktop. Every command takes "now"
from its context's clock (``context.py``), so tests run it at a fixed instant. Nothing else in
the package imports the CLI; only ``web_cmd.py`` imports the web app.
"""
