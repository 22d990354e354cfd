"""The task file format: parsing, errors with line numbers, moving the current mark."""

from __future__ import annotations

import pytest

from deskmeter.tasks.taskfile import TaskFileError, mark_current, parse_task_file

GOOD = """\
# my tasks
work/deskmeter/sync
* work/deskmeter/web   # the one I'm on

personal/books @personal/reading
"""


def test_paths_ids_and_the_current_mark_are_read() -> None:
    parsed = parse_task_file(GOOD)
    assert [(t.path, t.id, t.current, t.line) for t in parsed.tasks] == [
        ("work/deskmeter/sync", "work/deskmeter/sync", False, 2),
        ("work/deskmeter/web", "work/deskmeter/web", True, 3),
        ("personal/books", "personal/reading", False, 5),
    ]
    assert parsed.current is not None and parsed.current.path == "work/deskmeter/web"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("work/a\nwork a b\n", "line 2: 'work a b': one task path per line"),
        ("work/a\nwork/a\n", "line 2: 'work/a' is listed twice (also line 1)"),
        ("* a\n* b\n", "line 2: two tasks marked current"),
        ("a @x\nb @x\n", "line 2: id 'x' is used twice"),
        ("work//a\n", "line 1: 'work//a': use segments"),
        ("/work\n", "line 1: '/work': use segments"),
        ("a @!!\n", "line 1: bad task id '@!!'"),
    ],
)
def test_a_malformed_line_is_named_with_its_number(text: str, problem: str) -> None:
    with pytest.raises(TaskFileError) as caught:
        parse_task_file(text, "tasks.txt")
    assert f"tasks.txt {problem}" in str(caught.value)


def test_moving_the_mark_keeps_comments_order_and_ids() -> None:
    moved = mark_current(GOOD, "personal/books")
    assert moved == (
        "# my tasks\n"
        "work/deskmeter/sync\n"
        "work/deskmeter/web # the one I'm on\n"
        "\n"
        "* personal/books @personal/reading\n"
    )
    assert parse_task_file(moved).current.id == "personal/reading"  # type: ignore[union-attr]


def test_marking_an_unknown_path_appends_it() -> None:
    moved = mark_current("a\n", "b/c")
    assert moved == "a\n* b/c\n"


def test_marking_an_invalid_path_is_refused() -> None:
    with pytest.raises(ValueError, match="no spaces"):
        mark_current("a\n", "b c")
