"""Corrections of history: reassign a stretch to a task, mark it away, add time off the computer.

``operations`` computes and applies an edit (the one operation the CLI, the dashboard, the API
and the panel indicator all use), ``times`` parses the times people type. The edit log's record
and its codec live with the other records' (``deskmeter.store.edit_record``). Every edit stores
the switches it replaced, so ``undo`` restores them exactly.
"""
