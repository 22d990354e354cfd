"""The ``wayland`` source's reading of ext-workspace-v1 batches (``WorkspaceModel``), in process.

What a compositor sends is replayed as the model's inputs (workspace handles' name, coordinates
and state, then ``done``); the real protocol runs in test_labwc_sid.py.
"""

from __future__ import annotations

from deskmeter.tracker.sources.wayland import ACTIVE, WorkspaceModel


def test_one_group_the_active_workspace_is_current_and_indexes_follow_announcement() -> None:
    model = WorkspaceModel()
    a, b, c = model.add(1), model.add(2), model.add(3)
    a.name, b.name, c.name = "mail", "code", "web"
    b.state = ACTIVE
    assert model.done() is b
    assert [model.index(w) for w in (a, b, c)] == [0, 1, 2]
    assert model.names() == ("mail", "code", "web")


def test_coordinates_give_the_index_when_the_compositor_sends_them() -> None:
    model = WorkspaceModel()
    a, b = model.add(1), model.add(2)
    a.coordinates, b.coordinates = (4,), (2,)
    a.state = ACTIVE
    model.done()
    assert model.index(a) == 4 and model.index(b) == 2
    assert model.names() == (b.name, a.name)


def test_with_two_outputs_the_workspace_activated_last_is_current() -> None:
    model = WorkspaceModel()
    left, right, other = model.add(1), model.add(2), model.add(3)
    left.state = right.state = ACTIVE  # one active workspace per output
    assert model.done() is left  # at start: the first active one
    right.state = 0
    other.state = ACTIVE  # the right output shows another workspace: the user is there
    assert model.done() is other
    assert model.done() is other  # an empty batch changes nothing


def test_a_switch_is_one_change_at_done_not_two() -> None:
    model = WorkspaceModel()
    a, b = model.add(1), model.add(2)
    a.state = ACTIVE
    assert model.done() is a
    a.state = 0  # the compositor deactivates one, then activates the other, then done
    b.state = ACTIVE
    assert model.current is a  # nothing decided before done
    assert model.done() is b


def test_removed_workspaces_leave_and_later_ones_move_up() -> None:
    model = WorkspaceModel()
    a, b, c = model.add(1), model.add(2), model.add(3)
    c.state = ACTIVE
    model.done()
    b.removed = True
    assert model.done() is c
    assert model.index(c) == 1
    c.removed = True
    a.state = ACTIVE
    assert model.done() is a
    assert model.workspaces == [a]
