"""Which host imported switches belong to: ``--host NAME``, and ids already stamped otherwise.

An imported switch keeps its source's id (the original ObjectId), and the store replaces by id.
Importing the same original database a second time under another ``--host`` would therefore
move the first import's switches to the second host without a word. ``host_conflicts`` finds
those ids before anything is written: an import never gives a stored switch another host, not
even one stored with none (the remote would refuse the move: its upserts match the ``_id`` and
the host, so the sync of that machine would stall on it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from operator import itemgetter

from deskmeter.hosts import host_problem
from deskmeter.models import Switch, SwitchValues
from deskmeter.store.base import Store
from deskmeter.store.instants import from_us


class HostNameError(ValueError):
    """``--host`` is not a host name a switch can carry; the message says why."""


class HostConflictError(ValueError):
    """Imported ids already belong to another host; nothing was written."""


def check_host_name(name: str) -> str:
    """``name`` if a switch may carry it (``deskmeter.hosts``: the ``host`` setting's rule)."""
    if not name.strip():
        raise HostNameError("--host is empty: give the name of the machine the data is from")
    if (problem := host_problem(name)) is not None:
        raise HostNameError(f"--host {name[:60]!r} {problem}")
    return name


@dataclass
class HostCheck:
    """The stored host of every imported id the store has already."""

    #: host stored -> how many imported switches that host already holds under another name.
    conflicts: Counter[str] = field(default_factory=Counter)
    #: One id per conflicting host (for the message).
    examples: dict[str, str] = field(default_factory=dict)
    #: Imported switches whose id the store holds (0: none of the ids is stored).
    existing: int = 0

    def message(self, wanted: str) -> str:
        held = ", ".join(
            f"{count} to {_owner(host)} (e.g. id {self.examples[host]})"
            for host, count in self.conflicts.most_common(3)
        )
        more = len(self.conflicts) - 3
        if len(self.conflicts) > 1:
            hint = "import each machine's data with its own --host"
        elif only := next(iter(self.conflicts)):
            hint = f"give --host {only} to import them again"
        else:
            hint = "import them again without --host"
        return (
            f"{sum(self.conflicts.values())} of these switches are already in the store and "
            f"belong to another host than {_shown(wanted)}: {held}"
            + (f" and {more} more hosts" if more > 0 else "")
            + f"; an import never moves switches between hosts ({hint}); nothing was written"
        )


def _owner(host: str) -> str:
    return f"host {host!r}" if host else "no host (imported without --host)"


def _shown(host: str) -> str:
    return repr(host) if host else "none (these records carry no host)"


def host_conflicts(
    values: Sequence[SwitchValues], store: Store, *, batch_size: int = 1000
) -> HostCheck:
    """Compare the host of each switch (``SwitchValues``) with the one the store holds under
    its id, if any."""
    check = HostCheck()
    if not values or not store.switches(limit=1):  # an empty store holds no id (a first import)
        return check
    everything: dict[str, str] | None = None  # id -> host of the whole store, read if needed
    ordered = sorted(values, key=itemgetter(0))  # batches cover short stretches of time
    for start in range(0, len(ordered), batch_size):
        batch = ordered[start : start + batch_size]
        existing = store.count_existing_switches([v[1] for v in batch])
        check.existing += existing
        if not existing:
            continue
        stored = _stored_hosts(store, batch)
        if len(stored) < existing:
            # A stored switch with one of these ids starts elsewhere (edited by hand, or the
            # source changed): look it up in the whole store, once.
            if everything is None:
                everything = {s.id: s.host for s in _all_switches(store)}
            stored = {v[1]: everything[v[1]] for v in batch if v[1] in everything}
        for _, switch_id, *_, host, _ in batch:
            held = stored.get(switch_id)
            if held is None or held == host:
                continue
            check.conflicts[held] += 1
            check.examples.setdefault(held, switch_id)
    return check


def _stored_hosts(store: Store, batch: Sequence[SwitchValues]) -> dict[str, str]:
    ids = {v[1] for v in batch}
    lo = from_us(batch[0][0])
    hi = from_us(batch[-1][0]) + timedelta(milliseconds=1)
    return {s.id: s.host for s in store.switches(lo, hi) if s.id in ids}


def _all_switches(store: Store, page: int = 10_000) -> Iterable[Switch]:
    offset = 0
    while True:
        chunk = store.switches(limit=page, offset=offset)
        yield from chunk
        if len(chunk) < page:
            return
        offset += page
