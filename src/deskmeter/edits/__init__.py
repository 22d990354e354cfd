"""Corrections of history: reassign a stretch to a task, mark it away, add time off the computer.

``operations`` computes and applies an edit (the one operation the CLI, the dashboard, the API
and the panel indicator all use), ``record`` holds the edit log's record, ``times`` parses the
times people type. Every edit stores the switches it replaced, so ``undo`` restores them exactly.
"""
