"""Tasks: the user's plain-text task file (one task path a line, the current one marked) and
its reflection in the store, so every switch carries the task that was current."""

from deskmeter.tasks.taskfile import TaskFile, TaskFileError, TaskLine, parse_task_file

__all__ = ["TaskFile", "TaskFileError", "TaskLine", "parse_task_file"]
