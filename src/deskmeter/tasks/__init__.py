"""Tasks: the user's plain-text task file and its reflection in the store."""

from deskmeter.tasks.taskfile import TaskFile, TaskFileError, TaskLine, parse_task_file

__all__ = ["TaskFile", "TaskFileError", "TaskLine", "parse_task_file"]
