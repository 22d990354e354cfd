"""Issue 22, item 14: a goal that can never mean anything is a one-line configuration error.

A goal with no target, cap or share was silently ignored, a blank path printed
``goal (target per day): 0.0 h``, and a target of 5 h under a cap of 2 h was accepted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from deskmeter.config import ConfigError, load_settings

BAD = {
    "no target, cap or share": 'path = "work"',
    "blank path": 'path = "  "\ntarget_hours = 2',
    "target above cap": 'path = "work"\ntarget_hours = 5\nmax_hours = 2',
    "more hours than a day": 'path = "work"\ntarget_hours = 30',
    "not a task path": 'path = "work/a b"\ntarget_hours = 2',
}


def _load(tmp_path: Path, goal: str) -> object:
    config = tmp_path / "config.toml"
    config.write_text(f'host = "desk"\n\n[[goals]]\n{goal}\n', encoding="utf-8")
    return load_settings(config)


@pytest.mark.parametrize("goal", BAD.values(), ids=BAD.keys())
def test_a_goal_that_means_nothing_is_one_line(goal: str, tmp_path: Path, xdg: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, goal)
    message = str(caught.value)
    assert message.startswith("bad setting goals.0"), message
    assert "\n" not in message


@pytest.mark.parametrize(
    "goal",
    [
        'path = "work"\ntarget_hours = 2',
        'path = "work/a"\nmax_hours = 3\ntarget_hours = 1',
        'path = "work"\nper = "week"\nmax_percent = 50',
        'path = "/work/"\ntarget_hours = 40\nper = "week"',
    ],
)
def test_goals_that_mean_something_load(goal: str, tmp_path: Path, xdg: Path) -> None:
    settings = _load(tmp_path, goal)
    assert settings.goals[0].path.startswith("work")  # type: ignore[attr-defined]
