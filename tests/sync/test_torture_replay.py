"""The three-host torture that failed in CI, replayed: ``DESKMETER_TORTURE_SEED=3547874320``.

It failed once in three runs with ``host studio: before_checkpoint:1: 2 sink writes``. The
extra write was not sync's: studio's run killed just before (once its copy was done, while it
streamed) had sent its next batch, and the remote, busy with the other hosts, read and served
that request only after the ``before_checkpoint`` run had begun. The test counted every write
of studio between two moments, so it counted the dead run's write as the new run's. (The
earlier fix, waiting until the remote was serving nothing of the host, could not see a
request the remote had received but not yet begun to read.) Now every request names the run
that sent it, and a run's writes are the ones that name it.

The seed fixes what the writers write and which moments the killers pick; when the remote
serves a dead run's request depends on the machine's load, so the replay does not wait for
luck: before each host's ``before_checkpoint`` run a killed run's request waits at the remote
and is served while that run's writes are counted (``late_request``), every time. Counting
the host's writes between two moments (the old way) fails this test on every run with the
message CI showed (``host desk: before_checkpoint:1: 2 sink writes``: the first host there).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sync.test_torture import HOST_SCHEDULE, three_hosts, torture_three_hosts

SEED = 3547874320


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_three_hosts_with_seed_3547874320_count_a_killed_runs_late_write_as_its_own(
    tmp_path: Path, artifacts: Path
) -> None:
    print(f"DESKMETER_TORTURE_SEED={SEED}")
    with three_hosts(tmp_path, SEED) as (runs, remote):
        torture_three_hosts(runs, remote, SEED, artifacts, f"three_hosts_seed_{SEED}")
        late = [p.failpoint for p in HOST_SCHEDULE if p is not None and p.late]
        assert late == ["before_checkpoint:1"]
        for torture in runs.values():
            counted = [r for r in torture.report if r["late_request"]]
            # the late request was there, served during the run, and not counted as its write
            assert [(r["failpoint"], r["remote_writes"]) for r in counted] == [
                ("before_checkpoint:1", 1)
            ]
