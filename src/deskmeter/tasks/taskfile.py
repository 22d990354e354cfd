"""The task file: one task path per line, edited by the user.

Format::

    # Lines starting with '#' are comments; blank lines are ignored.
    work/deskmeter/sync           # a task path: segments of letters, digits, '.', '_', '-'
    * work/deskmeter/web          # '* ' in front marks the current task (at most one line)
    personal/reading @reading     # '@ID' names the task's id explicitly
    work/mail [3] [Mail]          # '[...]' maps workspaces to the task: a number, a name

A task's workspaces: ``[N]`` (N a number) is workspace N as the desktop counts them from 1
(X11's desktop N, KDE's Nth desktop, Sway/i3's and Hyprland's workspace N); any other text in
brackets is a workspace's name (``[1: web]``, ``[Mail]``; no '#' or ']' in it). On a mapped
workspace the interval's task is the mapped one; elsewhere it is the '*' task. A workspace
matches by name first, then by number; each workspace key may appear on one line only.

A task's id is its ``@ID`` when given, else its path. Ids never change by themselves, so
reordering, commenting and adding tasks keep every id. To rename a task and keep its history
under the same id, keep (or add) its ``@ID``: ``personal/books @personal/reading``.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

SEGMENT = r"[A-Za-z0-9][A-Za-z0-9._-]*"
PATH_RE = re.compile(rf"^{SEGMENT}(?:/{SEGMENT})*$")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
#: ``[3]`` or ``[Mail]`` after a task path: the workspaces mapped to it.
WORKSPACE_RE = re.compile(r"\[([^\[\]]*)\]")
MAX_WORKSPACE_KEY = 200
MAX_PATH = 200
#: The largest task file read (a few thousand tasks fit in a fraction of this).
MAX_BYTES = 1024 * 1024

STARTER = """\
# Deskmeter tasks: one task path per line, '/' separates levels.
# '* ' in front marks the current task; `deskmeter task set PATH` moves the mark.
# '@ID' after a path keeps a task's id (and so its history) when you rename it.
# Lines starting with '#' are comments.
* work/general
work/meetings
personal/learning
"""


class TaskFileError(ValueError):
    """The task file is malformed; ``str()`` names the file, the line and the problem."""


@dataclass(frozen=True, slots=True)
class TaskLine:
    path: str
    id: str
    current: bool
    line: int
    #: Workspace keys mapped to this task: a number as text (``"3"``) or a name.
    workspaces: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TaskFile:
    tasks: tuple[TaskLine, ...]

    @property
    def current(self) -> TaskLine | None:
        return next((t for t in self.tasks if t.current), None)

    def for_workspace(self, index: int, names: tuple[str, ...] = ()) -> TaskLine | None:
        """The task mapped to the workspace at ``index`` (0-based) called one of ``names``.

        By name first, then by number (``[N]`` is index N - 1); None when none is mapped.
        """
        for name in names:
            if name:
                found = next((t for t in self.tasks if name in t.workspaces), None)
                if found is not None:
                    return found
        number = str(index + 1)
        return next((t for t in self.tasks if number in t.workspaces), None)

    def by_path(self, path: str) -> TaskLine | None:
        return next((t for t in self.tasks if t.path == path), None)


def validate_path(path: str) -> str:
    """Return ``path`` if it is a valid task path, else raise ``ValueError`` saying why."""
    if not path:
        raise ValueError("empty task path")
    if len(path) > MAX_PATH:
        raise ValueError(f"task path longer than {MAX_PATH} characters")
    if any(ch.isspace() for ch in path):
        raise ValueError(f"{path!r}: a task path has no spaces (use '-' or '_')")
    if not PATH_RE.match(path):
        raise ValueError(
            f"{path!r}: use segments of letters, digits, '.', '_' or '-' separated by '/'"
        )
    return path


def parse_task_file(text: str, name: str = "task file") -> TaskFile:
    """Parse task-file text; raise ``TaskFileError`` naming the first bad line."""
    tasks: list[TaskLine] = []
    seen_paths: dict[str, int] = {}
    seen_ids: dict[str, int] = {}
    seen_workspaces: dict[str, int] = {}
    current_line = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue

        def fail(problem: str, number: int = number) -> TaskFileError:
            return TaskFileError(f"{name} line {number}: {problem}")

        current = False
        if line.startswith("*"):
            current = True
            line = line[1:].strip()
        workspaces = tuple(key.strip() for key in WORKSPACE_RE.findall(line))
        line = WORKSPACE_RE.sub(" ", line).strip()
        if "[" in line or "]" in line:
            raise fail(f"{line!r}: a workspace is written [NUMBER] or [NAME], brackets closed")
        for key in workspaces:
            if not key or len(key) > MAX_WORKSPACE_KEY:
                raise fail(f"[{key}]: a workspace key is 1 to {MAX_WORKSPACE_KEY} characters")
            if key.isdigit() and int(key) < 1:
                raise fail(f"[{key}]: workspaces are counted from 1")
            if key in seen_workspaces:
                raise fail(f"workspace [{key}] is mapped twice (also line {seen_workspaces[key]})")
            seen_workspaces[key] = number
        words = line.split()
        task_id = None
        if len(words) == 2 and words[1].startswith("@"):
            task_id = words[1][1:]
            if not ID_RE.match(task_id):
                raise fail(f"bad task id {words[1]!r}")
        elif len(words) != 1:
            raise fail(f"{line!r}: one task path per line, optionally followed by @ID")
        try:
            path = validate_path(words[0])
        except ValueError as exc:
            raise fail(str(exc)) from None
        task_id = task_id or path
        if path in seen_paths:
            raise fail(f"{path!r} is listed twice (also line {seen_paths[path]})")
        if task_id in seen_ids:
            raise fail(f"id {task_id!r} is used twice (also line {seen_ids[task_id]})")
        if current:
            if current_line:
                raise fail(f"two tasks marked current with '*' (also line {current_line})")
            current_line = number
        seen_paths[path] = number
        seen_ids[task_id] = number
        tasks.append(
            TaskLine(path=path, id=task_id, current=current, line=number, workspaces=workspaces)
        )
    return TaskFile(tuple(tasks))


_KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFDIR: "a directory",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def _check_regular(path: Path, mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = _KINDS.get(stat.S_IFMT(mode), "something else")
        raise TaskFileError(f"{path}: is {kind}, not a regular file")


def read_text(path: Path, limit: int = MAX_BYTES) -> str | None:
    """The text of the regular file at ``path`` (None when there is none).

    Anything else (a FIFO, a directory, ``/dev/zero``, a symlink to one) is refused without
    blocking (``O_NONBLOCK``) or reading it, and so is a file over ``limit`` bytes.
    """
    try:
        _check_regular(path, path.stat().st_mode)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise TaskFileError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        info = os.fstat(fd)
        _check_regular(path, info.st_mode)  # again: it may have been swapped meanwhile
        if info.st_size > limit:
            raise TaskFileError(
                f"{path}: {info.st_size} bytes, more than the {limit} a task file may have"
            )
        data = os.read(fd, limit + 1)
        if len(data) > limit:  # it grew while we looked
            raise TaskFileError(f"{path}: more than the {limit} bytes a task file may have")
    except OSError as exc:
        raise TaskFileError(f"{path}: cannot read: {exc.strerror}") from exc
    finally:
        os.close(fd)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TaskFileError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def load_task_file(path: Path) -> TaskFile | None:
    """Read and parse the task file at ``path``; None when it does not exist."""
    text = read_text(path)
    return None if text is None else parse_task_file(text, str(path))


def read_task_file(path: Path) -> TaskFile:
    """Read and parse the task file at ``path`` (a missing file has no tasks)."""
    return load_task_file(path) or TaskFile(())


def mark_current(text: str, path: str) -> str:
    """Return ``text`` with the '*' mark moved to ``path`` (appended when not listed).

    Everything else (comments, order, ids, blank lines) stays as the user wrote it.
    """
    validate_path(path)
    lines = text.splitlines()
    found = False
    out = []
    for raw in lines:
        body, hash_, comment = raw.partition("#")
        stripped = body.strip()
        if not stripped:
            out.append(raw)
            continue
        unmarked = stripped[1:].strip() if stripped.startswith("*") else stripped
        words = unmarked.split()
        indent = body[: len(body) - len(body.lstrip())]
        is_target = bool(words) and words[0] == path
        found = found or is_target
        tail = f" {hash_}{comment}" if hash_ else ""
        out.append(f"{indent}{'* ' if is_target else ''}{unmarked}{tail}")
    if not found:
        out.append(f"* {path}")
    return "\n".join(out) + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so that readers see the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)  # noqa: PTH101
        os.replace(tmp, path)  # noqa: PTH105
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
