"""The Registry type: rows by name in table order, extra choices first, one-line refusals."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from deskmeter.registry import Registry, UnknownNameError


@dataclass(frozen=True)
class Part:
    name: str
    description: str


def table() -> Registry[Part]:
    return Registry(
        "widget", (Part("b", "the b one"), Part("a", "the a one")), extra={"auto": "picks one"}
    )


def test_names_keep_the_table_order_and_choices_put_the_extra_ones_first() -> None:
    widgets = table()
    assert widgets.names() == ("b", "a")
    assert widgets.choices() == ("auto", "b", "a")
    assert widgets.described() == [("auto", "picks one"), ("b", "the b one"), ("a", "the a one")]


def test_check_accepts_rows_and_extra_choices_and_refuses_the_rest_in_one_line() -> None:
    widgets = table()
    assert widgets.check("auto") == "auto"
    assert widgets.check("a") == "a"
    with pytest.raises(UnknownNameError) as caught:
        widgets.check("c\nd" * 50)
    message = str(caught.value)
    assert "\n" not in message.replace("\\n", "")
    assert message.startswith("unknown widget 'c\\nd")
    assert message.endswith("(one of: auto, b, a)")
    assert isinstance(caught.value, ValueError)


def test_row_gives_a_row_but_never_an_extra_choice() -> None:
    widgets = table()
    assert widgets.row("b") == Part("b", "the b one")
    with pytest.raises(UnknownNameError, match=r"unknown widget 'auto' \(one of: auto, b, a\)"):
        widgets.row("auto")


def test_a_row_added_later_is_a_choice_at_once() -> None:
    widgets = table()
    widgets["z"] = Part("z", "added")
    assert widgets.check("z") == "z"
    assert widgets.choices()[-1] == "z"
