"""Record ids without pymongo: an ObjectId's shape, time-ordered, unique across processes."""

from __future__ import annotations

import multiprocessing
import time

from bson import ObjectId

from deskmeter.ids import is_hex_id, new_id
from deskmeter.tracker.daemon import new_interval_id


def test_an_id_is_a_valid_objectid_with_its_creation_time() -> None:
    now = time.time()
    value = new_id(now)
    assert is_hex_id(value) and ObjectId.is_valid(value)
    assert ObjectId(value).generation_time.timestamp() == int(now)
    assert is_hex_id(new_interval_id())


def test_ids_sort_by_time_and_never_repeat() -> None:
    ids = [new_id(1_700_000_000 + n // 1000) for n in range(5000)]
    assert len(set(ids)) == len(ids)
    assert [i[:8] for i in ids] == sorted(i[:8] for i in ids)


def _ids_in_child(queue: multiprocessing.Queue[list[str]]) -> None:
    queue.put([new_id(1_700_000_000) for _ in range(100)])


def test_a_forked_child_makes_other_ids_than_its_parent() -> None:
    parent = [new_id(1_700_000_000) for _ in range(100)]
    context = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[list[str]] = context.Queue()
    child = context.Process(target=_ids_in_child, args=(queue,))
    child.start()
    theirs = queue.get(timeout=30)
    child.join(30)
    assert not set(parent) & set(theirs)
    assert {i[8:18] for i in parent}.isdisjoint({i[8:18] for i in theirs})


def test_only_lowercase_24_hex_digits_count_as_an_objectid() -> None:
    assert is_hex_id("0123456789abcdef01234567")
    assert not is_hex_id("0123456789ABCDEF01234567")
    assert not is_hex_id("syn-0000001") and not is_hex_id("0123456789abcdef0123456")
