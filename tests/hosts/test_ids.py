"""Switch ids of several machines never collide, and if one ever did, nothing is overwritten.

An id is an ObjectId's layout: 4 bytes of seconds, 5 random bytes drawn once per process
(again in a forked child), a 3-byte counter from a random start. Two machines (two processes
here: each draws its own random part exactly as a second machine would) writing in the very
same second give disjoint ids unless their 40 random bits are equal (about 1 in 10^12 per
pair of tracker processes). Should that ever happen, the remote refuses the second
document rather than replacing the first (``tests/sync/test_several_hosts.py``).
"""

from __future__ import annotations

import multiprocessing

from deskmeter.ids import is_hex_id, new_id

SECOND = 1_780_000_000.0
PER_PROCESS = 20_000


def _ids(_: int) -> list[str]:
    return [new_id(SECOND) for _ in range(PER_PROCESS)]


def test_three_machines_writing_in_the_same_second_get_disjoint_ids() -> None:
    # one fresh process per machine (a pool may otherwise hand two batches to one worker)
    with multiprocessing.get_context("spawn").Pool(3, maxtasksperchild=1) as pool:
        batches = pool.map(_ids, range(3), chunksize=1)
    every = [i for batch in batches for i in batch]
    assert all(is_hex_id(i) and i.startswith(f"{int(SECOND):08x}") for i in every)
    assert len(set(every)) == 3 * PER_PROCESS
    randoms = {i[8:18] for batch in batches for i in batch[:1]}
    assert len(randoms) == 3, "each process has its own random part"
    assert all(len({i[8:18] for i in batch}) == 1 for batch in batches), "fixed per process"


def test_a_forked_child_draws_a_new_random_part() -> None:
    parent = new_id(SECOND)
    with multiprocessing.get_context("fork").Pool(1) as pool:
        (child,) = pool.map(_ids, [0])
    assert child[0][8:18] != parent[8:18]
    assert not set(child) & {parent, *(new_id(SECOND) for _ in range(PER_PROCESS))}
