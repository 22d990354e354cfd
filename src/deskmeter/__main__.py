"""``python -m deskmeter``."""

from deskmeter.cli.main import main

main()
